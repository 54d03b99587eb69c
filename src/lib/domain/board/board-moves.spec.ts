import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addGroup, groupsOf, mergeGroups, moveCards, readBoard, type Author } from './board-model';

const anna: Author = { memberId: 'm-anna', name: 'Kovács Anna', organisation: 'Innoskart' };
const texts = (doc: Y.Doc, group: number | null) => (group === null ? readBoard(doc).ungrouped : readBoard(doc).groups[group].cards).map((c) => c.text);

function board() {
	const doc = new Y.Doc();
	const g = addGroup(doc, 'Együttműködés');
	const h = addGroup(doc, 'Innováció');
	const ids: Record<string, string> = {};
	for (const t of ['bizalom', 'közös projektek', 'hálózat']) ids[t] = addCard(doc, { author: anna, text: t, group: g });
	for (const t of ['kutatás', 'fejlesztés']) ids[t] = addCard(doc, { author: anna, text: t, group: h });
	for (const t of ['láthatóság', 'növekedés', 'tudás']) ids[t] = addCard(doc, { author: anna, text: t });
	return { doc, g, h, ids };
}

describe('moveCards: several cards at once', () => {
	it('lands them together in the given order, before a card or at the end, in one transaction', () => {
		const { doc, g, ids } = board();
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		moveCards(doc, [ids['tudás'], ids['láthatóság']], g, undefined, ids['közös projektek']);
		expect(transactions).toBe(1);
		expect(texts(doc, 0)).toEqual(['bizalom', 'tudás', 'láthatóság', 'közös projektek', 'hálózat']);
		expect(texts(doc, null)).toEqual(['növekedés']);
		moveCards(doc, [ids['növekedés'], ids['bizalom']], g);
		expect(texts(doc, 0)).toEqual(['tudás', 'láthatóság', 'közös projektek', 'hálózat', 'növekedés', 'bizalom']);
		moveCards(doc, [ids['hálózat']], g, undefined, ids['tudás']);
		expect(texts(doc, 0)[0]).toBe('hálózat');
	});

	it('reorders within a group, moves out, and ignores unknown cards, repeats and groups', () => {
		const { doc, g, ids } = board();
		moveCards(doc, [ids['hálózat'], ids['hálózat'], 'nincs ilyen'], g, undefined, ids['bizalom']);
		expect(texts(doc, 0)).toEqual(['hálózat', 'bizalom', 'közös projektek']);
		moveCards(doc, [ids['bizalom']], '');
		expect(texts(doc, null)).toEqual(['láthatóság', 'növekedés', 'tudás', 'bizalom']);
		moveCards(doc, [ids['tudás']], 'no-such-group');
		expect(texts(doc, null)).toContain('tudás');
	});

	it('concurrent moves of the same card by two people converge', () => {
		const { doc, g, h, ids } = board();
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		moveCards(doc, [ids['tudás']], g);
		moveCards(other, [ids['tudás']], h, undefined, ids['kutatás']);
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
		expect(readBoard(doc)).toEqual(readBoard(other));
		expect(readBoard(doc).cardCount).toBe(8);
	});
});

describe('mergeGroups', () => {
	it("puts one group's cards after the other's, in their order, and removes the emptied group", () => {
		const { doc, g, h } = board();
		mergeGroups(doc, h, g);
		expect(groupsOf(doc).has(h)).toBe(false);
		expect(readBoard(doc).groups.map((x) => x.title)).toEqual(['Együttműködés']);
		expect(texts(doc, 0)).toEqual(['bizalom', 'közös projektek', 'hálózat', 'kutatás', 'fejlesztés']);
		mergeGroups(doc, g, g);
		mergeGroups(doc, 'no-such', g);
		expect(readBoard(doc).cardCount).toBe(8);
	});
});
