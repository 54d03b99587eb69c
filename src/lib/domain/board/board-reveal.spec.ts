import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addGroup,
	cardAuthor,
	cardCount,
	deleteCards,
	draftCards,
	ensureVariant,
	hasVariant,
	MAIN_VARIANT,
	NO_AUTHOR,
	readBoard,
	revealDraft,
	variantText,
	type Author
} from './board-model';
import { checkBoardUpdate } from './update-guard';

const ada: Author = { memberId: 'm-ada', name: 'Ada', organisation: 'Engines Ltd' };
const mallory: Author = { memberId: 'm-mal', name: 'Mallory', organisation: 'Spoofers' };

describe('revealing a draft', () => {
	it("puts the draft's cards on the board under their ids, signed by the owner, ungrouped", () => {
		const draft = new Y.Doc();
		const group = addGroup(draft, 'private group');
		// whatever the draft's card says about its author, the reveal signs it as the owner
		const id = addCard(draft, { author: mallory, text: 'An idea', colour: 'blue', group, fields: { year: '2030' } });
		const cards = draftCards(draft);
		expect(cards.map((c) => c.id)).toEqual([id]);

		const board = new Y.Doc();
		const updates: Uint8Array[] = [];
		board.on('update', (u: Uint8Array) => updates.push(u));
		revealDraft(board, cards, ada);
		expect(readBoard(board).ungrouped).toMatchObject([
			{ id, text: 'An idea', author: 'm-ada', authorName: 'Ada', organisation: 'Engines Ltd', colour: 'blue', group: '', year: '2030' }
		]);
		expect(cardAuthor(board, id)).toBe('m-ada');
		expect(cardAuthor(board, 'none')).toBeUndefined();
		expect(cardCount(board)).toBe(1);
		// the update passes the guard as the owner's own edit
		expect(checkBoardUpdate(new Y.Doc(), Y.mergeUpdates(updates), { author: ada })).toEqual({ ok: true });

		const anonymous = new Y.Doc();
		revealDraft(anonymous, cards, NO_AUTHOR);
		expect(cardAuthor(anonymous, id)).toBe('');

		deleteCards(draft, [id, 'none']);
		expect(draftCards(draft)).toEqual([]);
	});
});

describe('wordings', () => {
	it("gives a wording's text, and whether it exists", () => {
		const doc = new Y.Doc();
		expect(hasVariant(doc, MAIN_VARIANT)).toBe(false);
		expect(variantText(doc, MAIN_VARIANT)).toBeNull();
		const text = ensureVariant(doc);
		expect(hasVariant(doc, MAIN_VARIANT)).toBe(true);
		expect(variantText(doc, MAIN_VARIANT)).toBe(text);
	});
});
