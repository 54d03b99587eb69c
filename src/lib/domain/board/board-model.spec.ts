import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addGroup,
	addVariant,
	applyGrouping,
	BoardLimitError,
	carryItems,
	carryStatement,
	cardsOf,
	cardText,
	deleteCard,
	editCardText,
	editVariantText,
	ensureVariant,
	groupsOf,
	LIMITS,
	MAIN_VARIANT,
	moveCard,
	moveGroup,
	readBoard,
	removeGroup,
	removeVariant,
	renameGroup,
	renameVariant,
	replaceText,
	setCardColour,
	setCardField,
	spliceCardText,
	spliceVariantText,
	statementsOf,
	type Author
} from './board-model';

const ada: Author = { memberId: 'm-ada', name: 'Ada', organisation: 'Engines Ltd' };
const bob: Author = { memberId: 'm-bob', name: 'Bob', organisation: 'Builders' };

/** Two docs that exchange every update, like two browsers behind the sync server. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
	return { a, b };
}

/** Two docs that only exchange their state when told (concurrent edits). */
function sync(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('addCard', () => {
	it('creates a card map with a Y.Text and stamped author fields', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada, text: 'Fewer meetings', colour: 'blue', fields: { indicator: 'hours', year: '2030' } });
		const card = cardsOf(doc).get(id)!;
		expect(card.get('text')).toBeInstanceOf(Y.Text);
		expect(card.get('author')).toBe('m-ada');
		const view = readBoard(doc).ungrouped[0];
		expect(view).toMatchObject({
			id,
			text: 'Fewer meetings',
			author: 'm-ada',
			authorName: 'Ada',
			organisation: 'Engines Ltd',
			colour: 'blue',
			group: '',
			order: 1,
			indicator: 'hours',
			target: '',
			year: '2030'
		});
		expect(view.createdAt).toBeGreaterThan(0);
		expect(card.has('target')).toBe(false);
	});

	it('clips text and fields to the limits', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: { ...ada, name: 'n'.repeat(500) }, text: 'x'.repeat(5000), fields: { target: 't'.repeat(500) } });
		const view = readBoard(doc).ungrouped[0];
		expect(view.id).toBe(id);
		expect(view.text).toHaveLength(LIMITS.cardText);
		expect(view.authorName).toHaveLength(LIMITS.fieldText);
		expect(view.target).toHaveLength(LIMITS.fieldText);
	});

	it('does not cut a surrogate pair when clipping', () => {
		const doc = new Y.Doc();
		const text = 'a'.repeat(LIMITS.cardText - 1) + '😀';
		const id = addCard(doc, { author: ada, text });
		expect(readBoard(doc).ungrouped[0].text).toBe('a'.repeat(LIMITS.cardText - 1));
		expect(cardText(doc, id)!.toString()).not.toContain('\ufffd');
	});

	it('numbers cards per group', () => {
		const doc = new Y.Doc();
		const g = addGroup(doc, 'Ideas');
		addCard(doc, { author: ada, text: '1' });
		addCard(doc, { author: ada, text: '2' });
		addCard(doc, { author: ada, text: 'g1', group: g });
		const board = readBoard(doc);
		expect(board.ungrouped.map((c) => [c.text, c.order])).toEqual([
			['1', 1],
			['2', 2]
		]);
		expect(board.groups[0].cards.map((c) => [c.text, c.order])).toEqual([['g1', 1]]);
	});

	it('runs in one transaction with the given origin', () => {
		const doc = new Y.Doc();
		const origins: unknown[] = [];
		doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
		addCard(doc, { author: ada, text: 'x' }, 'me');
		expect(origins).toEqual(['me']);
	});

	it('throws BoardLimitError at the card limit and leaves the board unchanged', () => {
		const doc = new Y.Doc();
		for (let i = 0; i < LIMITS.cards; i++) addCard(doc, { author: ada, text: String(i) });
		const before = Y.encodeStateAsUpdate(doc);
		expect(() => addCard(doc, { author: ada, text: 'one too many' })).toThrow(BoardLimitError);
		try {
			addCard(doc, { author: ada });
		} catch (e) {
			expect((e as BoardLimitError).limit).toBe('cards');
		}
		expect(readBoard(doc).cardCount).toBe(LIMITS.cards);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});
});

