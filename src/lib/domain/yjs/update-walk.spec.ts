import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_CLOCK, Refusal, UpdateWalk, decodeUpdate, mergeRanges, type Place } from './update-walk';

/** A peer with a fixed client id, synced from `from`. */
function peer(clientID: number, from?: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
	return doc;
}

/** What `doc` sends while `fn` runs. */
function capture(doc: Y.Doc, fn: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const record = (u: Uint8Array) => updates.push(u);
	doc.on('update', record);
	fn();
	doc.off('update', record);
	return Y.mergeUpdates(updates);
}

/** `root.key`, `liveKey>key` (a live nested type) or `new map>key` (a type this update creates); `[]` for no key. */
const describePlace = (walk: UpdateWalk, p: Place) => {
	if (typeof p.parent === 'string') return `${p.parent}.${p.sub}`;
	const where = walk.isLive(p.parent) ? p.parent._item!.parentSub : `new ${p.parent instanceof Y.Map ? 'map' : p.parent instanceof Y.Text ? 'text' : 'type'}`;
	return `${where}>${p.sub ?? '[]'}`;
};

/** Walks `update` against `doc`: every visited item (its content, where it goes, offset), or the refusal. */
function walk(doc: Y.Doc, update: Uint8Array): { visits: string[]; walk: UpdateWalk } | { refused: string } {
	const before = Y.encodeStateAsUpdate(doc);
	const decoded = decodeUpdate(update);
	if (decoded === null) return { refused: 'undecodable' };
	try {
		const w = new UpdateWalk(doc, decoded);
		const visits: string[] = [];
		w.integrate((item, place, offset) => visits.push(`${item.id.client}:${item.id.clock}+${offset} ${describePlace(w, place)}`));
		w.checkDeleteSet();
		return { visits, walk: w };
	} catch (e) {
		if (e instanceof Refusal) return { refused: e.reason };
		throw e;
	} finally {
		// the walk never touches the live document
		expect(Buffer.compare(Y.encodeStateAsUpdate(doc), before)).toBe(0);
	}
}

const visits = (r: ReturnType<typeof walk>) => ('visits' in r ? r.visits : r);

describe('decoding', () => {
	it('says null for bytes that are not an update, and counts client sections', () => {
		expect(decodeUpdate(new Uint8Array([255, 255, 255]))).toBeNull();
		const a = peer(1);
		const update = capture(a, () => a.getMap('m').set('k', 1));
		expect(decodeUpdate(update)).toMatchObject({ sections: 1 });
	});

	it('refuses a client sent in two sections (Yjs would keep only the last)', () => {
		const a = peer(1);
		const b = peer(2);
		const ua = capture(a, () => a.getMap('m').set('k', 1));
		const ub = capture(b, () => b.getMap('m').set('j', 2));
		const decoded = decodeUpdate(Y.mergeUpdates([ua, ub]))!;
		// the same structs again, with the first client repeated after the second
		const forged = { ...decoded, structs: [...decoded.structs, decoded.structs[0]], sections: 3 };
		expect(() => new UpdateWalk(peer(9), forged)).toThrow(Refusal);
		expect(() => new UpdateWalk(peer(9), { ...decoded, sections: 3 })).toThrow(Refusal);
	});
});

describe('where each item goes, as Yjs resolves it', () => {
	it('places root entries by name, nested values in their type, and typing through its origin', () => {
		const server = peer(100);
		const a = peer(1, server);
		const update = capture(a, () => {
			const card = new Y.Map<unknown>();
			card.set('text', new Y.Text('hi'));
			a.getMap('cards').set('c1', card);
		});
		expect(visits(walk(server, update))).toEqual(['1:0+0 cards.c1', '1:1+0 new map>text', '1:2+0 new text>[]']);
		Y.applyUpdate(server, update);

		// typing after "hi": the item names only its origin, which is live; its place is the text's
		const typing = capture(a, () => ((a.getMap('cards').get('c1') as Y.Map<Y.Text>).get('text') as Y.Text).insert(2, '!'));
		expect(visits(walk(server, typing))).toEqual(['1:4+0 text>[]']);
	});

	it('places an item whose origin is earlier in the same update', () => {
		const server = peer(100);
		server.getText('t');
		const a = peer(1, server);
		const update = capture(a, () => {
			a.getText('t').insert(0, 'a');
			a.getText('t').insert(1, 'b');
		});
		expect(visits(walk(server, update))).toEqual(['1:0+0 t.null', '1:1+0 t.null']);
	});

	it("integrates another client's structs first when an item waits for them", () => {
		const server = peer(100);
		const low = peer(1, server);
		const high = peer(2, server);
		// the lower client writes after the higher one's item (Yjs starts with the highest client)
		const first = capture(high, () => high.getText('t').insert(0, 'x'));
		Y.applyUpdate(low, first);
		const second = capture(low, () => low.getText('t').insert(1, 'y'));
		expect(visits(walk(server, Y.mergeUpdates([first, second])))).toEqual(['2:0+0 t.null', '1:0+0 t.null']);
	});

	it('gives the offset of an item the document already has in part', () => {
		const server = peer(100);
		const a = peer(1, server);
		const one = capture(a, () => a.getText('t').insert(0, 'abc'));
		Y.applyUpdate(server, one);
		// already whole: nothing to integrate
		expect(visits(walk(server, one))).toEqual([]);
		// the run again, now longer: one struct of five characters, three of them known
		const more = capture(a, () => a.getText('t').insert(3, 'de'));
		expect(visits(walk(server, Y.encodeStateAsUpdate(a)))).toEqual(['1:0+3 t.null']);
		expect(visits(walk(server, more))).toEqual(['1:3+0 t.null']);
	});

	it('does not visit an item whose parent is gone (Yjs makes it a GC struct)', () => {
		const server = peer(100);
		const a = peer(1);
		a.getMap('cards').set('c1', new Y.Map());
		Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
		const b = peer(2, server);
		const late = capture(b, () => (b.getMap('cards').get('c1') as Y.Map<unknown>).set('colour', 'blue'));
		a.getMap('cards').delete('c1');
		const gcServer = peer(101, a);
		gcServer.gc = true;
		Y.applyUpdate(gcServer, Y.encodeStateAsUpdate(a));
		const r = walk(gcServer, late);
		expect('visits' in r ? r.visits : r).toEqual([]);
	});
});

