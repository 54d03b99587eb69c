/**
 * Comparing two renderings of one board: two snapshots, or a snapshot and the live board.
 * Everything is matched by id, so a card whose text was rewritten is an edit (not a removal
 * plus an addition) and a renamed group is a rename. Titles are carried along only for
 * display. The word-level text changes come from jsdiff.
 */
import { diffWords } from 'diff';
import type { BoardRendering, SnapshotCard, SnapshotGroup, SnapshotVariant } from '#lib/domain/snapshot/types.js';

/** One run of words in a text diff: kept, added in the later text, or removed from the earlier one. */
export interface Change {
	kind: 'same' | 'added' | 'removed';
	text: string;
}

export interface CardEdit {
	id: string;
	before: SnapshotCard;
	after: SnapshotCard;
	/** word diff of the card's text (a single 'same' run when only other fields changed) */
	text: Change[];
}

export interface CardMove {
	id: string;
	/** the card's text in the later rendering */
	text: string;
	/** group titles for display; null = ungrouped */
	fromGroup: string | null;
	toGroup: string | null;
}

export interface VariantChange {
	id: string;
	label: string;
	status: 'added' | 'removed' | 'changed' | 'same';
	text: Change[];
}

export interface BoardDiff {
	added: SnapshotCard[];
	removed: SnapshotCard[];
	edited: CardEdit[];
	moved: CardMove[];
	variants: VariantChange[];
	groups: { added: string[]; removed: string[]; renamed: { from: string; to: string }[] };
}

/** Word-level diff of two texts. Whitespace-only differences count as the same words. */
export function diffText(before: string, after: string): Change[] {
	return diffWords(before, after).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** A card with the group it sits in (null = ungrouped), so moves can be told from edits. */
interface Placed {
	card: SnapshotCard;
	group: SnapshotGroup | null;
}

function placeCards(r: BoardRendering): Map<string, Placed> {
	const placed = new Map<string, Placed>();
	for (const group of r.groups) for (const card of group.cards) placed.set(card.id, { card, group });
	for (const card of r.ungrouped) placed.set(card.id, { card, group: null });
	return placed;
}

/**
 * The fields that make a card's content. Colour is left out on purpose: it is the sticky
 * note's hue, and recolouring a card does not change what the board says.
 */
const CONTENT: readonly (keyof SnapshotCard)[] = ['text', 'organisation', 'indicator', 'target', 'year'];

const contentChanged = (a: SnapshotCard, b: SnapshotCard) => CONTENT.some((k) => a[k] !== b[k]);

/** Items of `xs` whose id is not in `other`, in `xs`'s order. */
function missingFrom<T>(xs: Map<string, T>, other: Map<string, unknown>): T[] {
	return [...xs].filter(([id]) => !other.has(id)).map(([, x]) => x);
}

function diffCards(a: Map<string, Placed>, b: Map<string, Placed>): Pick<BoardDiff, 'added' | 'removed' | 'edited' | 'moved'> {
	const edited: CardEdit[] = [];
	const moved: CardMove[] = [];
	for (const [id, after] of b) {
		const before = a.get(id);
		if (!before) continue;
		if (contentChanged(before.card, after.card)) edited.push({ id, before: before.card, after: after.card, text: diffText(before.card.text, after.card.text) });
		if ((before.group?.id ?? null) !== (after.group?.id ?? null))
			moved.push({ id, text: after.card.text, fromGroup: before.group?.title ?? null, toGroup: after.group?.title ?? null });
	}
	return {
		added: missingFrom(b, a).map((p) => p.card),
		removed: missingFrom(a, b).map((p) => p.card),
		edited,
		moved
	};
}

function diffGroups(a: SnapshotGroup[], b: SnapshotGroup[]): BoardDiff['groups'] {
	const inA = new Map(a.map((g) => [g.id, g]));
	const inB = new Map(b.map((g) => [g.id, g]));
	return {
		added: missingFrom(inB, inA).map((g) => g.title),
		removed: missingFrom(inA, inB).map((g) => g.title),
		renamed: b.flatMap((g) => {
			const old = inA.get(g.id);
			return old && old.title !== g.title ? [{ from: old.title, to: g.title }] : [];
		})
	};
}

/**
 * The statement's wordings in the later rendering's order, then the ones it dropped. Added
 * and removed wordings get their whole text as one added or removed run.
 */
function diffVariants(a: SnapshotVariant[], b: SnapshotVariant[]): VariantChange[] {
	const inA = new Map(a.map((v) => [v.id, v]));
	const inB = new Map(b.map((v) => [v.id, v]));
	const now = b.map((v): VariantChange => {
		const old = inA.get(v.id);
		if (!old) return { id: v.id, label: v.label, status: 'added', text: diffText('', v.text) };
		const same = old.text === v.text && old.label === v.label;
		return { id: v.id, label: v.label, status: same ? 'same' : 'changed', text: diffText(old.text, v.text) };
	});
	const gone = missingFrom(inA, inB).map((v): VariantChange => ({ id: v.id, label: v.label, status: 'removed', text: diffText(v.text, '') }));
	return [...now, ...gone];
}

/** What changed from `a` (earlier) to `b` (later). */
export function diffRenderings(a: BoardRendering, b: BoardRendering): BoardDiff {
	return {
		...diffCards(placeCards(a), placeCards(b)),
		variants: diffVariants(a.variants, b.variants),
		groups: diffGroups(a.groups, b.groups)
	};
}