describe('card edits', () => {
	it('editCardText replaces by the smallest splice', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada, text: 'hello world' });
		const text = cardText(doc, id)!;
		const deltas: unknown[] = [];
		text.observe((e) => deltas.push(e.changes.delta));
		editCardText(doc, id, 'hello brave world');
		expect(text.toString()).toBe('hello brave world');
		expect(deltas).toEqual([[{ retain: 6 }, { insert: 'brave ' }]]);
		editCardText(doc, id, 'hello brave world'); // no-op
		expect(deltas).toHaveLength(1);
		editCardText(doc, id, 'hello world!');
		expect(text.toString()).toBe('hello world!');
		editCardText(doc, id, '');
		expect(text.toString()).toBe('');
		editCardText(doc, id, 'y'.repeat(2000));
		expect(text.length).toBe(LIMITS.cardText);
	});

	it('concurrent edits in two docs both survive and converge', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const id = addCard(a, { author: ada, text: 'The quick fox jumps' });
		sync(a, b);
		editCardText(a, id, 'The quick brown fox jumps');
		editCardText(b, id, 'The quick fox jumps high');
		sync(a, b);
		expect(cardText(a, id)!.toString()).toBe('The quick brown fox jumps high');
		expect(cardText(b, id)!.toString()).toBe('The quick brown fox jumps high');
		expect(readBoard(a)).toEqual(readBoard(b));
	});

	it('concurrent edits at the same spot converge to the same text', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const id = addCard(a, { author: ada, text: 'abc' });
		sync(a, b);
		editCardText(a, id, 'abXc');
		editCardText(b, id, 'abYc');
		sync(a, b);
		const t = cardText(a, id)!.toString();
		expect(t).toBe(cardText(b, id)!.toString());
		expect(['abXYc', 'abYXc']).toContain(t);
	});

	it('replaceText never splits a surrogate pair', () => {
		const { a, b } = pair();
		const id = addCard(a, { author: ada, text: 'a😀b' });
		editCardText(a, id, 'a😁b'); // same high surrogate
		expect(cardText(a, id)!.toString()).toBe('a😁b');
		expect(cardText(b, id)!.toString()).toBe('a😁b');
		editCardText(a, id, 'a🙁b');
		editCardText(a, id, 'a\u{1F500}b'); // same low surrogate as nothing before, differing high
		editCardText(a, id, 'a\u{1F400}b'); // differing high, same low surrogate
		expect(cardText(b, id)!.toString()).toBe('a\u{1F400}b');
		expect(cardText(a, id)!.toString()).toBe('a\u{1F400}b');
	});

	it('replaceText clips to the maximum', () => {
		const doc = new Y.Doc();
		const text = doc.getText('t');
		replaceText(text, 'abcdef', 3);
		expect(text.toString()).toBe('abc');
	});

	it('spliceCardText edits at the splice, not where a diff would put it', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada, text: 'x alma' });
		const text = cardText(doc, id)!;
		const deltas: unknown[] = [];
		text.observe((e) => deltas.push(e.changes.delta));
		spliceCardText(doc, id, { index: 2, remove: 0, insert: 'a' });
		expect(text.toString()).toBe('x aalma');
		expect(deltas).toEqual([[{ retain: 2 }, { insert: 'a' }]]);
		spliceCardText(doc, id, { index: 0, remove: 2, insert: '' });
		expect(text.toString()).toBe('aalma');
		spliceCardText(doc, 'nope', { index: 0, remove: 0, insert: 'x' });
	});

	it('spliceCardText keeps the text within its limit, cutting only what it inserts', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada, text: 'y'.repeat(LIMITS.cardText - 3) });
		spliceCardText(doc, id, { index: 0, remove: 0, insert: 'abcdef' });
		expect(cardText(doc, id)!.toString()).toBe('abc' + 'y'.repeat(LIMITS.cardText - 3));
		spliceCardText(doc, id, { index: 0, remove: 1, insert: '😀😀' }); // one unit free: no half pair
		expect(cardText(doc, id)!.toString()).toBe('bc' + 'y'.repeat(LIMITS.cardText - 3));
		spliceCardText(doc, id, { index: 0, remove: 2, insert: '😀😀' });
		expect(cardText(doc, id)!.toString()).toBe('😀' + 'y'.repeat(LIMITS.cardText - 3));
	});

	it('spliceVariantText creates the main variant on first use and clips', () => {
		const doc = new Y.Doc();
		spliceVariantText(doc, MAIN_VARIANT, { index: 0, remove: 0, insert: 's'.repeat(LIMITS.statementText + 10) });
		expect(readBoard(doc).variants[0].text).toHaveLength(LIMITS.statementText);
	});

	it('setCardColour and setCardField validate their input', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada });
		setCardColour(doc, id, 'green');
		setCardColour(doc, id, 'black' as never);
		setCardField(doc, id, 'target', 'z'.repeat(300));
		setCardField(doc, id, 'author' as never, 'm-evil');
		const view = readBoard(doc).ungrouped[0];
		expect(view.colour).toBe('green');
		expect(view.target).toHaveLength(LIMITS.fieldText);
		expect(view.author).toBe('m-ada');
		// unknown ids are ignored
		setCardColour(doc, 'nope', 'blue');
		setCardField(doc, 'nope', 'year', '1');
		editCardText(doc, 'nope', 'x');
		expect(readBoard(doc).cardCount).toBe(1);
	});

	it('deleteCard removes the card', () => {
		const doc = new Y.Doc();
		const id = addCard(doc, { author: ada, text: 'bye' });
		addCard(doc, { author: bob, text: 'stay' });
		deleteCard(doc, id);
		expect(readBoard(doc).ungrouped.map((c) => c.text)).toEqual(['stay']);
		expect(cardText(doc, id)).toBeNull();
	});

	it('readCard falls back for malformed values', () => {
		const doc = new Y.Doc();
		const card = new Y.Map<unknown>();
		card.set('colour', 'black');
		card.set('order', 'x');
		card.set('author', 7);
		cardsOf(doc).set('odd', card);
		expect(readBoard(doc).ungrouped[0]).toMatchObject({ id: 'odd', text: '', colour: 'yellow', order: 0, author: '' });
	});
});

