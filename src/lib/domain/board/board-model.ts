/**
 * The board document's module: the verbs that write a board's (or a draft's) Y.Doc, each in one
 * `doc.transact(fn, origin)`. Components and the server call these verbs and never reach into
 * the document. The shape these verbs write is declared in board-shape.ts, and read into plain
 * views by board-read.ts; both are re-exported here, so that nothing outside domain/board
 * imports anything else.
 */
import * as Y from 'yjs';
import { diffSplice, isHighSurrogate, type TextSplice } from './text-splice';
import {
	CARD_ATTRIBUTION,
	GOAL_FIELDS,
	LIMITS,
	CARD_COLOURS,
	MAIN_VARIANT,
	NO_AUTHOR,
	cardsOf,
	groupsOf,
	statementsOf,
	type Author,
	type CardColour,
	type GoalField,
	type YCard
} from './board-shape';
import { cardText, readVariantText, sortedGroups, type DraftCard, type VariantView } from './board-read';

export * from './board-shape';
export * from './board-read';

export function newId(): string {
	return crypto.randomUUID();
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair (Yjs would turn half a pair into U+FFFD). */
const clip = (s: string, max: number) => (s.length > max && max > 0 && isHighSurrogate(s.charCodeAt(max - 1)) ? s.slice(0, max - 1) : s.slice(0, max));

export function addCard(
	doc: Y.Doc,
	input: { author: Author; text?: string; colour?: CardColour; group?: string; fields?: Partial<Record<GoalField, string>>; id?: string },
	origin?: unknown
): string {
	const id = input.id ?? newId();
	doc.transact(() => {
		const cards = cardsOf(doc);
		if (cards.size >= LIMITS.cards) throw new BoardLimitError('cards');
		const card = new Y.Map<unknown>();
		const text = new Y.Text();
		text.insert(0, clip(input.text ?? '', LIMITS.cardText));
		card.set('text', text);
		card.set('author', input.author.memberId);
		card.set('authorName', clip(input.author.name, LIMITS.fieldText));
		card.set('organisation', clip(input.author.organisation, LIMITS.fieldText));
		card.set('colour', input.colour ?? 'yellow');
		card.set('group', input.group ?? '');
		card.set('order', nextOrder(cards, input.group ?? ''));
		card.set('createdAt', Date.now());
		for (const f of GOAL_FIELDS) if (input.fields?.[f]) card.set(f, clip(input.fields[f]!, LIMITS.fieldText));
		cards.set(id, card);
	}, origin);
	return id;
}

export class BoardLimitError extends Error {
	constructor(readonly limit: string) {
		super(`board limit reached: ${limit}`);
	}
}

function nextOrder(cards: Y.Map<YCard>, group: string): number {
	let max = 0;
	for (const card of cards.values()) if (card.get('group') === group) max = Math.max(max, Number(card.get('order')) || 0);
	return max + 1;
}

/** Replaces a Y.Text's content with `next` by the smallest single splice, so concurrent edits elsewhere in the text survive. */
export function replaceText(text: Y.Text, next: string, max: number): void {
	const splice = diffSplice(text.toString(), clip(next, max));
	if (splice) spliceText(text, splice, max);
}

/**
 * Applies one splice to a Y.Text, clipping what it inserts to the text's maximum length. The
 * splice's position is kept as given: where a person typed is where their characters go, so
 * that someone else typing at the same spot cannot split their run (see text-splice.ts).
 */
export function spliceText(text: Y.Text, { index, remove, insert }: TextSplice, max: number): void {
	const length = text.length;
	index = Math.max(0, Math.min(index, length));
	remove = Math.max(0, Math.min(remove, length - index));
	insert = clip(insert, Math.max(0, max - (length - remove)));
	if (remove > 0) text.delete(index, remove);
	if (insert) text.insert(index, insert);
}

export function editCardText(doc: Y.Doc, cardId: string, next: string, origin?: unknown): void {
	const text = cardText(doc, cardId);
	if (text) doc.transact(() => replaceText(text, next, LIMITS.cardText), origin);
}

/** A person's edit of a card's text, at the position they made it. */
export function spliceCardText(doc: Y.Doc, cardId: string, splice: TextSplice, origin?: unknown): void {
	const text = cardText(doc, cardId);
	if (text) doc.transact(() => spliceText(text, splice, LIMITS.cardText), origin);
}

export function setCardColour(doc: Y.Doc, cardId: string, colour: CardColour, origin?: unknown): void {
	const card = cardsOf(doc).get(cardId);
	if (card && CARD_COLOURS.includes(colour)) doc.transact(() => card.set('colour', colour), origin);
}

export function setCardField(doc: Y.Doc, cardId: string, field: GoalField, value: string, origin?: unknown): void {
	const card = cardsOf(doc).get(cardId);
	if (card && GOAL_FIELDS.includes(field)) doc.transact(() => card.set(field, clip(value, LIMITS.fieldText)), origin);
}

/** Moves a card into a group ('' = ungrouped), at the end unless `order` is given. */
export function moveCard(doc: Y.Doc, cardId: string, group: string, origin?: unknown, order?: number): void {
	const cards = cardsOf(doc);
	const card = cards.get(cardId);
	if (!card) return;
	if (group && !groupsOf(doc).has(group)) return;
	doc.transact(() => {
		card.set('group', group);
		card.set('order', order ?? nextOrder(cards, group));
	}, origin);
}

/**
 * Moves cards into a group ('' = ungrouped) together, in the order given, before the card
 * `before` there (null: at the end): one transaction, so one undo step and one update.
 */
export function moveCards(doc: Y.Doc, cardIds: readonly string[], group: string, origin?: unknown, before: string | null = null): void {
	const cards = cardsOf(doc);
	const moving = cardIds.filter((id, i) => cards.has(id) && cardIds.indexOf(id) === i);
	if (moving.length === 0 || (group && !groupsOf(doc).has(group))) return;
	const others = [...cards.entries()]
		.filter(([id, c]) => c.get('group') === group && !moving.includes(id))
		.map(([id, c]) => ({ id, order: Number(c.get('order')) || 0 }))
		.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
	const at =
		before === null
			? others.length
			: Math.max(
					0,
					others.findIndex((c) => c.id === before)
				);
	const previous = others[at - 1]?.order;
	const next = others[at]?.order;
	// Orders strictly between the neighbours (or past the one there is), evenly spaced.
	const low = previous ?? (next !== undefined ? next - moving.length - 1 : 0);
	const high = next ?? low + moving.length + 1;
	const step = (high - low) / (moving.length + 1);
	doc.transact(() => {
		moving.forEach((id, i) => {
			const card = cards.get(id)!;
			if (card.get('group') !== group) card.set('group', group);
			card.set('order', low + step * (i + 1));
		});
	}, origin);
}

/** Merges one group into another: its cards follow the other's, in their order; the emptied group goes. */
export function mergeGroups(doc: Y.Doc, from: string, into: string, origin?: unknown): void {
	const groups = groupsOf(doc);
	if (from === into || !groups.has(from) || !groups.has(into)) return;
	const moving = [...cardsOf(doc).entries()]
		.filter(([, c]) => c.get('group') === from)
		.sort(([ia, a], [ib, b]) => (Number(a.get('order')) || 0) - (Number(b.get('order')) || 0) || ia.localeCompare(ib))
		.map(([id]) => id);
	doc.transact(() => {
		moveCards(doc, moving, into, origin);
		groups.delete(from);
	}, origin);
}

export function deleteCard(doc: Y.Doc, cardId: string, origin?: unknown): void {
	doc.transact(() => cardsOf(doc).delete(cardId), origin);
}

export function deleteCards(doc: Y.Doc, cardIds: readonly string[], origin?: unknown): void {
	doc.transact(() => {
		for (const id of cardIds) cardsOf(doc).delete(id);
	}, origin);
}

/**
 * Puts a draft's cards onto the board under their draft ids, signed by `signer` (the draft's
 * owner as the server knows them, or NO_AUTHOR on an anonymous board; whatever the draft's
 * cards say) and ungrouped. Colour, order, creation time and goal fields come along.
 */
export function revealDraft(doc: Y.Doc, cards: readonly DraftCard[], signer: Author, origin?: unknown): void {
	doc.transact(() => {
		for (const { id, fields } of cards) {
			const card = new Y.Map<unknown>();
			const text = new Y.Text();
			text.insert(0, String(fields.text ?? ''));
			card.set('text', text);
			for (const [key, stamp] of Object.entries(CARD_ATTRIBUTION)) card.set(key, stamp(signer));
			for (const key of ['colour', 'order', 'createdAt', ...GOAL_FIELDS]) if (fields[key] !== undefined) card.set(key, fields[key]);
			card.set('group', '');
			cardsOf(doc).set(id, card);
		}
	}, origin);
}

/** `createdBy`: the member creating it; the sync server requires the sender's own id on a new group. */
export function addGroup(doc: Y.Doc, title: string, origin?: unknown, options: { id?: string; createdBy?: string } = {}): string {
	const id = options.id ?? newId();
	doc.transact(() => {
		const groups = groupsOf(doc);
		if (groups.size >= LIMITS.groups) throw new BoardLimitError('groups');
		const group = new Y.Map<unknown>();
		group.set('title', clip(title, LIMITS.groupTitle));
		group.set('createdBy', options.createdBy ?? '');
		group.set('order', Math.max(0, ...[...groups.values()].map((g) => Number(g.get('order')) || 0)) + 1);
		groups.set(id, group);
	}, origin);
	return id;
}

export function renameGroup(doc: Y.Doc, groupId: string, title: string, origin?: unknown): void {
	const group = groupsOf(doc).get(groupId);
	if (group) doc.transact(() => group.set('title', clip(title, LIMITS.groupTitle)), origin);
}

/** Swaps a group with its neighbour in display order. */
export function moveGroup(doc: Y.Doc, groupId: string, direction: -1 | 1, origin?: unknown): void {
	const sorted = sortedGroups(doc);
	const from = sorted.findIndex(([id]) => id === groupId);
	const to = from + direction;
	if (from < 0 || to < 0 || to >= sorted.length) return;
	doc.transact(() => {
		const a = sorted[from][1];
		const b = sorted[to][1];
		const orderA = Number(a.get('order')) || 0;
		const orderB = Number(b.get('order')) || 0;
		if (orderA !== orderB) {
			a.set('order', orderB);
			b.set('order', orderA);
			return;
		}
		// equal orders (concurrent adds): renumber everything in the intended order
		[sorted[from], sorted[to]] = [sorted[to], sorted[from]];
		sorted.forEach(([, g], i) => {
			if (g.get('order') !== i + 1) g.set('order', i + 1);
		});
	}, origin);
}

/** Removes a group; its cards become ungrouped rather than lost. */
export function removeGroup(doc: Y.Doc, groupId: string, origin?: unknown): void {
	doc.transact(() => {
		for (const card of cardsOf(doc).values()) if (card.get('group') === groupId) card.set('group', '');
		groupsOf(doc).delete(groupId);
	}, origin);
}

/** Cards to file into a group: an existing one (`groupId`) or a new one named `title`. */
export interface Grouping {
	groupId: string | null;
	title: string;
	cardIds: string[];
}

/**
 * Files ungrouped cards into groups, new or existing, in one transaction (so one undo step).
 * A card someone grouped or deleted since the grouping was proposed stays as it is, a card
 * is filed once, and a group with no card left to receive is not created. Over the group
 * limit nothing changes.
 */
export function applyGrouping(doc: Y.Doc, grouping: readonly Grouping[], origin?: unknown, createdBy = ''): string[] {
	const cards = cardsOf(doc);
	const groups = groupsOf(doc);
	// readBoard shows a card whose group is gone as ungrouped: it is free here too
	const free = (id: string) => {
		const group = cards.get(id)?.get('group');
		return cards.has(id) && (typeof group !== 'string' || !groups.has(group));
	};
	const filed = new Set<string>();
	const plan = grouping
		.map((g) => ({ ...g, cardIds: g.cardIds.filter((id) => !filed.has(id) && free(id) && !!filed.add(id)) }))
		.filter((g) => g.cardIds.length > 0);
	const joins = (g: Grouping) => g.groupId !== null && groups.has(g.groupId);
	const creating = plan.filter((g) => !joins(g)).length;
	if (creating > 0 && groups.size + creating > LIMITS.groups) throw new BoardLimitError('groups');
	const ids: string[] = [];
	doc.transact(() => {
		let order = Math.max(0, ...[...groups.values()].map((g) => Number(g.get('order')) || 0));
		for (const g of plan) {
			const title = clip(g.title, LIMITS.groupTitle);
			let id = g.groupId;
			if (id !== null && joins(g)) {
				const group = groups.get(id)!;
				if (group.get('title') !== title) group.set('title', title);
			} else {
				id = newId();
				const group = new Y.Map<unknown>();
				group.set('title', title);
				group.set('order', ++order);
				group.set('createdBy', createdBy);
				groups.set(id, group);
			}
			let next = nextOrder(cards, id);
			for (const cardId of g.cardIds) {
				const card = cards.get(cardId)!;
				card.set('group', id);
				card.set('order', next++);
			}
			ids.push(id);
		}
	}, origin);
	return ids;
}

/** The statement's variant, created on first use (the main wording always exists). */
export function ensureVariant(doc: Y.Doc, variantId = MAIN_VARIANT, label = '', origin?: unknown): Y.Text {
	const statements = statementsOf(doc);
	let variant = statements.get(variantId);
	if (!variant) {
		doc.transact(() => {
			if (statements.size >= LIMITS.variants) throw new BoardLimitError('variants');
			variant = new Y.Map<unknown>();
			variant.set('text', new Y.Text());
			variant.set('label', clip(label, LIMITS.variantLabel));
			// main first, others after the last one (size would collide after a removal)
			const orders = [...statements.entries()].filter(([id]) => id !== MAIN_VARIANT).map(([, v]) => Number(v.get('order')) || 0);
			variant.set('order', variantId === MAIN_VARIANT ? 0 : Math.max(0, ...orders) + 1);
			statements.set(variantId, variant);
		}, origin);
	}
	return variant!.get('text') as Y.Text;
}

/** Adds an alternative wording, starting from a copy of `from` when given. */
export function addVariant(doc: Y.Doc, label: string, from?: string, origin?: unknown): string {
	const id = newId();
	const base = from ? readVariantText(doc, from) : '';
	doc.transact(() => {
		const text = ensureVariant(doc, id, label, origin);
		text.insert(0, base);
	}, origin);
	return id;
}

export function editVariantText(doc: Y.Doc, variantId: string, next: string, origin?: unknown): void {
	const text = ensureVariant(doc, variantId, '', origin);
	doc.transact(() => replaceText(text, next, LIMITS.statementText), origin);
}

/** A person's edit of a wording's text, at the position they made it. */
export function spliceVariantText(doc: Y.Doc, variantId: string, splice: TextSplice, origin?: unknown): void {
	const text = ensureVariant(doc, variantId, '', origin);
	doc.transact(() => spliceText(text, splice, LIMITS.statementText), origin);
}

export function renameVariant(doc: Y.Doc, variantId: string, label: string, origin?: unknown): void {
	const variant = statementsOf(doc).get(variantId);
	if (variant) doc.transact(() => variant.set('label', clip(label, LIMITS.variantLabel)), origin);
}

export function removeVariant(doc: Y.Doc, variantId: string, origin?: unknown): void {
	if (variantId === MAIN_VARIANT) return;
	doc.transact(() => statementsOf(doc).delete(variantId), origin);
}

/**
 * A follow-up meeting's board starts where the previous one ended: the decided wording
 * (`decided`, the main one unless a vote chose another) as its statement, then every other
 * wording, with their labels, in the order given (readBoard's, or a rendering's). Wordings
 * left empty there are not carried over.
 */
export function carryStatement(
	doc: Y.Doc,
	variants: readonly Pick<VariantView, 'id' | 'label' | 'text'>[],
	decided: string = MAIN_VARIANT,
	origin?: unknown
): void {
	const first = variants.find((v) => v.id === decided) ?? variants.find((v) => v.id === MAIN_VARIANT);
	if (!first) return;
	doc.transact(() => {
		editVariantText(doc, MAIN_VARIANT, first.text, origin);
		if (first.label) renameVariant(doc, MAIN_VARIANT, first.label, origin);
		for (const v of variants) {
			if (v === first || !v.text.trim()) continue;
			editVariantText(doc, addVariant(doc, v.label, undefined, origin), v.text, origin);
		}
	}, origin);
}

/**
 * The items that came out on top at the previous meeting, as cards in a group of their own
 * (`title`, in the workshop's language). They carry no author: the people who wrote them are
 * members of the other meeting, not of this one.
 */
export function carryItems(doc: Y.Doc, title: string, texts: readonly string[], origin?: unknown): void {
	if (texts.length === 0) return;
	doc.transact(() => {
		const group = addGroup(doc, title, origin);
		for (const text of texts) addCard(doc, { author: NO_AUTHOR, text, group }, origin);
	}, origin);
}
