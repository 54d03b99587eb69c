import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import {
	addCard,
	addGroup,
	addVariant,
	CARD_KEYS,
	cardsOf,
	cardText,
	deleteCard,
	editCardText,
	editVariantText,
	ensureVariant,
	applyGrouping,
	GROUP_KEYS,
	groupsOf,
	LIMITS,
	MAIN_VARIANT,
	mergeGroups,
	moveCard,
	moveGroup,
	NO_AUTHOR,
	removeGroup,
	removeVariant,
	renameGroup,
	renameVariant,
	ROOTS,
	setCardColour,
	setCardField,
	statementsOf,
	VARIANT_KEYS,
	type Author
} from './board-model';
import { checkBoardUpdate, type GuardOptions, type GuardResult } from './update-guard';
import { DEFAULT_RIGHTS, type BoardRights, type Writer } from './board-rights';

const ada: Author = { memberId: 'm-ada', name: 'Ada', organisation: 'Engines Ltd' };
const bob: Author = { memberId: 'm-bob', name: 'Bob', organisation: 'Builders' };
const cy: Author = { memberId: 'm-cy', name: 'Cy', organisation: 'Council' };
/** The member rows the server knows: a member id sends as this author. */
const members = new Map([ada, bob, cy].map((a) => [a.memberId, a]));
const as = (memberId: string | null): Author | null => (memberId === null ? null : members.get(memberId)!);

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** Runs the guard and asserts it left the live doc byte-for-byte unchanged. */
function guard(doc: Y.Doc, update: Uint8Array, memberId: string | null, maxBytes?: number, extra: Partial<GuardOptions> = {}): GuardResult {
	const before = Y.encodeStateAsUpdate(doc);
	const sv = Y.encodeStateVector(doc);
	const shareKeys = [...doc.share.keys()];
	const result = checkBoardUpdate(doc, update, { author: as(memberId), maxBytes, ...extra });
	expect(sameBytes(Y.encodeStateAsUpdate(doc), before), 'the guard changed the live doc').toBe(true);
	expect(sameBytes(Y.encodeStateVector(doc), sv), 'the guard changed the state vector').toBe(true);
	expect([...doc.share.keys()]).toEqual(shareKeys);
	return result;
}

const refused = (reason: string) => ({ ok: false, reason });

/** The server's live doc plus browsers synced from it; edits go through the guard like the sync server. */
class Board {
	readonly server = new Y.Doc();

	/** A browser tab: a doc synced from the server (a fixed clientID makes fuzz runs reproducible). */
	client(clientID?: number): Y.Doc {
		const doc = new Y.Doc();
		if (clientID !== undefined) doc.clientID = clientID;
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.server));
		return doc;
	}

	/** Brings a client up to date with the server. */
	pull(client: Y.Doc) {
		Y.applyUpdate(client, Y.encodeStateAsUpdate(this.server, Y.encodeStateVector(client)));
	}

	/** What the client sends while `fn` runs (several transactions are merged). */
	capture(client: Y.Doc, fn: () => void): Uint8Array {
		const updates: Uint8Array[] = [];
		const onUpdate = (u: Uint8Array) => updates.push(u);
		client.on('update', onUpdate);
		try {
			fn();
		} finally {
			client.off('update', onUpdate);
		}
		return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
	}

	/** Guard, then apply to the server when accepted. */
	send(update: Uint8Array, memberId: string | null, extra?: Partial<GuardOptions>): GuardResult {
		const result = guard(this.server, update, memberId, undefined, extra);
		if (result.ok) {
			Y.applyUpdate(this.server, update, 'client');
			expect(this.server.store.pendingStructs).toBeNull();
			expect(this.server.store.pendingDs).toBeNull();
		}
		return result;
	}

	edit(client: Y.Doc, memberId: string | null, fn: () => void, extra?: Partial<GuardOptions>): GuardResult {
		return this.send(this.capture(client, fn), memberId, extra);
	}

	/**
	 * One edit from a fresh tab. After a refusal the sender keeps an edit the server never got, so
	 * its next update has a gap ('unresolved'); the real server closes that connection anyway.
	 */
	try(memberId: string | null, fn: (client: Y.Doc) => void, extra?: Partial<GuardOptions>): GuardResult {
		const client = this.client();
		return this.edit(client, memberId, () => fn(client), extra);
	}
}

// ── crafting raw updates ────────────────────────────────────────────────────

/** Item content (Yjs does not export its AbstractContent type). */
type Content = ConstructorParameters<typeof Y.Item>[7];

type RawStruct = { gc: number } | { skip: number } | { origin?: Y.ID; right?: Y.ID; parent?: string | Y.ID; sub?: string; content: Content };

/** Encodes an update (v1) by hand, for shapes no editor produces. */
function craft(sections: { client: number; clock: number; structs: RawStruct[] }[], deletes: [number, number, number][] = []): Uint8Array {
	const enc = new Y.UpdateEncoderV1();
	encoding.writeVarUint(enc.restEncoder, sections.length);
	for (const section of sections) {
		encoding.writeVarUint(enc.restEncoder, section.structs.length);
		enc.writeClient(section.client);
		encoding.writeVarUint(enc.restEncoder, section.clock);
		let clock = section.clock;
		for (const s of section.structs) {
			if ('gc' in s) {
				enc.writeInfo(0);
				enc.writeLen(s.gc);
				clock += s.gc;
			} else if ('skip' in s) {
				enc.writeInfo(10);
				encoding.writeVarUint(enc.restEncoder, s.skip);
				clock += s.skip;
			} else {
				const item = new Y.Item(
					Y.createID(section.client, clock),
					null,
					s.origin ?? null,
					null,
					s.right ?? null,
					(s.parent ?? null) as never,
					s.sub ?? null,
					s.content
				);
				item.write(enc, 0);
				clock += item.length;
			}
		}
	}
	const byClient = new Map<number, [number, number][]>();
	for (const [client, clock, len] of deletes) byClient.set(client, [...(byClient.get(client) ?? []), [clock, len]]);
	encoding.writeVarUint(enc.restEncoder, byClient.size);
	for (const [client, ranges] of byClient) {
		enc.resetDsCurVal();
		encoding.writeVarUint(enc.restEncoder, client);
		encoding.writeVarUint(enc.restEncoder, ranges.length);
		for (const [clock, len] of ranges) {
			enc.writeDsClock(clock);
			enc.writeDsLen(len);
		}
	}
	return enc.toUint8Array();
}

const str = (s: string) => new Y.ContentString(s);
const any = (...values: unknown[]) => new Y.ContentAny(values);
const typeItemId = (t: Y.AbstractType<any>) => t._item!.id;
/** The id of the last character of a text (an origin for appending). */
function lastCharId(text: Y.Text): Y.ID {
	let item = text._start;
	let last: Y.Item | null = null;
	while (item !== null) {
		if (!item.deleted) last = item;
		item = item.right;
	}
	return Y.createID(last!.id.client, last!.id.clock + last!.length - 1);
}

// ── a seeded PRNG so fuzz failures reproduce ───────────────────────────────