describe('moveCard', () => {
	it('moves into a group at the end, or at a given order, and back out', () => {
		const doc = new Y.Doc();
		const g = addGroup(doc, 'Ideas');
		const c1 = addCard(doc, { author: ada, text: 'one', group: g });
		const c2 = addCard(doc, { author: ada, text: 'two' });
		moveCard(doc, c2, g);
		let board = readBoard(doc);
		expect(board.groups[0].cards.map((c) => c.text)).toEqual(['one', 'two']);
		expect(board.ungrouped).toEqual([]);
		moveCard(doc, c2, g, undefined, 0);
		board = readBoard(doc);
		expect(board.groups[0].cards.map((c) => c.text)).toEqual(['two', 'one']);
		moveCard(doc, c1, '');
		board = readBoard(doc);
		expect(board.ungrouped.map((c) => c.text)).toEqual(['one']);
		expect(board.groups[0].cards.map((c) => c.text)).toEqual(['two']);
	});

	it('ignores unknown groups and cards', () => {
		const doc = new Y.Doc();
		const c = addCard(doc, { author: ada, text: 'one' });
		moveCard(doc, c, 'no-such-group');
		moveCard(doc, 'no-such-card', '');
		expect(readBoard(doc).ungrouped.map((v) => v.id)).toEqual([c]);
	});
});

