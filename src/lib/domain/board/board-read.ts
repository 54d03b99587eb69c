/**
 * Reading a board's Y.Doc (board-shape.ts) into plain views: what the interface draws, a
 * snapshot freezes and a voting round opens over. Import it from board-model.ts.
 */
import * as Y from 'yjs';
import { CARD_COLOURS, cardsOf, groupsOf, statementsOf, type CardColour, type YCard } from './board-shape';

export interface CardView {
	id: string;
	text: string;
	author: string;
	authorName: string;
	organisation: string;
	colour: CardColour;
	group: string;
	order: number;
	createdAt: number;
	indicator: string;
	target: string;
	year: string;
}

export interface GroupView {
	id: string;
	title: string;
	order: number;
	/** The member who created the group ('' for groups from before it was recorded, or the server's). */
	createdBy: string;
	cards: CardView[];
}

export interface VariantView {
	id: string;
	label: string;
	text: string;
	order: number;
}

export interface BoardView {
	groups: GroupView[];
	ungrouped: CardView[];
	variants: VariantView[];
	cardCount: number;
}

export function cardText(doc: Y.Doc, cardId: string): Y.Text | null {
	const text = cardsOf(doc).get(cardId)?.get('text');
	return text instanceof Y.Text ? text : null;
}

/** A card's author as the card says (undefined: no such card; '' on an anonymous board). */
export function cardAuthor(doc: Y.Doc, cardId: string): string | undefined {
	const card = cardsOf(doc).get(cardId);
	return card === undefined ? undefined : str(card.get('author'));
}

export function cardCount(doc: Y.Doc): number {
	return cardsOf(doc).size;
}

/** A private card as its member's draft holds it, waiting for the reveal: its id and plain values. */
export interface DraftCard {
	id: string;
	fields: Record<string, unknown>;
}

export function draftCards(doc: Y.Doc): DraftCard[] {
	return [...cardsOf(doc).entries()].map(([id, card]) => ({ id, fields: card.toJSON() as Record<string, unknown> }));
}

export function hasVariant(doc: Y.Doc, variantId: string): boolean {
	return statementsOf(doc).has(variantId);
}

/** A wording's text (null: no such wording). */
export function variantText(doc: Y.Doc, variantId: string): Y.Text | null {
	const text = statementsOf(doc).get(variantId)?.get('text');
	return text instanceof Y.Text ? text : null;
}

export function readVariantText(doc: Y.Doc, variantId: string): string {
	return variantText(doc, variantId)?.toString() ?? '';
}

/** Groups in display order (their order, then id). */
export function sortedGroups(doc: Y.Doc): [string, Y.Map<unknown>][] {
	return [...groupsOf(doc).entries()].sort(([ia, a], [ib, b]) => (Number(a.get('order')) || 0) - (Number(b.get('order')) || 0) || ia.localeCompare(ib));
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function readCard(id: string, card: YCard): CardView {
	const colour = str(card.get('colour'), 'yellow');
	return {
		id,
		text: card.get('text') instanceof Y.Text ? (card.get('text') as Y.Text).toString() : '',
		author: str(card.get('author')),
		authorName: str(card.get('authorName')),
		organisation: str(card.get('organisation')),
		colour: (CARD_COLOURS as readonly string[]).includes(colour) ? (colour as CardColour) : 'yellow',
		group: str(card.get('group')),
		order: num(card.get('order')),
		createdAt: num(card.get('createdAt')),
		indicator: str(card.get('indicator')),
		target: str(card.get('target')),
		year: str(card.get('year'))
	};
}

const byOrder = (a: { order: number; id: string }, b: { order: number; id: string }) => a.order - b.order || a.id.localeCompare(b.id);

/** A plain rendering of the board: what the interface draws and a snapshot freezes. */
export function readBoard(doc: Y.Doc): BoardView {
	const groups = sortedGroups(doc).map(([id, g]) => ({
		id,
		title: str(g.get('title')),
		order: num(g.get('order')),
		createdBy: str(g.get('createdBy')),
		cards: [] as CardView[]
	}));
	const byId = new Map(groups.map((g) => [g.id, g]));
	const ungrouped: CardView[] = [];
	let cardCount = 0;
	for (const [id, card] of cardsOf(doc).entries()) {
		const view = readCard(id, card);
		cardCount++;
		(byId.get(view.group)?.cards ?? ungrouped).push(view);
	}
	for (const g of groups) g.cards.sort(byOrder);
	ungrouped.sort(byOrder);
	const variants = [...statementsOf(doc).entries()]
		.map(([id, v]) => ({ id, label: str(v.get('label')), text: readVariantText(doc, id), order: num(v.get('order')) }))
		.sort(byOrder);
	return { groups, ungrouped, variants, cardCount };
}
