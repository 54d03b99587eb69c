import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addGroup, readBoard, type Author } from './board-model';
import { boardColumns, keyboardStep, placeAfter } from './placement';

const anna: Author = { memberId: 'm-anna', name: 'Anna', organisation: 'Innoskart' };

function view() {
	const doc = new Y.Doc();
	const ids: Record<string, string> = {};
	const g = addGroup(doc, 'Bizalom');
	const h = addGroup(doc, 'Üres');
	for (const t of ['a', 'b', 'c']) ids[t] = addCard(doc, { author: anna, text: t });
	for (const t of ['x', 'y']) ids[t] = addCard(doc, { author: anna, text: t, group: g });
	return { v: readBoard(doc), g, h, ids };
}

describe('where moved cards land', () => {
	it('columns: the ungrouped first, then the groups in order', () => {
		const { v, g, h } = view();
		expect(boardColumns(v).map((c) => c.group)).toEqual(['', g, h]);
	});

	it("just after a card, skipping the ones being moved; or the card's own place", () => {
		const { v, ids } = view();
		expect(placeAfter(v, '', ids.a, [])).toEqual({ group: '', before: ids.b });
		expect(placeAfter(v, '', ids.a, [ids.b])).toEqual({ group: '', before: ids.c });
		expect(placeAfter(v, '', ids.c, [])).toEqual({ group: '', before: null });
		expect(placeAfter(v, '', ids.b, [ids.b], true)).toEqual({ group: '', before: ids.c });
	});

	it('arrow keys: up and down within a column, left and right between columns, never past the ends', () => {
		const { v, g, h, ids } = view();
		const moving = [ids.b];
		let step = keyboardStep(v, { group: '', before: ids.c }, moving, 'ArrowUp');
		expect(step).toEqual({ place: { group: '', before: ids.a }, position: 1, of: 3 });
		step = keyboardStep(v, step.place, moving, 'ArrowUp');
		expect(step.place).toEqual({ group: '', before: ids.a });
		step = keyboardStep(v, step.place, moving, 'ArrowRight');
		expect(step).toEqual({ place: { group: g, before: ids.x }, position: 1, of: 3 });
		step = keyboardStep(v, { group: g, before: null }, moving, 'ArrowDown');
		expect(step).toEqual({ place: { group: g, before: null }, position: 3, of: 3 });
		step = keyboardStep(v, step.place, moving, 'ArrowRight');
		expect(step).toEqual({ place: { group: h, before: null }, position: 1, of: 1 });
		step = keyboardStep(v, step.place, moving, 'ArrowRight');
		expect(step.place.group).toBe(h);
		step = keyboardStep(v, { group: '', before: ids.a }, moving, 'ArrowLeft');
		expect(step.place.group).toBe('');
	});
});