describe('groups', () => {
	it('add, rename (clipped), order', () => {
		const doc = new Y.Doc();
		const g1 = addGroup(doc, 'First');
		const g2 = addGroup(doc, 'Second');
		renameGroup(doc, g1, 'F'.repeat(500));
		renameGroup(doc, 'nope', 'x');
		const board = readBoard(doc);
		expect(board.groups.map((g) => g.id)).toEqual([g1, g2]);
		expect(board.groups[0].title).toHaveLength(LIMITS.groupTitle);
		expect(board.groups.map((g) => g.order)).toEqual([1, 2]);
	});

	it('moveGroup swaps with the neighbour and stops at the ends', () => {
		const doc = new Y.Doc();
		const g1 = addGroup(doc, 'A');
		const g2 = addGroup(doc, 'B');
		const g3 = addGroup(doc, 'C');
		const order = () => readBoard(doc).groups.map((g) => g.title);
		moveGroup(doc, g3, -1);
		expect(order()).toEqual(['A', 'C', 'B']);
		moveGroup(doc, g1, 1);
		expect(order()).toEqual(['C', 'A', 'B']);
		moveGroup(doc, g3, -1);
		moveGroup(doc, g2, 1);
		expect(order()).toEqual(['C', 'A', 'B']);
		moveGroup(doc, 'nope', 1);
		expect(order()).toEqual(['C', 'A', 'B']);
	});

	it('moveGroup works when concurrent adds gave two groups the same order', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		addGroup(a, 'Base');
		sync(a, b);
		const ga = addGroup(a, 'FromA', undefined, { id: 'a-group' });
		const gb = addGroup(b, 'FromB', undefined, { id: 'b-group' });
		sync(a, b);
		const groups = readBoard(a).groups;
		expect(groups[1].order).toBe(groups[2].order);
		expect(groups.map((g) => g.id).slice(1)).toEqual([ga, gb]);
		moveGroup(a, gb, -1);
		expect(readBoard(a).groups.map((g) => g.title)).toEqual(['Base', 'FromB', 'FromA']);
		moveGroup(a, gb, 1);
		expect(readBoard(a).groups.map((g) => g.title)).toEqual(['Base', 'FromA', 'FromB']);
	});

	it('removeGroup leaves its cards ungrouped, not lost', () => {
		const doc = new Y.Doc();
		const g = addGroup(doc, 'Doomed');
		const other = addGroup(doc, 'Other');
		addCard(doc, { author: ada, text: 'in doomed', group: g });
		addCard(doc, { author: ada, text: 'in other', group: other });
		removeGroup(doc, g);
		const board = readBoard(doc);
		expect(board.groups.map((x) => x.id)).toEqual([other]);
		expect(board.ungrouped.map((c) => c.text)).toEqual(['in doomed']);
		expect(board.groups[0].cards.map((c) => c.text)).toEqual(['in other']);
		expect(groupsOf(doc).has(g)).toBe(false);
		expect(board.cardCount).toBe(2);
	});

	it('cards of a group removed concurrently show as ungrouped', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const g = addGroup(a, 'G');
		sync(a, b);
		removeGroup(a, g);
		addCard(b, { author: bob, text: 'late', group: g });
		sync(a, b);
		expect(readBoard(a).ungrouped.map((c) => c.text)).toEqual(['late']);
		expect(readBoard(b)).toEqual(readBoard(a));
	});

	it('throws BoardLimitError at the group limit', () => {
		const doc = new Y.Doc();
		for (let i = 0; i < LIMITS.groups; i++) addGroup(doc, `g${i}`);
		expect(() => addGroup(doc, 'too many')).toThrow(BoardLimitError);
		expect(groupsOf(doc).size).toBe(LIMITS.groups);
	});
});

