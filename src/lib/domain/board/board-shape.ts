/**
 * The shape of a board's (and a member's draft's) Y.Doc, declared once: the verbs of
 * board-model.ts write it, board-read.ts reads it, the update guard holds clients to it.
 * Import it from board-model.ts, the board document's module, which re-exports it.
 *
 *   cards:      Y.Map<cardId, Y.Map>   text: Y.Text, author, authorName, organisation,
 *                                      colour, group ('' = ungrouped), order, createdAt,
 *                                      indicator, target, year (goal cards)
 *   groups:     Y.Map<groupId, Y.Map>  title, order, createdBy (member id, stamped like a card's author)
 *   statements: Y.Map<variantId, Y.Map> text: Y.Text, label, order   (alternative wordings)
 */
import type * as Y from 'yjs';

export const LIMITS = {
	cards: 500,
	cardText: 1000,
	fieldText: 200,
	groups: 100,
	groupTitle: 120,
	variants: 12,
	variantLabel: 80,
	statementText: 5000
} as const;

export const CARD_COLOURS = ['yellow', 'blue', 'green', 'pink', 'purple', 'orange'] as const;
export type CardColour = (typeof CARD_COLOURS)[number];

export const GOAL_FIELDS = ['indicator', 'target', 'year'] as const;
export type GoalField = (typeof GOAL_FIELDS)[number];

export const ROOTS = ['cards', 'groups', 'statements'] as const;
export const CARD_KEYS = ['text', 'author', 'authorName', 'organisation', 'colour', 'group', 'order', 'createdAt', ...GOAL_FIELDS] as const;
export const GROUP_KEYS = ['title', 'order', 'createdBy'] as const;
export const VARIANT_KEYS = ['text', 'label', 'order'] as const;

export interface Author {
	memberId: string;
	name: string;
	organisation: string;
}

/** The attribution a card carries on an anonymous board: nobody (the server records the author privately). */
export const NO_AUTHOR: Author = { memberId: '', name: '', organisation: '' };

/**
 * The shape as the update guard (update-guard.ts) holds clients to it: each root maps ids to
 * flat maps of `keys`, at most `max` of them; `text` (where the shape has one, of at most
 * `text` characters) is a Y.Text, every other key a primitive, a string of at most
 * `fields[key]` characters (else LIMITS.fieldText).
 */
export const BOARD_SHAPE = {
	cards: { max: LIMITS.cards, keys: CARD_KEYS, text: LIMITS.cardText, fields: {} },
	groups: { max: LIMITS.groups, keys: GROUP_KEYS, text: null, fields: { title: LIMITS.groupTitle } },
	statements: { max: LIMITS.variants, keys: VARIANT_KEYS, text: LIMITS.statementText, fields: { label: LIMITS.variantLabel } }
} as const satisfies Record<(typeof ROOTS)[number], { max: number; keys: readonly string[]; text: number | null; fields: Partial<Record<string, number>> }>;

/**
 * A card's attribution: written once, with the card, from the writer's member row; never
 * rewritten or removed while the card lives (deleting the whole card stays allowed).
 */
export const CARD_ATTRIBUTION = {
	author: (a: Author) => a.memberId,
	authorName: (a: Author) => a.name,
	organisation: (a: Author) => a.organisation
} as const;

/** Card keys anyone may change on any card: where it sits (grouping is everyone's work). */
export const PLACEMENT_KEYS = ['group', 'order'] as const;

/** A group's creator (a member id), stamped once like a card's author. */
export const GROUP_CREATOR_KEY = 'createdBy';

export const MAIN_VARIANT = 'main';

export type YCard = Y.Map<unknown>;

export const cardsOf = (doc: Y.Doc) => doc.getMap<YCard>('cards');
export const groupsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('groups');
export const statementsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('statements');
/** The board's roots, for what follows the whole board (an undo manager). */
export const rootsOf = (doc: Y.Doc) => [cardsOf(doc), groupsOf(doc), statementsOf(doc)];