describe('what Yjs could not integrate at once is refused', () => {
	it('refuses an item waiting for a client the document lacks', () => {
		const server = peer(100);
		const a = peer(1, server);
		const b = peer(2, server);
		Y.applyUpdate(
			b,
			capture(a, () => a.getText('t').insert(0, 'x'))
		);
		const onlyB = capture(b, () => b.getText('t').insert(1, 'y'));
		expect(walk(server, onlyB)).toEqual({ refused: 'unresolved' });
	});

	it("refuses a gap in a client's clocks", () => {
		const server = peer(100);
		const a = peer(1, server);
		capture(a, () => a.getText('t').insert(0, 'first'));
		const second = capture(a, () => a.getMap('m').set('k', 1));
		expect(walk(server, second)).toEqual({ refused: 'unresolved' });
	});

	it('refuses deletions of clocks nobody has', () => {
		const server = peer(100);
		const a = peer(1, server);
		const add = capture(a, () => a.getText('t').insert(0, 'abc'));
		const del = capture(a, () => a.getText('t').delete(0, 3));
		expect(walk(server, del)).toEqual({ refused: 'unresolved' });
		expect(visits(walk(server, Y.mergeUpdates([add, del])))).toEqual(['1:0+0 t.null']);
	});

	it('refuses a struct claiming clocks past MAX_CLOCK', () => {
		const server = peer(100);
		const a = peer(MAX_CLOCK);
		const decoded = decodeUpdate(capture(a, () => a.getMap('m').set('k', 1)))!;
		const item = decoded.structs[0] as Y.Item;
		(item as unknown as { length: number }).length = MAX_CLOCK + 1;
		expect(() => new UpdateWalk(server, decoded).integrate(() => undefined)).toThrow(Refusal);
	});
});

describe('the delete set', () => {
	it('merges ranges, says which ids it deletes, and maps them to live structs', () => {
		expect(
			mergeRanges([
				{ clock: 5, len: 2 },
				{ clock: 0, len: 3 },
				{ clock: 2, len: 2 }
			])
		).toEqual([
			{ start: 0, end: 4 },
			{ start: 5, end: 7 }
		]);
		const server = peer(100);
		const a = peer(1, server);
		Y.applyUpdate(
			server,
			capture(a, () => a.getText('t').insert(0, 'abcdef'))
		);
		const del = capture(a, () => a.getText('t').delete(1, 2));
		const r = walk(server, del);
		if (!('walk' in r)) throw new Error('refused');
		expect(r.walk.deletes(Y.createID(1, 0))).toBe(false);
		expect(r.walk.deletes(Y.createID(1, 1))).toBe(true);
		expect(r.walk.deletes(Y.createID(1, 2))).toBe(true);
		expect(r.walk.deletes(Y.createID(2, 1))).toBe(false);
		const seen: [number, number][] = [];
		r.walk.forEachDeleted({ budget: 10, live: (_s, from, to) => seen.push([from, to]) });
		expect(seen).toEqual([[1, 3]]);
	});

	it('visits what the update adds and deletes at once beyond the live state', () => {
		const server = peer(100);
		const a = peer(1, server);
		const update = capture(a, () => {
			a.getText('t').insert(0, 'abcdef');
			a.getText('t').delete(0, 4);
		});
		const r = walk(server, update);
		if (!('walk' in r)) throw new Error('refused');
		const own: [number, number][] = [];
		r.walk.forEachDeleted({ budget: 10, live: () => undefined, own: (_s, from, to) => own.push([from, to]) });
		expect(own.filter(([from, to]) => to > from)).toEqual([[0, 4]]);
	});

	it('refuses past its budget, or stops quietly when asked', () => {
		const server = peer(100);
		const a = peer(1, server);
		for (let i = 0; i < 5; i++)
			Y.applyUpdate(
				server,
				capture(a, () => a.getMap('m').set(`k${i}`, i))
			);
		const del = capture(a, () => a.transact(() => [...a.getMap('m').keys()].forEach((k) => a.getMap('m').delete(k))));
		const r = walk(server, del);
		if (!('walk' in r)) throw new Error('refused');
		expect(() => r.walk.forEachDeleted({ budget: 3, live: () => undefined })).toThrow(Refusal);
		expect(r.walk.forEachDeleted({ budget: 3, live: () => undefined, exhausted: 'stop' })).toBe(false);
		expect(r.walk.forEachDeleted({ budget: 5, live: () => undefined })).toBe(true);
	});
});