describe('applyGrouping', () => {
	/** A board with four ungrouped cards and one group holding a fifth. */
	function board() {
		const doc = new Y.Doc();
		const kept = addGroup(doc, 'Bizalom', undefined, { id: 'g-kept' });
		const ids = ['Együttműködés', 'Együttműködési kultúra', 'Bizalomépítés', 'Innováció'].map((text) => addCard(doc, { author: ada, text }));
		const grouped = addCard(doc, { author: bob, text: 'Kölcsönös bizalom', group: kept });
		return { doc, kept, ids, grouped };
	}

	it('creates the new groups, joins existing ones and files the cards, in one transaction with the origin', () => {
		const { doc, kept, ids, grouped } = board();
		const origins: unknown[] = [];
		doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
		const [created, joined] = applyGrouping(
			doc,
			[
				{ groupId: null, title: 'Együttműködés', cardIds: [ids[0], ids[1]] },
				{ groupId: kept, title: 'Bizalom és nyitottság', cardIds: [ids[2]] }
			],
			'suggest'
		);
		expect(origins).toEqual(['suggest']);
		expect(joined).toBe(kept);
		const view = readBoard(doc);
		expect(view.groups.map((g) => [g.title, g.cards.map((c) => c.text)])).toEqual([
			['Bizalom és nyitottság', ['Kölcsönös bizalom', 'Bizalomépítés']],
			['Együttműködés', ['Együttműködés', 'Együttműködési kultúra']]
		]);
		expect(view.groups[1].id).toBe(created);
		expect(view.groups[0].cards.map((c) => c.id)).toEqual([grouped, ids[2]]);
		expect(view.ungrouped.map((c) => c.text)).toEqual(['Innováció']);
	});

	it('is one step for an undo manager tracking the origin: one undo takes it all back, one redo brings it back', () => {
		const { doc, kept, ids } = board();
		const origin = { board: 'local' };
		const undo = new Y.UndoManager([cardsOf(doc), groupsOf(doc)], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
		const before = readBoard(doc);
		applyGrouping(
			doc,
			[
				{ groupId: null, title: 'Együttműködés', cardIds: [ids[0], ids[1]] },
				{ groupId: null, title: 'Innováció', cardIds: [ids[3], ids[2]] },
				{ groupId: kept, title: 'Bizalom!', cardIds: [] }
			],
			origin
		);
		const after = readBoard(doc);
		expect(after.groups).toHaveLength(3);
		expect(undo.undoStack).toHaveLength(1);
		undo.undo();
		expect(readBoard(doc)).toEqual(before);
		expect(undo.canUndo()).toBe(false);
		undo.redo();
		expect(readBoard(doc)).toEqual(after);
	});

	it('leaves alone cards grouped or deleted since the proposal, files a card once, and makes no empty group', () => {
		const { doc, kept, ids, grouped } = board();
		const other = new Y.Doc();
		sync(doc, other);
		// someone else files one card meanwhile and deletes another
		moveCard(other, ids[1], kept);
		deleteCard(other, ids[3]);
		sync(doc, other);
		const made = applyGrouping(doc, [
			{ groupId: null, title: 'Együttműködés', cardIds: [ids[0], ids[1], grouped] },
			{ groupId: null, title: 'Empty now', cardIds: [ids[3]] },
			{ groupId: null, title: 'Again', cardIds: [ids[0], ids[2]] }
		]);
		expect(made).toHaveLength(2);
		const view = readBoard(doc);
		expect(view.groups.map((g) => [g.title, g.cards.map((c) => c.text)])).toEqual([
			['Bizalom', ['Kölcsönös bizalom', 'Együttműködési kultúra']],
			['Együttműködés', ['Együttműködés']],
			['Again', ['Bizalomépítés']]
		]);
	});

	it('files a card whose group was removed concurrently, as readBoard shows it ungrouped', () => {
		const doc = new Y.Doc();
		const a = addCard(doc, { author: ada, text: 'orphan' });
		cardsOf(doc).get(a)!.set('group', 'g-gone');
		const [g] = applyGrouping(doc, [{ groupId: null, title: 'Found', cardIds: [a] }]);
		expect(readBoard(doc).groups[0]).toMatchObject({ id: g, title: 'Found', cards: [{ id: a }] });
	});

	it('a grouping over the group limit throws BoardLimitError and changes nothing', () => {
		const doc = new Y.Doc();
		for (let i = 0; i < LIMITS.groups - 1; i++) addGroup(doc, `g${i}`);
		const [a, b] = ['one', 'two'].map((text) => addCard(doc, { author: ada, text }));
		const before = readBoard(doc);
		expect(() =>
			applyGrouping(doc, [
				{ groupId: null, title: 'One', cardIds: [a] },
				{ groupId: null, title: 'Two', cardIds: [b] }
			])
		).toThrow(BoardLimitError);
		expect(readBoard(doc)).toEqual(before);
		applyGrouping(doc, [{ groupId: null, title: 'x'.repeat(LIMITS.groupTitle + 5), cardIds: [a, b] }]);
		expect(groupsOf(doc).size).toBe(LIMITS.groups);
		expect(readBoard(doc).groups.at(-1)!.title).toHaveLength(LIMITS.groupTitle);
	});
});

describe('statement variants', () => {
	it('the main variant is created on first use and comes first', () => {
		const doc = new Y.Doc();
		const v = addVariant(doc, 'Bold');
		editVariantText(doc, MAIN_VARIANT, 'We make things.');
		const variants = readBoard(doc).variants;
		expect(variants.map((x) => x.id)).toEqual([MAIN_VARIANT, v]);
		expect(variants[0]).toMatchObject({ label: '', text: 'We make things.', order: 0 });
		expect(ensureVariant(doc).toString()).toBe('We make things.');
	});

	it('add (copying another), edit, rename, remove', () => {
		const doc = new Y.Doc();
		editVariantText(doc, MAIN_VARIANT, 'We build bridges.');
		const v1 = addVariant(doc, 'Copy', MAIN_VARIANT);
		const v2 = addVariant(doc, 'Blank');
		editVariantText(doc, v1, 'We build better bridges.');
		renameVariant(doc, v2, 'L'.repeat(200));
		let variants = readBoard(doc).variants;
		expect(variants.map((v) => v.id)).toEqual([MAIN_VARIANT, v1, v2]);
		expect(variants[1]).toMatchObject({ label: 'Copy', text: 'We build better bridges.' });
		expect(variants[0].text).toBe('We build bridges.');
		expect(variants[2].text).toBe('');
		expect(variants[2].label).toHaveLength(LIMITS.variantLabel);
		removeVariant(doc, v1);
		const v3 = addVariant(doc, 'Later');
		variants = readBoard(doc).variants;
		expect(variants.map((v) => v.id)).toEqual([MAIN_VARIANT, v2, v3]);
		expect(new Set(variants.map((v) => v.order)).size).toBe(3);
	});

	it('the main variant cannot be removed', () => {
		const doc = new Y.Doc();
		editVariantText(doc, MAIN_VARIANT, 'Main');
		removeVariant(doc, MAIN_VARIANT);
		expect(statementsOf(doc).has(MAIN_VARIANT)).toBe(true);
		expect(readBoard(doc).variants[0].text).toBe('Main');
	});

	it('statement text is clipped', () => {
		const doc = new Y.Doc();
		editVariantText(doc, MAIN_VARIANT, 's'.repeat(LIMITS.statementText + 10));
		expect(readBoard(doc).variants[0].text).toHaveLength(LIMITS.statementText);
	});

	it('concurrent statement edits converge', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		editVariantText(a, MAIN_VARIANT, 'We serve the city.');
		sync(a, b);
		editVariantText(a, MAIN_VARIANT, 'We proudly serve the city.');
		editVariantText(b, MAIN_VARIANT, 'We serve the whole city.');
		sync(a, b);
		expect(readBoard(a).variants[0].text).toBe('We proudly serve the whole city.');
		expect(readBoard(b)).toEqual(readBoard(a));
	});

	it('throws BoardLimitError at the variant limit', () => {
		const doc = new Y.Doc();
		ensureVariant(doc);
		for (let i = 1; i < LIMITS.variants; i++) addVariant(doc, `v${i}`);
		expect(() => addVariant(doc, 'too many')).toThrow(BoardLimitError);
		expect(statementsOf(doc).size).toBe(LIMITS.variants);
	});
});

