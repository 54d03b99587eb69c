import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, addGroup, editCardText, moveCard, readBoard } from '#lib/domain/board/board-model.js';
import { reuseUnchanged } from './view-reuse';

const author = { memberId: 'm1', name: 'Anna', organisation: 'Org' };

describe('reuseUnchanged', () => {
	test('only what changed is new', () => {
		const doc = new Y.Doc();
		const a = addCard(doc, { author, text: 'a' });
		const b = addCard(doc, { author, text: 'b' });
		const g = addGroup(doc, 'Group');
		const first = readBoard(doc);
		editCardText(doc, a, 'a!');
		const second = reuseUnchanged(first, readBoard(doc));
		expect(second.ungrouped[0]).not.toBe(first.ungrouped[0]);
		expect(second.ungrouped[0].text).toBe('a!');
		expect(second.ungrouped[1]).toBe(first.ungrouped[1]);
		expect(second.groups).toBe(first.groups);
		expect(second.variants).toBe(first.variants);

		moveCard(doc, b, g);
		const third = reuseUnchanged(second, readBoard(doc));
		expect(third.ungrouped).toEqual([second.ungrouped[0]]);
		expect(third.ungrouped[0]).toBe(second.ungrouped[0]);
		expect(third.groups[0].cards.map((c) => c.id)).toEqual([b]);
		expect(third.groups).not.toBe(second.groups);
	});

	test('nothing changed: the very same view parts', () => {
		const doc = new Y.Doc();
		addCard(doc, { author, text: 'a' });
		const first = readBoard(doc);
		const again = reuseUnchanged(first, readBoard(doc));
		expect(again.ungrouped).toBe(first.ungrouped);
		expect(again.groups).toBe(first.groups);
	});
});