/** Fixed ids and clock for the randomised tests, so that a failing case number reproduces. */
function deterministic() {
	beforeEach(() => {
		let n = 0;
		vi.spyOn(crypto, 'randomUUID').mockImplementation(
			() => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` as `${string}-${string}-${string}-${string}-${string}`
		);
		vi.spyOn(Date, 'now').mockReturnValue(1_750_000_000_000);
	});
	afterEach(() => vi.restoreAllMocks());
}

function mulberry32(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Checks a doc against the board shape and limits: what the guard promises to keep. */
function boardProblems(doc: Y.Doc): string[] {
	const problems: string[] = [];
	const textOk = (t: unknown, max: number, where: string) => {
		if (!(t instanceof Y.Text) || t.constructor !== Y.Text) return problems.push(`${where}: not a Y.Text`);
		if (t.length > max) problems.push(`${where}: text too long`);
		if (t._map.size > 0) problems.push(`${where}: text attributes`);
		for (let item = t._start; item !== null; item = item.right)
			if (!item.deleted && !(item.content instanceof Y.ContentString)) problems.push(`${where}: ${item.content.constructor.name} in text`);
	};
	const fieldsOk = (m: Y.Map<unknown>, keys: readonly string[], where: string) => {
		if (m._start !== null) problems.push(`${where}: sequence content in map`);
		for (const [key, value] of m.entries()) {
			if (!keys.includes(key)) problems.push(`${where}: key ${key}`);
			if (key === 'text') continue;
			if (!(value === null || ['string', 'number', 'boolean'].includes(typeof value))) problems.push(`${where}.${key}: not primitive`);
			if (typeof value === 'string' && value.length > LIMITS.fieldText) problems.push(`${where}.${key}: too long`);
		}
	};
	for (const [name, root] of doc.share) {
		const live = [...root._map.values()].filter((i) => !i.deleted);
		if (!(ROOTS as readonly string[]).includes(name)) {
			if (live.length > 0 || root._start !== null) problems.push(`unknown root ${name}`);
			continue;
		}
		if (root._start !== null) problems.push(`${name}: sequence content`);
		const max = name === 'cards' ? LIMITS.cards : name === 'groups' ? LIMITS.groups : LIMITS.variants;
		if (live.length > max) problems.push(`${name}: too many`);
		for (const item of live) {
			const value = item.content.getContent()[item.length - 1];
			const where = `${name}/${item.parentSub}`;
			if (!(value instanceof Y.Map) || value.constructor !== Y.Map) {
				problems.push(`${where}: not a Y.Map`);
				continue;
			}
			if (name === 'cards') {
				fieldsOk(value, CARD_KEYS, where);
				if (value.has('text')) textOk(value.get('text'), LIMITS.cardText, where); // deletions are allowed
			} else if (name === 'groups') {
				fieldsOk(value, GROUP_KEYS, where);
				const title = value.get('title');
				if (typeof title === 'string' && title.length > LIMITS.groupTitle) problems.push(`${where}: title too long`);
			} else {
				fieldsOk(value, VARIANT_KEYS, where);
				if (value.has('text')) textOk(value.get('text'), LIMITS.statementText, where);
			}
		}
	}
	return problems;
}

// ── normal editing ──────────────────────────────────────────────────────────

describe('normal edits pass', () => {
	it('adding a card, typing in it keystroke by keystroke, moving and deleting it', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'Hi', fields: { year: '2030' } })))).toEqual({ ok: true });
		let typed = 'Hi';
		for (const ch of ' there, this is a card typed one key at a time') {
			typed += ch;
			expect(board.edit(a, 'm-ada', () => editCardText(a, id, typed))).toEqual({ ok: true });
		}
		// many small inserts in one update (an offline burst)
		const burst = board.capture(a, () => {
			for (let i = 0; i < 200; i++) editCardText(a, id, typed + '!'.repeat(i + 1));
		});
		expect(board.send(burst, 'm-ada')).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe(typed + '!'.repeat(200));
		// edits in the middle and deletions
		expect(board.edit(a, 'm-ada', () => editCardText(a, id, 'Hi, this card was rewritten'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => setCardColour(a, id, 'pink'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => setCardField(a, id, 'target', '-20%'))).toEqual({ ok: true });
		let g = '';
		expect(board.edit(a, 'm-ada', () => (g = addGroup(a, 'Quick wins', undefined, { createdBy: 'm-ada' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => moveCard(a, id, g))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => deleteCard(a, id))).toEqual({ ok: true });
		expect(cardsOf(board.server).size).toBe(0);
		expect(boardProblems(board.server)).toEqual([]);
	});

	it('groups: add, rename, move, remove (cards become ungrouped)', () => {
		const board = new Board();
		const a = board.client();
		let g1 = '';
		let g2 = '';
		let c = '';
		expect(board.edit(a, 'm-ada', () => (g1 = addGroup(a, 'One', undefined, { createdBy: 'm-ada' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (g2 = addGroup(a, 'Two', undefined, { createdBy: 'm-ada' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (c = addCard(a, { author: ada, text: 'x', group: g1 })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => renameGroup(a, g1, 'First'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => moveGroup(a, g2, -1))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => removeGroup(a, g1))).toEqual({ ok: true });
		expect(cardsOf(board.server).get(c)!.get('group')).toBe('');
		expect([...groupsOf(board.server).keys()]).toEqual([g2]);
	});

	it('statement variants: main, add (copy), edit, rename, remove', () => {
		const board = new Board();
		const a = board.client();
		let v = '';
		expect(board.edit(a, 'm-ada', () => editVariantText(a, MAIN_VARIANT, 'We connect the region.'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (v = addVariant(a, 'Shorter', MAIN_VARIANT)))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => editVariantText(a, v, 'We connect.'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => renameVariant(a, v, 'Shortest'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => removeVariant(a, v))).toEqual({ ok: true });
		expect([...statementsOf(board.server).keys()]).toEqual([MAIN_VARIANT]);
	});

	it('editing a card someone else wrote, concurrently with them', () => {
		const board = new Board();
		const a = board.client();
		const b = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'shared text' })))).toEqual({ ok: true });
		board.pull(b);
		const fromA = board.capture(a, () => editCardText(a, id, 'shared text, by Ada'));
		const fromB = board.capture(b, () => editCardText(b, id, 'Bob: shared text'));
		expect(board.send(fromA, 'm-ada')).toEqual({ ok: true });
		expect(board.send(fromB, 'm-bob')).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe('Bob: shared text, by Ada');
	});

	it('an edit racing a deletion of the card (its text already collected on the server)', () => {
		const board = new Board();
		const a = board.client();
		const b = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'doomed' })))).toEqual({ ok: true });
		board.pull(b);
		const edit = board.capture(b, () => editCardText(b, id, 'doomed, but edited'));
		expect(board.edit(a, 'm-ada', () => deleteCard(a, id))).toEqual({ ok: true });
		expect(board.send(edit, 'm-bob')).toEqual({ ok: true });
		expect(cardsOf(board.server).has(id)).toBe(false);
	});

	it('re-sent updates (already applied) and an offline sync step 2', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		const created = board.capture(a, () => (id = addCard(a, { author: ada, text: 'once' })));
		expect(board.send(created, 'm-ada')).toEqual({ ok: true });
		expect(board.send(created, 'm-ada')).toEqual({ ok: true }); // duplicate: a no-op, no author complaint
		// offline: several edits, then the diff against the server's state vector
		editCardText(a, id, 'once more');
		addCard(a, { author: ada, text: 'second' });
		addGroup(a, 'Offline group', undefined, { createdBy: 'm-ada' });
		const step2 = Y.encodeStateAsUpdate(a, Y.encodeStateVector(board.server));
		expect(board.send(step2, 'm-ada')).toEqual({ ok: true });
		expect(sameBytes(Y.encodeStateAsUpdate(board.server), Y.encodeStateAsUpdate(a))).toBe(true);
		// the whole state again, overlapping what the server has
		expect(board.send(Y.encodeStateAsUpdate(a), 'm-ada')).toEqual({ ok: true });
	});

	it('a partially known item (offset integration) passes', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'abc' })))).toEqual({ ok: true });
		// the server gets "def" appended, the client's store merges it with later typing into one item
		const def = board.capture(a, () => editCardText(a, id, 'abcdef'));
		expect(board.send(def, 'm-ada')).toEqual({ ok: true });
		editCardText(a, id, 'abcdefghi');
		// an update covering the whole merged item from before "def": offset > 0 on the server
		const sv = new Map([[a.clientID, Y.getState(board.server.store, a.clientID) - 3]]);
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, sv.size);
		for (const [client, clock] of sv) {
			encoding.writeVarUint(enc, client);
			encoding.writeVarUint(enc, clock);
		}
		const overlapping = Y.encodeStateAsUpdate(a, encoding.toUint8Array(enc));
		expect(board.send(overlapping, 'm-ada')).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe('abcdefghi');
	});

	it('a trusted server-side write (memberId null) may stamp any author', () => {
		const board = new Board();
		const s = board.client();
		const id = addCard(s, { author: bob, text: 'merged from a draft' });
		expect(board.send(Y.encodeStateAsUpdate(s, Y.encodeStateVector(board.server)), null)).toEqual({ ok: true });
		expect(board.edit(s, null, () => cardsOf(s).get(id)!.set('author', 'm-ada'))).toEqual({ ok: true });
	});

	it('an empty update and a pure deletion pass', () => {
		const board = new Board();
		const a = board.client();
		expect(board.send(Y.encodeStateAsUpdate(new Y.Doc()), 'm-ada')).toEqual({ ok: true });
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'to delete' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => cardText(a, id)!.delete(0, 3))).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe('delete');
	});
});

// ── refusals ────────────────────────────────────────────────────────────────

describe('refusals', () => {
	it('too_large', () => {
		const board = new Board();
		const a = board.client();
		const u = board.capture(a, () => addCard(a, { author: ada, text: 'x'.repeat(500) }));
		expect(guard(board.server, u, 'm-ada', 100)).toEqual(refused('too_large'));
		expect(guard(board.server, new Uint8Array(1024 * 1024 + 1), 'm-ada')).toEqual(refused('too_large'));
	});

	it('malformed: garbage, truncation, repeated or empty client sections', () => {
		const board = new Board();
		const a = board.client();
		const u = board.capture(a, () => addCard(a, { author: ada, text: 'hello' }));
		expect(guard(board.server, new Uint8Array([255, 255, 255, 255, 255]), 'm-ada')).toEqual(refused('malformed'));
		expect(guard(board.server, u.slice(0, u.length - 5), 'm-ada')).toEqual(refused('malformed'));
		expect(guard(board.server, new Uint8Array(), 'm-ada')).toEqual(refused('malformed'));
		const one = { client: 77, clock: 0, structs: [{ parent: 'groups', sub: 'g', content: new Y.ContentType(new Y.Map()) }] };
		const two = { client: 77, clock: 1, structs: [{ parent: Y.createID(77, 0), sub: 'title', content: any('t') }] };
		expect(guard(board.server, craft([one, two]), null)).toEqual(refused('malformed'));
		expect(guard(board.server, craft([one, { client: 77, clock: 0, structs: [] }]), null)).toEqual(refused('malformed'));
		expect(guard(board.server, craft([one]), null)).toEqual({ ok: true });
	});

	it('unknown_root: writing to a root `evil`', () => {
		const board = new Board();
		expect(board.try('m-ada', (a) => a.getMap('evil').set('x', 1))).toEqual(refused('unknown_root'));
		expect(board.try('m-ada', (a) => a.getText('evil2').insert(0, 'boo'))).toEqual(refused('unknown_root'));
		expect(board.try('m-ada', (a) => a.getArray('evil3').push([new Y.Map()]))).toEqual(refused('unknown_root'));
		expect(board.try(null, (a) => a.getMap('evil').set('x', 1))).toEqual(refused('unknown_root'));
		expect(board.server.share.has('evil')).toBe(false);
	});

	it('forbidden_content: arrays, xml, subdocuments, formatting, embeds, binary, objects', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'base' })))).toEqual({ ok: true });
		let g = '';
		expect(board.edit(a, 'm-ada', () => (g = addGroup(a, 'G', undefined, { createdBy: 'm-ada' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => ensureVariant(a))).toEqual({ ok: true });
		const card = (d: Y.Doc) => cardsOf(d).get(id)!;
		const text = (d: Y.Doc) => cardText(d, id)!;
		const cases: [string, (d: Y.Doc) => void][] = [
			['Y.Array as a card', (d) => cardsOf(d).set('arr', new Y.Array() as never)],
			['XmlFragment as a card', (d) => cardsOf(d).set('xml', new Y.XmlFragment() as never)],
			['Y.Text as a card', (d) => cardsOf(d).set('txt', new Y.Text() as never)],
			['primitive as a card', (d) => cardsOf(d).set('prim', 'hello' as never)],
			['Y.Array in a card field', (d) => card(d).set('colour', new Y.Array())],
			['XmlFragment in a card field', (d) => card(d).set('indicator', new Y.XmlFragment())],
			['XmlElement in a card field', (d) => card(d).set('indicator', new Y.XmlElement('p'))],
			['XmlText as card text', (d) => card(d).set('text', new Y.XmlText('x'))],
			['subdocument in a card field', (d) => card(d).set('indicator', new Y.Doc())],
			['subdocument as a card', (d) => cardsOf(d).set('sub', new Y.Doc() as never)],
			['nested map in a card', (d) => card(d).set('text', new Y.Map())],
			['text replaced by a string', (d) => card(d).set('text', 'plain')],
			['unknown card key', (d) => card(d).set('evil', 'x')],
			['object value', (d) => card(d).set('colour', { a: 1 })],
			['array value', (d) => card(d).set('colour', [1, 2])],
			['binary value', (d) => card(d).set('colour', new Uint8Array([1, 2]))],
			['undefined value', (d) => card(d).set('colour', undefined)],
			['formatting in card text', (d) => text(d).format(0, 2, { bold: true })],
			['formatted insert in card text', (d) => text(d).insert(0, 'b', { bold: true })],
			['embed in card text', (d) => text(d).insertEmbed(0, { image: 'x.png' })],
			['a type embedded in card text', (d) => text(d).insertEmbed(0, new Y.Map())],
			['Y.Text as a group title', (d) => groupsOf(d).get(g)!.set('title', new Y.Text())],
			['unknown group key', (d) => groupsOf(d).get(g)!.set('text', 'x')],
			['Y.Text as a variant', (d) => statementsOf(d).set('v', new Y.Text() as never)],
			['Y.Array as variant text', (d) => statementsOf(d).get(MAIN_VARIANT)!.set('text', new Y.Array())],
			['formatting in a statement', (d) => ensureVariant(d).insert(0, 'x', { italic: true })]
		];
		for (const [name, fn] of cases) {
			// each case on a fresh client synced from the server, so that cases do not depend on each other
			const client = board.client();
			const update = board.capture(client, () => fn(client));
			expect([name, board.send(update, 'm-ada')]).toEqual([name, refused('forbidden_content')]);
		}
	});

	it('forbidden_content: crafted ContentJSON, ContentBinary and ContentEmbed', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'base' })))).toEqual({ ok: true });
		const textId = typeItemId(cardText(board.server, id)!);
		const cardId = typeItemId(cardsOf(board.server).get(id)!);
		const at = (content: Content, parent: Y.ID, sub?: string) => craft([{ client: 999, clock: 0, structs: [{ parent, sub, content }] }]);
		expect(guard(board.server, at(new Y.ContentJSON([1, 2]), textId), 'm-ada')).toEqual(refused('forbidden_content'));
		expect(guard(board.server, at(new Y.ContentBinary(new Uint8Array([1])), cardId, 'colour'), 'm-ada')).toEqual(refused('forbidden_content'));
		expect(guard(board.server, at(new Y.ContentEmbed({ x: 1 }), textId), 'm-ada')).toEqual(refused('forbidden_content'));
		expect(guard(board.server, at(str('ok'), textId), 'm-ada')).toEqual({ ok: true });
		// sequence content directly in a root map
		expect(guard(board.server, craft([{ client: 999, clock: 0, structs: [{ parent: 'cards', content: str('x') }] }]), 'm-ada')).toEqual(
			refused('forbidden_content')
		);
	});

	it('too_many_cards: the 501st card, added concurrently with the 500th', () => {
		const board = new Board();
		const s = board.client();
		for (let i = 0; i < LIMITS.cards - 1; i++) addCard(s, { author: bob, text: `card ${i}` });
		expect(board.send(Y.encodeStateAsUpdate(s), null)).toEqual({ ok: true });
		const a = board.client();
		const b = board.client();
		const fromA = board.capture(a, () => addCard(a, { author: ada, text: 'the 500th' }));
		const fromB = board.capture(b, () => addCard(b, { author: bob, text: 'the 501st' }));
		expect(board.send(fromA, 'm-ada')).toEqual({ ok: true });
		expect(board.send(fromB, 'm-bob')).toEqual(refused('too_many_cards'));
		expect(cardsOf(board.server).size).toBe(LIMITS.cards);
		// replacing an existing card's map does not add one (addCard refuses locally at the limit)
		const id = [...cardsOf(board.server).keys()][0];
		const replace = (c: Y.Doc) => {
			const m = new Y.Map<unknown>();
			m.set('text', new Y.Text('replaced'));
			m.set('author', 'm-bob');
			m.set('authorName', 'Bob');
			m.set('organisation', 'Builders');
			cardsOf(c).set(id, m);
		};
		expect(board.try('m-bob', replace)).toEqual({ ok: true });
		expect(board.try('m-bob', (c) => cardsOf(c).set('new-one', cardsOf(c).get(id)!.clone()))).toEqual(refused('too_many_cards'));
	});

	it('too_many_groups and too_many_variants', () => {
		const board = new Board();
		const s = board.client();
		for (let i = 0; i < LIMITS.groups; i++) addGroup(s, `g${i}`);
		ensureVariant(s);
		for (let i = 1; i < LIMITS.variants; i++) addVariant(s, `v${i}`);
		expect(board.send(Y.encodeStateAsUpdate(s), null)).toEqual({ ok: true });
		const extraGroup = (a: Y.Doc) => {
			const g = new Y.Map<unknown>();
			g.set('title', 'one too many');
			g.set('createdBy', 'm-ada');
			groupsOf(a).set('extra', g);
		};
		expect(board.try('m-ada', extraGroup)).toEqual(refused('too_many_groups'));
		const extraVariant = (a: Y.Doc) => {
			const v = new Y.Map<unknown>();
			v.set('text', new Y.Text());
			statementsOf(a).set('extra', v);
		};
		expect(board.try('m-ada', extraVariant)).toEqual(refused('too_many_variants'));
		// after a removal there is room again
		expect(board.try('m-ada', (a) => groupsOf(a).delete([...groupsOf(a).keys()][0]))).toEqual({ ok: true });
		expect(board.try('m-ada', extraGroup)).toEqual({ ok: true });
	});

	it('card_text_too_long: in a new card, in an existing one, and by two concurrent writers', () => {
		const board = new Board();
		const a = board.client();
		const b = board.client();
		const longCard = board.capture(a, () => {
			const m = new Y.Map<unknown>();
			m.set('text', new Y.Text('x'.repeat(LIMITS.cardText + 1)));
			m.set('author', 'm-ada');
			cardsOf(a).set('long', m);
		});
		expect(board.send(longCard, 'm-ada')).toEqual(refused('card_text_too_long'));
		const a2 = board.client();
		let id = '';
		expect(board.edit(a2, 'm-ada', () => (id = addCard(a2, { author: ada, text: 'start' })))).toEqual({ ok: true });
		const tooMuch = board.capture(a2, () => cardText(a2, id)!.insert(5, 'y'.repeat(LIMITS.cardText)));
		expect(board.send(tooMuch, 'm-ada')).toEqual(refused('card_text_too_long'));
		const c1 = board.client();
		board.pull(b);
		const half = 'h'.repeat(LIMITS.cardText / 2);
		const fromC = board.capture(c1, () => editCardText(c1, id, 'start' + half));
		const fromB = board.capture(b, () => editCardText(b, id, half + 'start'));
		expect(board.send(fromC, 'm-ada')).toEqual({ ok: true });
		expect(board.send(fromB, 'm-bob')).toEqual(refused('card_text_too_long'));
		expect(cardText(board.server, id)!.length).toBeLessThanOrEqual(LIMITS.cardText);
	});

	it('a full card can still be edited: deletions in the same update are credited', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		const full = 'abcdefghij'.repeat(LIMITS.cardText / 10);
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: full })))).toEqual({ ok: true });
		const fixTypo = full.slice(0, 500) + 'X' + full.slice(501);
		expect(board.edit(a, 'm-ada', () => editCardText(a, id, fixTypo))).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe(fixTypo);
		// typing over a selection in one transaction
		expect(board.edit(a, 'm-ada', () => editCardText(a, id, 'short'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => editCardText(a, id, full))).toEqual({ ok: true });
		// one char deleted, two inserted: still too long
		const t = cardText(a, id)!;
		const grow = board.capture(a, () => a.transact(() => (t.delete(10, 1), t.insert(10, 'YZ'))));
		expect(board.send(grow, 'm-ada')).toEqual(refused('card_text_too_long'));
	});

	it('statement_too_long', () => {
		const board = new Board();
		const a = board.client();
		expect(board.edit(a, 'm-ada', () => editVariantText(a, MAIN_VARIANT, 's'.repeat(LIMITS.statementText)))).toEqual({ ok: true });
		const more = board.capture(a, () => ensureVariant(a).insert(0, '!'));
		expect(board.send(more, 'm-ada')).toEqual(refused('statement_too_long'));
	});

	it('field_too_long: card field, group title, variant label', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		let g = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'x' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (g = addGroup(a, 'G', undefined, { createdBy: 'm-ada' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => ensureVariant(a))).toEqual({ ok: true });
		const at = (fn: (c: Y.Doc) => void) => board.try('m-ada', fn);
		expect(
			at((c) =>
				cardsOf(c)
					.get(id)!
					.set('target', 'n'.repeat(LIMITS.fieldText + 1))
			)
		).toEqual(refused('field_too_long'));
		expect(at((c) => cardsOf(c).get(id)!.set('target', 'n'.repeat(LIMITS.fieldText)))).toEqual({ ok: true });
		expect(
			at((c) =>
				cardsOf(c)
					.get(id)!
					.set('indicator', 'i'.repeat(LIMITS.fieldText + 1))
			)
		).toEqual(refused('field_too_long'));
		expect(
			at((c) =>
				groupsOf(c)
					.get(g)!
					.set('title', 't'.repeat(LIMITS.groupTitle + 1))
			)
		).toEqual(refused('field_too_long'));
		expect(at((c) => groupsOf(c).get(g)!.set('title', 't'.repeat(LIMITS.groupTitle)))).toEqual({ ok: true });
		expect(
			at((c) =>
				groupsOf(c)
					.get(g)!
					.set('order', 'o'.repeat(LIMITS.fieldText + 1))
			)
		).toEqual(refused('field_too_long'));
		expect(
			at((c) =>
				statementsOf(c)
					.get(MAIN_VARIANT)!
					.set('label', 'l'.repeat(LIMITS.variantLabel + 1))
			)
		).toEqual(refused('field_too_long'));
		expect(at((c) => statementsOf(c).get(MAIN_VARIANT)!.set('label', 'l'.repeat(LIMITS.variantLabel)))).toEqual({ ok: true });
	});

	it('bad_author: a card stamped with someone else, or unstamped, or re-stamped', () => {
		const board = new Board();
		const a = board.client();
		expect(board.edit(a, 'm-ada', () => addCard(a, { author: bob, text: 'pretending to be Bob' }))).toEqual(refused('bad_author'));
		const a2 = board.client();
		const unstamped = board.capture(a2, () => {
			const m = new Y.Map<unknown>();
			m.set('text', new Y.Text('anonymous'));
			cardsOf(a2).set('anon', m);
		});
		expect(board.send(unstamped, 'm-ada')).toEqual(refused('bad_author'));
		let id = '';
		expect(board.try('m-ada', (c) => (id = addCard(c, { author: ada, text: 'mine' })))).toEqual({ ok: true });
		expect(board.try('m-ada', (c) => cardsOf(c).get(id)!.set('author', 'm-ada'))).toEqual(refused('bad_author'));
		expect(board.try('m-bob', (c) => cardsOf(c).get(id)!.set('author', 'm-bob'))).toEqual(refused('bad_author'));
		// a card stamped twice in its own update: every stamp must be the member
		expect(
			board.try('m-ada', (c) =>
				c.transact(() =>
					cardsOf(c)
						.get(addCard(c, { author: ada }))!
						.set('author', 'm-bob')
				)
			)
		).toEqual(refused('bad_author'));
		// unsigning a card is a change of its attribution too
		expect(board.try('m-ada', (c) => cardsOf(c).get(id)!.delete('author'))).toEqual(refused('bad_author'));
		// replacing another member's card with a copy stamped with their id
		const a5 = board.client();
		const forged = board.capture(a5, () => {
			const m = new Y.Map<unknown>();
			m.set('text', new Y.Text('forged'));
			m.set('author', 'm-bob');
			cardsOf(a5).set(id, m);
		});
		expect(board.send(forged, 'm-ada')).toEqual(refused('bad_author'));
		// the same update is fine as a trusted write
		expect(board.send(forged, null)).toEqual({ ok: true });
	});

	it("bad_author: a card's name and organisation are the sender's member row, written once", () => {
		const board = new Board();
		// Ada's own id, but a name or organisation she does not have
		expect(board.try('m-ada', (c) => addCard(c, { author: { ...ada, name: 'Facilitator Fac' } }))).toEqual(refused('bad_author'));
		expect(board.try('m-ada', (c) => addCard(c, { author: { ...ada, organisation: 'Ministry of Spoofing' } }))).toEqual(refused('bad_author'));
		// a card with no name or organisation at all
		expect(
			board.try('m-ada', (c) =>
				cardsOf(c)
					.get(addCard(c, { author: ada }))!
					.delete('organisation')
			)
		).toEqual(refused('bad_author'));
		// a deleted value written after the stamp, by hand: Yjs would show the card with no organisation
		const signed: RawStruct[] = [
			{ parent: 'cards', sub: 'x', content: new Y.ContentType(new Y.Map()) },
			{ parent: Y.createID(77, 0), sub: 'author', content: any('m-ada') },
			{ parent: Y.createID(77, 0), sub: 'authorName', content: any('Ada') },
			{ parent: Y.createID(77, 0), sub: 'organisation', content: any('Engines Ltd') }
		];
		const unsigned = craft([{ client: 77, clock: 0, structs: [...signed, { origin: Y.createID(77, 3), content: new Y.ContentDeleted(1) }] }]);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, unsigned);
		expect(cardsOf(copy).get('x')!.toJSON()).toEqual({ author: 'm-ada', authorName: 'Ada' });
		expect(guard(board.server, unsigned, 'm-ada')).toEqual(refused('bad_author'));
		expect(guard(board.server, craft([{ client: 77, clock: 0, structs: signed }]), 'm-ada')).toEqual({ ok: true });
		// a facilitator without an organisation signs with '' — exactly what their row says
		const fac: Author = { memberId: 'm-fac', name: 'Fanni', organisation: '' };
		members.set(fac.memberId, fac);
		expect(board.try('m-fac', (c) => addCard(c, { author: fac }))).toEqual({ ok: true });
		let id = '';
		expect(board.try('m-ada', (c) => (id = addCard(c, { author: ada, text: 'mine' })))).toEqual({ ok: true });
		// nobody rewrites or removes an existing card's attribution, its author included
		for (const who of ['m-ada', 'm-bob']) {
			expect(board.try(who, (c) => cardsOf(c).get(id)!.set('organisation', 'Ministry of Spoofing'))).toEqual(refused('bad_author'));
			expect(board.try(who, (c) => cardsOf(c).get(id)!.set('authorName', 'Facilitator Fac'))).toEqual(refused('bad_author'));
			expect(board.try(who, (c) => cardsOf(c).get(id)!.set('organisation', 'Engines Ltd'))).toEqual(refused('bad_author'));
			expect(board.try(who, (c) => cardsOf(c).get(id)!.delete('authorName'))).toEqual(refused('bad_author'));
		}
		// everything else about the card stays editable by anyone, and the card can be deleted
		expect(board.try('m-bob', (c) => editCardText(c, id, 'mine, edited'))).toEqual({ ok: true });
		expect(board.try('m-bob', (c) => setCardColour(c, id, 'green'))).toEqual({ ok: true });
		expect(board.try('m-bob', (c) => deleteCard(c, id))).toEqual({ ok: true });
		expect(cardsOf(board.server).has(id)).toBe(false);
		// the server's own writes (the reveal) sign for the member as the server read them
		const s = board.client();
		addCard(s, { author: { ...bob, organisation: 'anything' } });
		expect(board.send(Y.encodeStateAsUpdate(s, Y.encodeStateVector(board.server)), null)).toEqual({ ok: true });
	});

	it('unresolved: a missing earlier update, a gap, a dependency cycle, unknown deletions', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		const created = board.capture(a, () => (id = addCard(a, { author: ada, text: 'abc' })));
		const typed = board.capture(a, () => editCardText(a, id, 'abcdef'));
		expect(board.send(typed, 'm-ada')).toEqual(refused('unresolved')); // the card never arrived
		expect(board.send(created, 'm-ada')).toEqual({ ok: true });
		// another client's insert next to a char the server never got
		const c = new Y.Doc();
		Y.applyUpdate(c, Y.encodeStateAsUpdate(a));
		const fromC = board.capture(c, () => editCardText(c, id, 'abcdef!'));
		expect(board.send(fromC, 'm-bob')).toEqual(refused('unresolved'));
		// a merged update with a hole (Skip)
		const t1 = board.capture(a, () => editCardText(a, id, 'abcdef1'));
		const t2 = board.capture(a, () => editCardText(a, id, 'abcdef12'));
		const t3 = board.capture(a, () => editCardText(a, id, 'abcdef123'));
		expect(board.send(typed, 'm-ada')).toEqual({ ok: true });
		expect(board.send(Y.mergeUpdates([t1, t3]), 'm-ada')).toEqual(refused('unresolved'));
		expect(board.send(Y.mergeUpdates([t1, t2, t3]), 'm-ada')).toEqual({ ok: true });
		const textId = typeItemId(cardText(board.server, id)!);
		// a gap: client 500 starts at clock 3 without 0..2
		expect(guard(board.server, craft([{ client: 500, clock: 3, structs: [{ parent: textId, content: str('x') }] }]), 'm-ada')).toEqual(refused('unresolved'));
		// a cycle: 600's item hangs off 700's, 700's off 600's
		const cycle = craft([
			{ client: 600, clock: 0, structs: [{ origin: Y.createID(700, 0), content: str('a') }] },
			{ client: 700, clock: 0, structs: [{ origin: Y.createID(600, 0), content: str('b') }] }
		]);
		expect(guard(board.server, cycle, 'm-ada')).toEqual(refused('unresolved'));
		// a same-client forward reference (Yjs would throw half-way through applying it)
		const forward = craft([
			{
				client: 800,
				clock: 0,
				structs: [
					{ origin: Y.createID(800, 1), content: str('a') },
					{ parent: textId, content: str('b') }
				]
			}
		]);
		expect(guard(board.server, forward, 'm-ada')).toEqual(refused('unresolved'));
		// a dependency that is in the update, from another client: fine
		const chained = craft([
			{ client: 900, clock: 0, structs: [{ origin: Y.createID(901, 0), content: str('a') }] },
			{ client: 901, clock: 0, structs: [{ origin: lastCharId(cardText(board.server, id)!), content: str('b') }] }
		]);
		expect(board.send(chained, 'm-ada')).toEqual({ ok: true });
		expect(cardText(board.server, id)!.toString()).toBe('abcdef123ba');
		// deleting clocks nobody has yet (would silently eat future edits)
		expect(guard(board.server, craft([], [[12345, 0, 10]]), 'm-ada')).toEqual(refused('unresolved'));
		expect(guard(board.server, craft([], [[a.clientID, 0, 1]]), 'm-ada')).toEqual({ ok: true });
	});

	it("malformed: an empty delete range past a client's state (Yjs throws applying it, after the structs went in)", () => {
		const board = new Board();
		const a = board.client();
		expect(board.edit(a, 'm-ada', () => addCard(a, { author: ada, text: 'abc' }))).toEqual({ ok: true });
		for (const range of [
			[12345, 0, 0],
			[a.clientID, Y.getState(board.server.store, a.clientID), 0]
		] as [number, number, number][]) {
			const update = craft([], [range]);
			expect(() => Y.applyUpdate(board.client(), update)).toThrow();
			expect(guard(board.server, update, 'm-ada')).toEqual(refused('malformed'));
		}
		// an empty range inside what the server has is harmless
		expect(board.send(craft([], [[a.clientID, 0, 0]]), 'm-ada')).toEqual({ ok: true });
	});

	it('forged structure: origin and right origin in different texts', () => {
		const board = new Board();
		const a = board.client();
		let c1 = '';
		let c2 = '';
		expect(board.edit(a, 'm-ada', () => (c1 = addCard(a, { author: ada, text: 'one' })))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (c2 = addCard(a, { author: ada, text: 'two' })))).toEqual({ ok: true });
		const t1 = cardText(board.server, c1)!;
		const t2 = cardText(board.server, c2)!;
		const forged = craft([
			{ client: 4242, clock: 0, structs: [{ origin: Y.createID(t1._start!.id.client, t1._start!.id.clock), right: t2._start!.id, content: str('z') }] }
		]);
		expect(guard(board.server, forged, 'm-ada')).toEqual(refused('malformed'));
	});

	it('an item whose parent is not a type is collected by Yjs and passes harmlessly', () => {
		const board = new Board();
		const a = board.client();
		let id = '';
		expect(board.edit(a, 'm-ada', () => (id = addCard(a, { author: ada, text: 'abc' })))).toEqual({ ok: true });
		const charId = cardText(board.server, id)!._start!.id;
		const odd = craft([{ client: 31337, clock: 0, structs: [{ parent: charId, content: new Y.ContentType(new Y.Array()) }] }]);
		const before = JSON.stringify(board.server.toJSON());
		expect(board.send(odd, 'm-ada')).toEqual({ ok: true });
		expect(JSON.stringify(board.server.toJSON())).toBe(before);
	});
});

// ── robustness ──────────────────────────────────────────────────────────────

describe('rights per board', () => {
	/** The writer as the sync server passes it: role, the board's rights, and (anonymous boards) the cards it recorded as theirs. */
	const as_ = (memberId: string, role: Writer['role'] = 'participant', rights: Partial<BoardRights> = {}, ownCards?: string[]): Partial<GuardOptions> => ({
		writer: { memberId, role, rights: { ...DEFAULT_RIGHTS, ...rights }, ownCards: ownCards && new Set(ownCards) }
	});
	const participant = (memberId: string, rights: Partial<BoardRights> = {}) => as_(memberId, 'participant', rights);
	const facilitator = (memberId: string) => as_(memberId, 'facilitator');

	/** Ada's card and Ada's group on a board Bob and Cy also write on. */
	function adasBoard() {
		const board = new Board();
		const a = board.client();
		let card = '';
		let group = '';
		expect(board.edit(a, 'm-ada', () => (card = addCard(a, { author: ada, text: 'Ada wrote this' })), participant('m-ada'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => (group = addGroup(a, "Ada's group", undefined, { createdBy: 'm-ada' })), participant('m-ada'))).toEqual({ ok: true });
		expect(board.edit(a, 'm-ada', () => addVariant(a, 'Shorter', undefined), participant('m-ada'))).toEqual({ ok: true });
		return { board, card, group, variant: [...statementsOf(board.server).keys()][0] };
	}

	it("a participant edits and deletes only their own cards; a facilitator or a board allowing it, anyone's", () => {
		const { board, card } = adasBoard();
		const edits: ((d: Y.Doc) => void)[] = [
			(d) => editCardText(d, card, 'Bob rewrote it'),
			(d) => cardText(d, card)!.delete(0, 4), // a deletion only: a delete set, no struct
			(d) => setCardColour(d, card, 'pink'),
			(d) => setCardField(d, card, 'year', '2040'),
			(d) => deleteCard(d, card)
		];
		for (const edit of edits) expect(board.try('m-bob', edit, participant('m-bob'))).toEqual(refused('not_your_card'));
		// a new card written over the key of Ada's replaces (deletes) hers
		const overwrite = board.client();
		const replaced = board.capture(overwrite, () => {
			const forged = new Y.Map<unknown>();
			forged.set('text', new Y.Text('mine now'));
			for (const [key, value] of Object.entries({ author: 'm-bob', authorName: 'Bob', organisation: 'Builders' })) forged.set(key, value);
			cardsOf(overwrite).set(card, forged);
		});
		expect(board.send(replaced, 'm-bob', participant('m-bob'))).toEqual(refused('not_your_card'));
		expect(cardText(board.server, card)!.toString()).toBe('Ada wrote this');
		// moving it between groups is everyone's work
		const g = board.client();
		let group = '';
		expect(board.edit(g, 'm-bob', () => (group = addGroup(g, "Bob's", undefined, { createdBy: 'm-bob' })), participant('m-bob'))).toEqual({ ok: true });
		expect(board.edit(g, 'm-bob', () => moveCard(g, card, group), participant('m-bob'))).toEqual({ ok: true });
		// the author, a facilitator, and anyone on a board that allows it
		expect(board.try('m-ada', (d) => editCardText(d, card, 'Ada edited'), participant('m-ada'))).toEqual({ ok: true });
		expect(board.try('m-cy', (d) => setCardColour(d, card, 'blue'), facilitator('m-cy'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => editCardText(d, card, 'Bob may now'), participant('m-bob', { editOthers: true }))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => deleteCard(d, card), participant('m-bob', { editOthers: true }))).toEqual({ ok: true });
		const own = board.client();
		let mine = '';
		expect(board.edit(own, 'm-ada', () => (mine = addCard(own, { author: ada, text: 'short-lived' })), participant('m-ada'))).toEqual({ ok: true });
		expect(board.try('m-ada', (d) => deleteCard(d, mine), participant('m-ada'))).toEqual({ ok: true });
		expect(cardsOf(board.server).size).toBe(0);
	});

	it("a participant renames and deletes only the groups they created; moving groups is anyone's", () => {
		const { board, group } = adasBoard();
		expect(board.try('m-bob', (d) => renameGroup(d, group, "Bob's now"), participant('m-bob'))).toEqual(refused('not_your_group'));
		expect(board.try('m-bob', (d) => removeGroup(d, group), participant('m-bob'))).toEqual(refused('not_your_group'));
		const b = board.client();
		let other = '';
		expect(board.edit(b, 'm-bob', () => (other = addGroup(b, "Bob's", undefined, { createdBy: 'm-bob' })), participant('m-bob'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => mergeGroups(d, group, other), participant('m-bob'))).toEqual(refused('not_your_group'));
		expect(board.try('m-bob', (d) => moveGroup(d, group, 1), participant('m-bob'))).toEqual({ ok: true });
		expect(groupsOf(board.server).get(group)!.get('title')).toBe("Ada's group");
		// the creator, a facilitator, anyone on a board that allows it
		expect(board.try('m-ada', (d) => renameGroup(d, group, 'Renamed by Ada'), participant('m-ada'))).toEqual({ ok: true });
		expect(board.try('m-cy', (d) => renameGroup(d, group, 'Renamed by Cy'), facilitator('m-cy'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => mergeGroups(d, other, group), participant('m-bob'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => removeGroup(d, group), participant('m-bob', { manageGroups: true }))).toEqual({ ok: true });
		expect(groupsOf(board.server).size).toBe(0);
	});

	it("a group's createdBy is the sender, stamped once", () => {
		const { board, group } = adasBoard();
		expect(board.try('m-bob', (d) => addGroup(d, "Claims to be Ada's", undefined, { createdBy: 'm-ada' }), participant('m-bob'))).toEqual(
			refused('bad_author')
		);
		expect(board.try('m-bob', (d) => addGroup(d, "Nobody's"), participant('m-bob'))).toEqual(refused('bad_author'));
		expect(board.try('m-bob', (d) => groupsOf(d).get(group)!.set('createdBy', 'm-bob'), participant('m-bob'))).toEqual(refused('bad_author'));
		expect(board.try('m-ada', (d) => groupsOf(d).get(group)!.delete('createdBy'), facilitator('m-ada'))).toEqual(refused('bad_author'));
		// applyGrouping's new groups are stamped too
		const { board: b2, card } = adasBoard();
		expect(b2.try('m-bob', (d) => applyGrouping(d, [{ groupId: null, title: 'Found', cardIds: [card] }], undefined, 'm-bob'), participant('m-bob'))).toEqual({
			ok: true
		});
	});

	it("wordings: anyone adds them and edits the statement; deleting one is the facilitator's unless the board allows it", () => {
		const { board, variant } = adasBoard();
		expect(board.try('m-bob', (d) => editVariantText(d, variant, "Bob's wording"), participant('m-bob'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => renameVariant(d, variant, "Bob's label"), participant('m-bob'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => addVariant(d, 'Another', variant), participant('m-bob'))).toEqual({ ok: true });
		expect(board.try('m-bob', (d) => removeVariant(d, variant), participant('m-bob'))).toEqual(refused('not_allowed'));
		expect(board.try('m-ada', (d) => removeVariant(d, variant), participant('m-ada'))).toEqual(refused('not_allowed'));
		expect(statementsOf(board.server).has(variant)).toBe(true);
		expect(board.try('m-bob', (d) => removeVariant(d, variant), participant('m-bob', { deleteWordings: true }))).toEqual({ ok: true });
		const other = [...statementsOf(board.server).keys()][0];
		expect(board.try('m-cy', (d) => removeVariant(d, other), facilitator('m-cy'))).toEqual({ ok: true });
	});

	it("anonymous boards: a new card carries no author, and the server's record says whose it is", () => {
		const board = new Board();
		const anonymous = (memberId: string, ownCards: string[] = []) => ({ ...as_(memberId, 'participant', {}, ownCards), author: NO_AUTHOR });
		const a = board.client();
		expect(board.edit(a, 'm-ada', () => addCard(a, { author: ada, text: 'signed' }), anonymous('m-ada'))).toEqual(refused('bad_author'));
		const fresh = board.client();
		let card = '';
		expect(board.edit(fresh, 'm-ada', () => (card = addCard(fresh, { author: NO_AUTHOR, text: 'unsigned' })), anonymous('m-ada'))).toEqual({ ok: true });
		expect(cardsOf(board.server).get(card)!.toJSON()).toMatchObject({ author: '', authorName: '', organisation: '' });
		expect(board.try('m-bob', (d) => editCardText(d, card, 'Bob was here'), anonymous('m-bob'))).toEqual(refused('not_your_card'));
		expect(board.try('m-bob', (d) => deleteCard(d, card), anonymous('m-bob'))).toEqual(refused('not_your_card'));
		expect(board.try('m-ada', (d) => editCardText(d, card, 'Ada edited'), anonymous('m-ada', [card]))).toEqual({ ok: true });
		expect(board.try('m-ada', (d) => deleteCard(d, card), anonymous('m-ada', [card]))).toEqual({ ok: true });
	});
});

describe('fuzzing', () => {
	deterministic();
	function sampleBoard() {
		const board = new Board();
		const a = board.client(1001);
		const b = board.client(1002);
		const updates: Uint8Array[] = [];
		const keep = (client: Y.Doc, memberId: string, fn: () => void) => {
			const u = board.capture(client, fn);
			updates.push(u);
			return u;
		};
		let c1 = '';
		let g = '';
		const first = keep(a, 'm-ada', () => (c1 = addCard(a, { author: ada, text: 'first card', fields: { indicator: 'kWh' } })));
		expect(board.send(first, 'm-ada').ok).toBe(true);
		expect(
			board.send(
				keep(a, 'm-ada', () => (g = addGroup(a, 'Energy', undefined, { createdBy: 'm-ada' }))),
				'm-ada'
			).ok
		).toBe(true);
		expect(
			board.send(
				keep(a, 'm-ada', () => editVariantText(a, MAIN_VARIANT, 'We power the valley.')),
				'm-ada'
			).ok
		).toBe(true);
		board.pull(b);
		// pending edits: valid against the server's current state, not applied yet
		keep(b, 'm-bob', () => addCard(b, { author: bob, text: 'second card', group: g }));
		keep(a, 'm-ada', () => editCardText(a, c1, 'first card, edited'));
		keep(a, 'm-ada', () => moveCard(a, c1, g));
		keep(a, 'm-ada', () => addVariant(a, 'Alt', MAIN_VARIANT));
		keep(b, 'm-bob', () => deleteCard(b, c1));
		keep(b, 'm-bob', () => cardsOf(b).get(c1)?.set('colour', 'green'));
		return { board, updates };
	}

	it('10,000 random byte strings never throw', () => {
		const { board } = sampleBoard();
		const rnd = mulberry32(0xb0a4d);
		for (let i = 0; i < 10_000; i++) {
			const bytes = new Uint8Array(Math.floor(rnd() * 64));
			for (let j = 0; j < bytes.length; j++) bytes[j] = rnd() < 0.3 ? Math.floor(rnd() * 8) : Math.floor(rnd() * 256);
			let result: GuardResult | undefined;
			expect(() => (result = checkBoardUpdate(board.server, bytes, { author: rnd() < 0.5 ? ada : null })), `case ${i}`).not.toThrow();
			expect(result).toBeDefined();
		}
	});

	it('10,000 random mutations of valid updates never throw, and what passes applies cleanly within the rules', () => {
		const { board, updates } = sampleBoard();
		const rnd = mulberry32(0x5eed);
		const base = Y.encodeStateAsUpdate(board.server);
		const before = base.slice();
		let accepted = 0;
		for (let i = 0; i < 10_000; i++) {
			const source = updates[Math.floor(rnd() * updates.length)];
			const bytes = Array.from(source);
			const edits = 1 + Math.floor(rnd() * 3);
			for (let e = 0; e < edits; e++) {
				const at = Math.floor(rnd() * (bytes.length + 1));
				const kind = rnd();
				if (kind < 0.4) bytes[at] = Math.floor(rnd() * 256);
				else if (kind < 0.6) bytes.splice(at, 0, Math.floor(rnd() * 256));
				else if (kind < 0.8) bytes.splice(at, 1);
				else if (kind < 0.9) bytes.length = at;
				else bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(rnd() * 8));
			}
			const mutated = new Uint8Array(bytes.filter((x) => x !== undefined));
			const memberId = rnd() < 0.7 ? 'm-ada' : rnd() < 0.5 ? 'm-bob' : null;
			let result: GuardResult | undefined;
			expect(() => (result = checkBoardUpdate(board.server, mutated, { author: as(memberId) })), `case ${i}`).not.toThrow();
			if (result!.ok) {
				accepted++;
				// what the guard lets through must apply without error, fully, and keep the board's shape
				const copy = new Y.Doc();
				Y.applyUpdate(copy, base);
				expect(() => Y.applyUpdate(copy, mutated), `case ${i}`).not.toThrow();
				expect(copy.store.pendingStructs, `case ${i}`).toBeNull();
				expect(copy.store.pendingDs, `case ${i}`).toBeNull();
				expect(boardProblems(copy), `case ${i}`).toEqual([]);
			}
		}
		expect(sameBytes(Y.encodeStateAsUpdate(board.server), before)).toBe(true);
		console.log(`mutation fuzz: ${accepted} of 10000 mutated updates accepted`);
	});
});

describe('structural fuzzing', () => {
	deterministic();
	// Thousands of Yjs integrations: seconds on a shared, loaded machine, hence its own timeout.
	it('5,000 updates with rewired origins, parents, keys, contents and clocks: what passes applies cleanly within the rules', () => {
		const board = new Board();
		const a = board.client(2001);
		const b = board.client(2002);
		const updates: Uint8Array[] = [];
		const keep = (client: Y.Doc, fn: () => void) => {
			const u = board.capture(client, fn);
			updates.push(u);
			return u;
		};
		let c1 = '';
		let c2 = '';
		let g = '';
		board.send(
			keep(a, () => ((c1 = addCard(a, { author: ada, text: 'hello world' })), (c2 = addCard(a, { author: ada, text: 'second' })))),
			null
		);
		board.send(
			keep(a, () => ((g = addGroup(a, 'G')), editVariantText(a, MAIN_VARIANT, 'statement'))),
			null
		);
		board.pull(b);
		board.send(
			keep(a, () => (editCardText(a, c1, 'hello brave world'), moveCard(a, c1, g))),
			null
		);
		board.send(
			keep(b, () => editCardText(b, c2, 'second card')),
			null
		);
		board.send(
			keep(a, () => deleteCard(a, c2)),
			null
		);
		keep(a, () => (editCardText(a, c1, 'hello brave new world'), addCard(a, { author: ada, text: 'third' })));
		keep(b, () => (addVariant(b, 'alt', MAIN_VARIANT), editCardText(b, c1, 'hi world')));
		updates.push(Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b));

		const base = Y.encodeStateAsUpdate(board.server);
		const decoded = updates.map((u) => Y.decodeUpdate(u));
		const ids: Y.ID[] = [];
		for (const [client, structs] of board.server.store.clients) for (const st of structs) ids.push(st.id, Y.createID(client, st.id.clock + st.length - 1));
		for (const d of decoded) for (const st of d.structs) ids.push(st.id);
		const keys = ['text', 'author', 'colour', 'title', 'label', 'order', 'group', 'evil', c1];
		const rnd = mulberry32(0x57_4c);
		const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
		const contents: (() => Content)[] = [
			() => str('abc'),
			() => str('x'.repeat(Math.floor(rnd() * 1200))),
			() => any('m-ada'),
			() => any('m-bob'),
			() => any({ a: 1 }),
			() => any('z'.repeat(300)),
			() => new Y.ContentDeleted(1 + Math.floor(rnd() * 3)),
			() => new Y.ContentType(new Y.Map()),
			() => new Y.ContentType(new Y.Text()),
			() => new Y.ContentType(new Y.Array()),
			() => new Y.ContentType(new Y.XmlText()),
			() => new Y.ContentFormat('b', true),
			() => new Y.ContentEmbed({}),
			() => new Y.ContentBinary(new Uint8Array(1)),
			() => new Y.ContentJSON([1]),
			() => new Y.ContentDoc(new Y.Doc())
		];
		let accepted = 0;
		for (let i = 0; i < 5000; i++) {
			const source = pick(decoded);
			let sections: { client: number; clock: number; structs: RawStruct[] }[] = [];
			for (const st of source.structs) {
				let section = sections[sections.length - 1];
				if (section?.client !== st.id.client) sections.push((section = { client: st.id.client, clock: st.id.clock, structs: [] }));
				if (st instanceof Y.Item) {
					const parent = st.parent as unknown as string | Y.ID | null;
					section.structs.push({
						origin: st.origin ?? undefined,
						right: st.rightOrigin ?? undefined,
						parent: parent ?? undefined,
						sub: st.parentSub ?? undefined,
						content: st.content
					});
				} else section.structs.push(st instanceof Y.GC ? { gc: st.length } : { skip: st.length });
			}
			const deletes: [number, number, number][] = [];
			source.ds.clients.forEach((ranges, client) => ranges.forEach((r) => deletes.push([client, r.clock, r.len])));
			for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
				const r = rnd();
				const section = sections.length > 0 ? pick(sections) : undefined;
				const st = section && section.structs.length > 0 ? pick(section.structs) : undefined;
				const item = st && 'content' in st ? st : undefined;
				if (r < 0.15 && item) item.origin = rnd() < 0.2 ? undefined : pick(ids);
				else if (r < 0.25 && item) item.right = rnd() < 0.5 ? undefined : pick(ids);
				else if (r < 0.35 && item) {
					item.origin = item.right = undefined;
					item.parent = rnd() < 0.4 ? pick(['cards', 'groups', 'statements', 'evil']) : pick(ids);
					item.sub = rnd() < 0.3 ? undefined : pick(keys);
				} else if (r < 0.5 && item) item.content = pick(contents)();
				else if (r < 0.55 && item) item.sub = pick(keys);
				else if (r < 0.62 && section) section.clock = Math.max(0, section.clock + Math.floor(rnd() * 7) - 3);
				else if (r < 0.67 && section) section.client = pick([...sections.map((x) => x.client), 12345]);
				else if (r < 0.72 && section) section.structs.splice(Math.floor(rnd() * section.structs.length), 1);
				else if (r < 0.77 && section) section.structs.splice(Math.floor(rnd() * (section.structs.length + 1)), 0, rnd() < 0.5 ? { gc: 1 } : { skip: 2 });
				else if (r < 0.82) {
					const id = pick(ids);
					deletes.push([id.client, id.clock, 1 + Math.floor(rnd() * 20)]);
				} else if (r < 0.87) sections = sections.reverse();
				else if (r < 0.92)
					sections.push({
						client: pick([section?.client ?? 999, 999]),
						clock: Math.floor(rnd() * 40),
						structs: [{ origin: rnd() < 0.5 ? pick(ids) : undefined, parent: pick(ids), sub: rnd() < 0.5 ? pick(keys) : undefined, content: pick(contents)() }]
					});
				else if (item && section) item.origin = Y.createID(section.client, section.clock + Math.floor(rnd() * 8) - 2);
			}
			let update: Uint8Array;
			try {
				update = craft(sections, deletes);
			} catch {
				continue; // e.g. an item left with neither origin nor parent cannot be encoded
			}
			const memberId = rnd() < 0.7 ? 'm-ada' : null;
			let result: GuardResult | undefined;
			expect(() => (result = checkBoardUpdate(board.server, update, { author: as(memberId) })), `case ${i}`).not.toThrow();
			if (!result!.ok) continue;
			accepted++;
			const copy = new Y.Doc();
			Y.applyUpdate(copy, base);
			expect(() => Y.applyUpdate(copy, update), `case ${i}`).not.toThrow();
			expect(copy.store.pendingStructs, `case ${i}`).toBeNull();
			expect(copy.store.pendingDs, `case ${i}`).toBeNull();
			expect(boardProblems(copy), `case ${i}`).toEqual([]);
		}
		expect(accepted).toBeGreaterThan(1000);
		console.log(`structural fuzz: ${accepted} of 5000 rewired updates accepted`);
	}, 60_000);
});

describe('random editing sessions', () => {
	deterministic();
	it('members editing concurrently, some offline for a while, are never refused', () => {
		const rnd = mulberry32(0xc0ffee);
		const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
		const board = new Board();
		const members: Author[] = [ada, bob, cy];
		const tabs = members.map((author, i) => ({ author, doc: board.client(3001 + i), offline: false }));
		const words = ['net', 'zero', 'by', '2030', 'bus', 'lanes', 'solar', 'roofs', 'trees', '😀', 'für', 'ünd'];
		const phrase = () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick(words)).join(' ');
		const ops: ((d: Y.Doc, author: Author) => void)[] = [
			(d, author) => addCard(d, { author, text: phrase(), colour: pick(['yellow', 'blue', 'green'] as const) }),
			(d) => {
				const ids = [...cardsOf(d).keys()];
				if (ids.length === 0) return;
				const id = pick(ids);
				const current = cardText(d, id)?.toString() ?? '';
				const at = Math.floor(rnd() * (current.length + 1));
				const cut = Math.floor(rnd() * 6);
				editCardText(d, id, (current.slice(0, at) + (rnd() < 0.7 ? pick(words) : '') + current.slice(at + cut)).slice(0, 300));
			},
			(d) => {
				const ids = [...cardsOf(d).keys()];
				if (ids.length) moveCard(d, pick(ids), rnd() < 0.3 ? '' : pick([...groupsOf(d).keys(), '']));
			},
			(d) => {
				const ids = [...cardsOf(d).keys()];
				if (ids.length > 5) deleteCard(d, pick(ids));
			},
			(d) => {
				const ids = [...cardsOf(d).keys()];
				if (ids.length) setCardColour(d, pick(ids), pick(['pink', 'purple'] as const));
				if (ids.length) setCardField(d, pick(ids), pick(['indicator', 'target', 'year'] as const), phrase());
			},
			(d, author) =>
				rnd() < 0.5 || groupsOf(d).size === 0
					? addGroup(d, phrase(), undefined, { createdBy: author.memberId })
					: renameGroup(d, pick([...groupsOf(d).keys()]), phrase()),
			(d) =>
				groupsOf(d).size > 0 &&
				(rnd() < 0.5 ? moveGroup(d, pick([...groupsOf(d).keys()]), pick([-1, 1] as const)) : removeGroup(d, pick([...groupsOf(d).keys()]))),
			(d) => {
				const current = ensureVariant(d).toString();
				editVariantText(d, MAIN_VARIANT, (current + ' ' + phrase()).slice(-800));
			},
			(d) => {
				const ids = [...statementsOf(d).keys()];
				const r = rnd();
				// (three tabs adding three variants each unseen stay within the limit)
				if (r < 0.3 && statementsOf(d).size < 4) addVariant(d, phrase().slice(0, 20), MAIN_VARIANT);
				else if (r < 0.6 && ids.length) renameVariant(d, pick(ids), phrase());
				else if (r < 0.8 && ids.length) editVariantText(d, pick(ids), phrase());
				else if (ids.length) removeVariant(d, pick(ids));
			}
		];
		let sent = 0;
		for (let step = 0; step < 1500; step++) {
			const tab = pick(tabs);
			if (rnd() < 0.03) {
				// going offline, or coming back: sync step 2 against the server's state vector
				if (tab.offline) {
					expect(board.send(Y.encodeStateAsUpdate(tab.doc, Y.encodeStateVector(board.server)), tab.author.memberId), `step ${step}`).toEqual({ ok: true });
					board.pull(tab.doc);
				}
				tab.offline = !tab.offline;
				continue;
			}
			if (rnd() < 0.2) board.pull(tab.doc);
			const update = board.capture(tab.doc, () => pick(ops)(tab.doc, tab.author));
			if (tab.offline || update.byteLength <= 2) continue;
			expect(board.send(update, tab.author.memberId), `step ${step}`).toEqual({ ok: true });
			sent++;
		}
		for (const tab of tabs) {
			expect(board.send(Y.encodeStateAsUpdate(tab.doc, Y.encodeStateVector(board.server)), tab.author.memberId)).toEqual({ ok: true });
		}
		for (const tab of tabs) board.pull(tab.doc);
		for (const tab of tabs) expect(Y.encodeStateVector(tab.doc)).toEqual(Y.encodeStateVector(board.server));
		expect(sent).toBeGreaterThan(600);
		expect(boardProblems(board.server)).toEqual([]);
	});
});

describe('cost', () => {
	it('prints the guard cost of a 20-char insert into a doc with 500 cards', () => {
		const board = new Board();
		const s = board.client();
		const ids: string[] = [];
		for (let i = 0; i < LIMITS.cards; i++) ids.push(addCard(s, { author: bob, text: `card number ${i} with some words in it` }));
		for (const id of ids.slice(0, 100)) for (let k = 0; k < 10; k++) editCardText(s, id, `edited ${k} card ${id}`);
		expect(board.send(Y.encodeStateAsUpdate(s), null)).toEqual({ ok: true });
		const a = board.client();
		const target = ids[250];
		const update = board.capture(a, () => cardText(a, target)!.insert(10, 'twenty chars inserted'.slice(0, 20)));
		expect(checkBoardUpdate(board.server, update, { author: ada })).toEqual({ ok: true });
		const runs = 20_000;
		for (let i = 0; i < 5000; i++) checkBoardUpdate(board.server, update, { author: ada });
		let start = performance.now();
		for (let i = 0; i < runs; i++) checkBoardUpdate(board.server, update, { author: ada });
		const guardUs = ((performance.now() - start) / runs) * 1000;
		start = performance.now();
		for (let i = 0; i < runs; i++) Y.decodeUpdate(update);
		const decodeUs = ((performance.now() - start) / runs) * 1000;
		start = performance.now();
		for (let i = 0; i < 20; i++) Y.encodeStateAsUpdate(board.server);
		const encodeUs = ((performance.now() - start) / 20) * 1000;
		console.log(
			`guard cost: ${guardUs.toFixed(1)} µs per 20-char insert (${update.byteLength} bytes) into a ${LIMITS.cards}-card doc ` +
				`(of which Y.decodeUpdate alone: ${decodeUs.toFixed(1)} µs) ` +
				`(${Y.encodeStateAsUpdate(board.server).byteLength} bytes); for scale, encodeStateAsUpdate of that doc: ${encodeUs.toFixed(0)} µs`
		);
	});
});