describe('readBoard', () => {
	it('orders groups and cards by order then id, and counts cards', () => {
		const doc = new Y.Doc();
		const g2 = addGroup(doc, 'Second', undefined, { id: 'g-b' });
		const g1 = addGroup(doc, 'First', undefined, { id: 'g-a' });
		groupsOf(doc).get(g1)!.set('order', 0);
		addCard(doc, { author: ada, text: 'z', id: 'c-z' });
		addCard(doc, { author: ada, text: 'y', id: 'c-y' });
		cardsOf(doc).get('c-z')!.set('order', 5);
		cardsOf(doc).get('c-y')!.set('order', 5);
		addCard(doc, { author: bob, text: 'in2', group: g2 });
		const board = readBoard(doc);
		expect(board.groups.map((g) => g.title)).toEqual(['First', 'Second']);
		expect(board.ungrouped.map((c) => c.id)).toEqual(['c-y', 'c-z']);
		expect(board.groups[1].cards.map((c) => c.text)).toEqual(['in2']);
		expect(board.cardCount).toBe(3);
		expect(board.variants).toEqual([]);
	});

	it('is empty for an empty doc', () => {
		expect(readBoard(new Y.Doc())).toEqual({ groups: [], ungrouped: [], variants: [], cardCount: 0 });
	});
});

