import type { BoardView, CardView, GroupView, VariantView } from '#lib/domain/board/board-model.js';

const sameArray = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sameFields<T extends object>(a: T, b: T): boolean {
	for (const key of Object.keys(b) as (keyof T)[]) if (a[key] !== b[key]) return false;
	return true;
}

/**
 * The next view, with every card, group and variant that did not change replaced by the
 * previous object: the interface then redraws only what changed (one keystroke in one card
 * on a board of hundreds redraws one card).
 */
export function reuseUnchanged(previous: BoardView, next: BoardView): BoardView {
	const oldCards = new Map<string, CardView>();
	for (const card of previous.ungrouped) oldCards.set(card.id, card);
	for (const group of previous.groups) for (const card of group.cards) oldCards.set(card.id, card);
	const card = (c: CardView) => {
		const old = oldCards.get(c.id);
		return old && sameFields(old, c) ? old : c;
	};
	const oldGroups = new Map(previous.groups.map((g) => [g.id, g]));
	const groups = next.groups.map((g): GroupView => {
		const cards = g.cards.map(card);
		const old = oldGroups.get(g.id);
		return old && old.title === g.title && old.order === g.order && old.createdBy === g.createdBy && sameArray(old.cards, cards) ? old : { ...g, cards };
	});
	const ungrouped = next.ungrouped.map(card);
	const oldVariants = new Map(previous.variants.map((v) => [v.id, v]));
	const variants = next.variants.map((v): VariantView => {
		const old = oldVariants.get(v.id);
		return old && sameFields(old, v) ? old : v;
	});
	return {
		groups: sameArray(previous.groups, groups) ? previous.groups : groups,
		ungrouped: sameArray(previous.ungrouped, ungrouped) ? previous.ungrouped : ungrouped,
		variants: sameArray(previous.variants, variants) ? previous.variants : variants,
		cardCount: next.cardCount
	};
}