describe('carryStatement', () => {
	it('starts a board from the previous one’s statement and wordings, labels and order kept, empty wordings left behind', () => {
		const before = new Y.Doc();
		editVariantText(before, MAIN_VARIANT, 'A klaszterek közösen építik a magyar gazdaság versenyképességét.');
		renameVariant(before, MAIN_VARIANT, 'Elfogadott');
		const second = addVariant(before, 'Rövidebb');
		editVariantText(before, second, 'Együtt erősebbek vagyunk: ügyfeleinkért, régióinkért.');
		addVariant(before, 'Üres javaslat');
		const third = addVariant(before, 'Hosszabb — ő írta');
		editVariantText(before, third, 'Értéket teremtünk a tagjainknak, a térségnek és az országnak.');

		const after = new Y.Doc();
		carryStatement(after, readBoard(before).variants);
		const carried = readBoard(after).variants;
		expect(carried.map((v) => [v.label, v.text])).toEqual([
			['Elfogadott', 'A klaszterek közösen építik a magyar gazdaság versenyképességét.'],
			['Rövidebb', 'Együtt erősebbek vagyunk: ügyfeleinkért, régióinkért.'],
			['Hosszabb — ő írta', 'Értéket teremtünk a tagjainknak, a térségnek és az országnak.']
		]);
		expect(carried[0].id).toBe(MAIN_VARIANT);
		// New ids: the wordings are the new board's own.
		expect(carried.slice(1).map((v) => v.id)).not.toContain(second);
	});

	it('an empty board carries nothing', () => {
		const after = new Y.Doc();
		carryStatement(after, readBoard(new Y.Doc()).variants);
		expect(readBoard(after).variants).toEqual([]);
	});

	it('a wording the room voted for becomes the statement; the old main wording follows as an alternative', () => {
		const before = new Y.Doc();
		editVariantText(before, MAIN_VARIANT, 'Összekötjük a vállalkozásokat.');
		const chosen = addVariant(before, 'A szavazás győztese');
		editVariantText(before, chosen, 'Együtt versenyképesebbek vagyunk, itthon és külföldön.');
		const after = new Y.Doc();
		carryStatement(after, readBoard(before).variants, chosen);
		expect(readBoard(after).variants.map((v) => [v.id === MAIN_VARIANT, v.label, v.text])).toEqual([
			[true, 'A szavazás győztese', 'Együtt versenyképesebbek vagyunk, itthon és külföldön.'],
			[false, '', 'Összekötjük a vállalkozásokat.']
		]);
	});
});

describe('carryItems', () => {
	it('puts the previous meeting’s top items in a group of their own, with no author', () => {
		const doc = new Y.Doc();
		carryItems(doc, 'Az előző találkozóról', ['Bizalom és együttműködés', 'Nyitás a külpiacok felé']);
		const view = readBoard(doc);
		expect(view.groups.map((g) => [g.title, g.cards.map((c) => [c.text, c.author, c.authorName, c.organisation])])).toEqual([
			[
				'Az előző találkozóról',
				[
					['Bizalom és együttműködés', '', '', ''],
					['Nyitás a külpiacok felé', '', '', '']
				]
			]
		]);
		carryItems(doc, 'Üres', []);
		expect(readBoard(doc).groups).toHaveLength(1);
	});
});
