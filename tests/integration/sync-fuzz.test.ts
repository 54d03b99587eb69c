/**
 * Protocol fuzzing of the real sync server: thousands of random and mutated binary
 * messages from raw `ws` clients holding valid member cookies, while two honest providers
 * keep editing and watching the same board.
 *
 * Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run --project integration sync-fuzz
 * More messages: FUZZ_MESSAGES=20000 (the time budget, FUZZ_BUDGET_MS, still bounds the run).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { addCard, addGroup, cardsOf, editCardText, ensureVariant, readBoard } from '#lib/domain/board/board-model.js';
import { checkBoardUpdate } from '#lib/domain/board/update-guard.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import type { SyncOptions } from '#lib/server/sync/sync-server.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2026) >>> 0;
const TARGET_MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 6000);
const MIN_MESSAGES = 5000;
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 25_000);
const WORKERS = 8;
const OBSERVER_WORKERS = 2;

// No compaction or unloading while we count rows of board_updates.
const SERVER_OPTIONS: Partial<SyncOptions> = { compactAfterUpdates: 1e9, compactAfterBytes: 1e12, unloadAfterMs: 600_000 };

// ── seeded randomness ─────────────────────────────────────────────────────────

/** mulberry32: small, fast, good enough to pick fuzz cases, and reproducible. */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	return {
		next,
		int,
		range: (lo: number, hi: number) => lo + int(hi - lo + 1),
		chance: (p: number) => next() < p,
		pick: <T>(list: readonly T[]): T => list[int(list.length)],
		bytes: (n: number) => {
			const out = new Uint8Array(n);
			for (let i = 0; i < n; i++) out[i] = int(256);
			return out;
		},
		u32: () => int(0x100000000) >>> 0
	};
}
type Rng = ReturnType<typeof prng>;

// ── message building ──────────────────────────────────────────────────────────

const enc = (fn: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	fn(e);
	return encoding.toUint8Array(e);
};
const syncMsg = (subtype: number, payload: Uint8Array) =>
	enc((e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, subtype);
		encoding.writeVarUint8Array(e, payload);
	});
const awarenessMsg = (payload: Uint8Array) =>
	enc((e) => {
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint8Array(e, payload);
	});
const rawAwareness = (entries: { clientId: number; clock: number; state: string }[], count = entries.length) =>
	enc((e) => {
		encoding.writeVarUint(e, count);
		for (const x of entries) {
			encoding.writeVarUint(e, x.clientId);
			encoding.writeVarUint(e, x.clock);
			encoding.writeVarString(e, x.state);
		}
	});
const concat = (...parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};
/** A varuint written by hand, so that it may claim anything (up to 2^53 and beyond). */
const varuint = (n: number) => enc((e) => encoding.writeVarUint(e, n));

function mutate(rng: Rng, base: Uint8Array): Uint8Array {
	const b = base.slice();
	switch (rng.int(7)) {
		case 0: {
			// flip a few bytes
			const n = rng.range(1, 3);
			for (let i = 0; i < n && b.length; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
			return b;
		}
		case 1: {
			const n = rng.range(1, 4);
			for (let i = 0; i < n && b.length; i++) b[rng.int(b.length)] = rng.int(256);
			return b;
		}
		case 2:
			return b.slice(0, rng.int(Math.max(1, b.length)));
		case 3:
			return concat(b, rng.bytes(rng.range(1, 32)));
		case 4: {
			const at = rng.int(b.length + 1);
			return concat(b.slice(0, at), rng.bytes(rng.range(1, 16)), b.slice(at));
		}
		case 5: {
			// cut a piece out of the middle
			const at = rng.int(b.length + 1);
			return concat(b.slice(0, at), b.slice(Math.min(b.length, at + rng.range(1, 8))));
		}
		default: {
			// a varuint somewhere claims a huge length
			const at = rng.int(b.length + 1);
			return concat(b.slice(0, at), varuint(rng.pick([0x7fffffff, 0xffffffff, 2 ** 40, Number.MAX_SAFE_INTEGER, 1 << 20])), b.slice(at));
		}
	}
}

/** A v1 update with a plausible layout but random struct headers and contents. */
function garbageStructs(rng: Rng, knownClients: number[]): Uint8Array {
	return enc((e) => {
		const clients = rng.range(1, 3);
		encoding.writeVarUint(e, clients);
		for (let c = 0; c < clients; c++) {
			const structs = rng.range(1, 4);
			encoding.writeVarUint(e, structs);
			encoding.writeVarUint(e, rng.chance(0.3) && knownClients.length ? rng.pick(knownClients) : rng.u32());
			encoding.writeVarUint(e, rng.chance(0.5) ? 0 : rng.int(1000));
			for (let s = 0; s < structs; s++) {
				const info = rng.int(256);
				encoding.writeUint8(e, info);
				if (info & 0x80) {
					encoding.writeVarUint(e, rng.chance(0.5) && knownClients.length ? rng.pick(knownClients) : rng.u32());
					encoding.writeVarUint(e, rng.int(50));
				}
				if (info & 0x40) {
					encoding.writeVarUint(e, rng.u32());
					encoding.writeVarUint(e, rng.int(50));
				}
				if ((info & 0xc0) === 0) {
					const named = rng.chance(0.7);
					encoding.writeVarUint(e, named ? 1 : 0);
					if (named) encoding.writeVarString(e, rng.pick(['cards', 'groups', 'statements', 'evil', '', '\u0000']));
					else {
						encoding.writeVarUint(e, rng.u32());
						encoding.writeVarUint(e, rng.int(50));
					}
					if (info & 0x20) encoding.writeVarString(e, rng.pick(['text', 'author', 'x', crypto.randomUUID()]));
				}
				// content: a length or a string or a type ref, then maybe junk
				switch (info & 0x1f) {
					case 4:
						encoding.writeVarString(e, 'x'.repeat(rng.int(40)));
						break;
					case 7:
						encoding.writeVarUint(e, rng.int(8));
						break;
					case 8:
						encoding.writeVarUint(e, rng.int(4));
						encoding.writeVarUint(e, 119);
						encoding.writeVarString(e, 'any');
						break;
					default:
						encoding.writeVarUint(e, rng.chance(0.8) ? rng.int(10) : rng.u32());
				}
			}
		}
		// delete set
		const ds = rng.range(0, 2);
		encoding.writeVarUint(e, ds);
		for (let d = 0; d < ds; d++) {
			encoding.writeVarUint(e, rng.chance(0.5) && knownClients.length ? rng.pick(knownClients) : rng.u32());
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, rng.int(100));
			encoding.writeVarUint(e, rng.chance(0.8) ? rng.range(1, 10) : 2 ** 31);
		}
	});
}

/** Whole-document updates that decode fine but break the board's rules, from a throw-away doc. */
function ruleBreaking(rng: Rng, memberId: string, otherMemberId: string): Uint8Array {
	const doc = new Y.Doc();
	const author = { memberId, name: 'Fuzz', organisation: 'Fuzz Ltd' };
	const card = () => {
		const id = addCard(doc, { author, text: 'ok' });
		return cardsOf(doc).get(id)!;
	};
	switch (rng.int(15)) {
		case 0:
			(card().get('text') as Y.Text).insertEmbed(0, { evil: true });
			break;
		case 1:
			(card().get('text') as Y.Text).format(0, 2, { bold: true });
			break;
		case 2:
			card().set('unknownKey', 'x');
			break;
		case 3:
			card().set('colour', { nested: 'object' } as never);
			break;
		case 4:
			card().set('text', 'a plain string' as never);
			break;
		case 5:
			doc.getMap('evil').set('x', 1);
			break;
		case 6:
			doc.getArray('cards').push(['not a map']);
			break;
		case 7:
			addCard(doc, { author: { ...author, memberId: otherMemberId }, text: 'forged author' });
			break;
		case 8:
			doc.getMap('cards').set(crypto.randomUUID(), new Y.Map());
			break;
		case 9:
			addCard(doc, { author, text: 'x'.repeat(1000) });
			(cardsOf(doc).values().next().value!.get('text') as Y.Text).insert(0, 'one too many');
			break;
		case 10:
			doc.transact(() => {
				for (let i = 0; i < 501; i++) cardsOf(doc).set(`c${i}`, new Y.Map());
			});
			break;
		case 11:
			card().set('colour', new Uint8Array([1, 2, 3]) as never);
			break;
		case 12:
			card().set('group', new Y.Doc() as never);
			break;
		case 13:
			card().set('group', new Y.XmlFragment() as never);
			break;
		default:
			doc.transact(() => {
				for (let i = 0; i < 101; i++) {
					const g = new Y.Map<unknown>();
					g.set('title', `g${i}`);
					g.set('order', i);
					doc.getMap('groups').set(`g${i}`, g);
				}
			});
	}
	const update = rng.chance(0.15) ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

// ── the test ──────────────────────────────────────────────────────────────────

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
const honest: { id: string; cookie: string }[] = [];
const fuzzers: { id: string; cookie: string; observer: boolean }[] = [];

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql, SERVER_OPTIONS);
	for (const name of ['Anna', 'Béla']) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, `${name}'s cluster`);
		honest.push({ id: member_id, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) });
	}
	for (let i = 0; i < WORKERS; i++) {
		const observer = i < OBSERVER_WORKERS;
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, `Fuzzer ${i}`, 'Fuzz Ltd', observer ? 'observer' : 'participant');
		fuzzers.push({
			id: member_id,
			observer,
			cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id, observer ? 'observer' : 'participant')
		});
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

interface Tally {
	sent: number;
	byKind: Map<string, number>;
	closes: Map<string, number>;
	connections: number;
	validEdits: number;
	hangs: number;
}

describe('sync protocol fuzzing', () => {
	test('a malformed sync step 1 that waits for a commit closes only its connection', async () => {
		// The reply to a step 1 waits while the room has uncommitted updates; its state vector
		// must be read when it arrives, not when the commit completes (that would throw inside
		// the commit path and stall relaying for everyone).
		const own = await startSyncServer(db.sql, SERVER_OPTIONS);
		const docName = `board/${boardId}`;
		const watcher = connectClient(own, docName, honest[1].cookie);
		await watcher.synced;
		try {
			const ws = new WebSocket(`${own.url}/${docName}`, { headers: { cookie: fuzzers[OBSERVER_WORKERS].cookie } });
			const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
			await new Promise((resolve) => ws.on('open', resolve));
			const doc = new Y.Doc();
			addCard(doc, {
				author: { memberId: fuzzers[OBSERVER_WORKERS].id, name: `Fuzzer ${OBSERVER_WORKERS}`, organisation: 'Fuzz Ltd' },
				text: 'edit in flight'
			});
			ws.send(syncMsg(2, Y.encodeStateAsUpdate(doc)));
			ws.send(syncMsg(0, new Uint8Array([5])));
			const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open after 3 s'), 3000))]);
			expect(code, 'the malformed step 1 did not close its connection (its reply waited for the commit and threw there)').toBe(4400);
			await waitFor(
				() => cardsOf(watcher.doc).size > 0 && [...cardsOf(watcher.doc).values()].some((c) => String(c.get('text')) === 'edit in flight'),
				3000,
				'the edit relayed'
			);
			const late = connectClient(own, docName, honest[0].cookie);
			await Promise.race([late.synced, new Promise((_, reject) => setTimeout(() => reject(new Error('a new provider could not sync')), 3000))]);
			late.destroy();
		} finally {
			watcher.destroy();
			await own.close();
		}
	});

	test(`thousands of malformed messages close only their own connection and change nothing (seed ${SEED})`, { timeout: 38_000 }, async () => {
		const started = Date.now();
		const docName = `board/${boardId}`;
		const author = (m: { id: string }, name: string) => ({ memberId: m.id, name, organisation: `${name}'s cluster` });

		// Real content, through a real provider.
		const anna = connectClient(server, docName, honest[0].cookie);
		const bela = connectClient(server, docName, honest[1].cookie);
		await Promise.all([anna.synced, bela.synced]);
		const drops: string[] = [];
		for (const [who, c] of [
			['Anna', anna],
			['Béla', bela]
		] as const)
			c.provider.on('status', ({ status }: { status: string }) => status !== 'connected' && drops.push(`${who}: ${status}`));
		anna.provider.awareness.setLocalStateField('cursor', 'anna');
		bela.provider.awareness.setLocalStateField('cursor', 'bela');

		const group = addGroup(anna.doc, 'Cooperation', undefined, { createdBy: honest[0].id });
		const originals = [
			addCard(anna.doc, { author: author(honest[0], 'Anna'), text: 'Trust between clusters', group }),
			addCard(anna.doc, { author: author(honest[0], 'Anna'), text: 'Árvíztűrő tükörfúrógép — ünicode' }),
			addCard(anna.doc, { author: author(honest[0], 'Anna'), text: 'Shared services', group, fields: { indicator: 'GVA', target: '10%', year: '2030' } })
		];
		editCardText(anna.doc, originals[1], 'Árvíztűrő tükörfúrógép — edited');
		ensureVariant(anna.doc).insert(0, 'We cooperate.');
		const ticker = addCard(anna.doc, { author: author(honest[0], 'Anna'), text: 'tick 0' });
		const originalView = () => {
			const view = readBoard(anna.doc);
			const cards = [...view.groups.flatMap((g) => g.cards), ...view.ungrouped].filter((c) => originals.includes(c.id));
			return JSON.stringify({
				cards: cards.sort((a, b) => a.id.localeCompare(b.id)),
				variants: view.variants,
				groups: view.groups.map((g) => ({ id: g.id, title: g.title }))
			});
		};
		const expectedOriginal = originalView();
		await waitFor(() => cardsOf(bela.doc).has(ticker) && originals.every((id) => cardsOf(bela.doc).has(id)), 5000, 'Béla sees the content');
		await new Promise<void>((resolve) =>
			server.sync.read({ doc: { kind: 'board', name: docName, boardId }, workshopId: workshop.workshop_id }).then(() => resolve())
		);
		const store = new PostgresDocumentStore(db.sql);
		const before = await store.load(docName);
		const [{ max: seqBefore }] = await db.sql<{ max: string | null }[]>`select max(seq)::text as max from public.board_updates`;

		// Anna keeps editing throughout; Béla must keep receiving.
		let tick = 0;
		let seenByBela = 0;
		bela.doc.on('update', () => {
			const text = cardsOf(bela.doc).get(ticker)?.get('text');
			const n = Number(String(text ?? '').replace('tick ', ''));
			if (n > seenByBela) seenByBela = n;
		});
		const ticking = setInterval(() => editCardText(anna.doc, ticker, `tick ${++tick}`), 50);

		const tally: Tally = { sent: 0, byKind: new Map(), closes: new Map(), connections: 0, validEdits: 0, hangs: 0 };
		const honestClientIds = [anna.doc.clientID, bela.doc.clientID];
		const fuzzDocClients = { participant: new Set<number>(), observer: new Set<number>() };
		const awarenessIds = [anna.provider.awareness.clientID, bela.provider.awareness.clientID];
		const deadline = started + BUDGET_MS;

		async function worker(index: number): Promise<void> {
			const me = fuzzers[index];
			const other = honest[0];
			const rng = prng(SEED + index * 7919);
			// This worker's own card, edited by valid updates (relative to what the server has).
			let doc = new Y.Doc();
			let myCard: string | null = null;
			let serverSv = new Map<number, number>();
			const fresh = () => {
				doc.destroy();
				doc = new Y.Doc();
				myCard = null;
				serverSv = new Map();
			};
			const validEdit = (): Uint8Array => {
				(me.observer ? fuzzDocClients.observer : fuzzDocClients.participant).add(doc.clientID);
				if (myCard === null)
					myCard = addCard(doc, { author: { memberId: me.id, name: `Fuzzer ${index}`, organisation: 'Fuzz Ltd' }, text: `fuzz card ${index}` });
				else
					doc.transact(() => {
						const card = cardsOf(doc).get(myCard!)!;
						switch (rng.int(4)) {
							case 0:
								editCardText(doc, myCard!, `fuzz ${index} ${rng.u32().toString(36)}`);
								break;
							case 1:
								card.set('group', rng.chance(0.5) ? group : '');
								card.set('order', rng.int(100));
								break;
							case 2:
								card.set('colour', rng.pick(['yellow', 'blue', 'green', 'pink']));
								break;
							default:
								card.set('indicator', 'x'.repeat(rng.int(200)));
						}
					});
				const svBytes = enc((e) => {
					encoding.writeVarUint(e, serverSv.size);
					for (const [client, clock] of serverSv) {
						encoding.writeVarUint(e, client);
						encoding.writeVarUint(e, clock);
					}
				});
				return Y.encodeStateAsUpdate(doc, svBytes);
			};
			const mutationBase = (): Uint8Array => {
				const scratch = new Y.Doc();
				addCard(scratch, { author: { memberId: me.id, name: 'M', organisation: 'M' }, text: 'to be mutated' });
				const update = Y.encodeStateAsUpdate(scratch);
				scratch.destroy();
				return update;
			};
			const awarenessUpdate = (state: unknown) => {
				const a = new awarenessProtocol.Awareness(new Y.Doc());
				a.setLocalState(state as never);
				const u = awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]);
				a.destroy();
				return u;
			};

			/** One fuzz message and its kind; `edit` marks an intact valid edit. */
			const next = (): { kind: string; data: Uint8Array | string; edit?: boolean } => {
				const roll = rng.int(100);
				if (roll < 12) return { kind: 'random bytes', data: rng.bytes(rng.chance(0.9) ? rng.int(48) : rng.range(48, 4096)) };
				if (roll < 15) return { kind: 'empty', data: new Uint8Array(0) };
				if (roll < 18) return { kind: 'text frame', data: rng.pick(['hello', '\u0000\u0001', JSON.stringify({ type: 'sync' }), '💥'.repeat(rng.int(100))]) };
				if (roll < 28) return { kind: 'valid edit', data: syncMsg(rng.chance(0.5) ? 2 : 1, validEdit()), edit: true };
				if (roll < 40)
					return {
						kind: 'mutated update',
						data: rng.chance(0.5) ? syncMsg(rng.pick([1, 2]), mutate(rng, mutationBase())) : mutate(rng, syncMsg(2, mutationBase()))
					};
				if (roll < 45) return { kind: 'mutated step 1', data: mutate(rng, syncMsg(0, Y.encodeStateVector(doc))) };
				if (roll < 53) {
					const claims = [0x7fffffff, 0xffffffff, 2 ** 35, Number.MAX_SAFE_INTEGER, 2 ** 60];
					const cases = [
						() => concat(new Uint8Array([0, rng.int(3)]), varuint(rng.pick(claims)), rng.bytes(rng.int(8))),
						() => concat(new Uint8Array([1]), varuint(rng.pick(claims)), rng.bytes(rng.int(8))),
						// a little more than the message holds
						() => concat(new Uint8Array([0, rng.int(3)]), varuint(rng.range(5, 40)), rng.bytes(rng.int(5))),
						() => concat(new Uint8Array([1]), varuint(rng.range(3, 30)), rng.bytes(rng.int(3))),
						// awareness entries claiming a huge count or string length
						() => awarenessMsg(concat(varuint(rng.pick(claims)), rng.bytes(4))),
						() => awarenessMsg(concat(varuint(1), varuint(rng.u32()), varuint(1), varuint(rng.pick(claims)), rng.bytes(6))),
						// overlong varuints
						() => new Uint8Array(Array.from({ length: rng.range(9, 40) }, () => 0xff)),
						() => concat(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]), new Uint8Array([0])),
						// update with a huge count of sections / structs
						() => syncMsg(2, concat(varuint(rng.pick(claims)), rng.bytes(8))),
						() => syncMsg(2, concat(varuint(1), varuint(rng.pick(claims)), varuint(rng.u32()), varuint(0)))
					];
					return { kind: 'huge varuint', data: rng.pick(cases)() };
				}
				if (roll < 66) {
					const id = rng.u32();
					const cases: (() => Uint8Array)[] = [
						() => awarenessMsg(rawAwareness([{ clientId: id, clock: 1, state: JSON.stringify({ blob: 'x'.repeat(rng.range(4097, 300_000)) }) }])),
						() => awarenessMsg(rawAwareness([{ clientId: id, clock: 1, state: rng.pick(['{', 'undefined', "{'a':1}", 'NaN', '\ud800', '{"a":1}}', '']) }])),
						() => awarenessMsg(rawAwareness([{ clientId: id, clock: 1, state: rng.pick(['[1,2]', '42', '"str"', 'true', 'null']) }])),
						() => awarenessMsg(rawAwareness([{ clientId: id, clock: 1, state: '['.repeat(2000) + ']'.repeat(2000) }])),
						() => awarenessMsg(rawAwareness(Array.from({ length: 65 }, (_, i) => ({ clientId: id + i, clock: 1, state: '{}' })))),
						() => awarenessMsg(rawAwareness(Array.from({ length: rng.range(2, 10) }, (_, i) => ({ clientId: id + i, clock: i, state: '{"cursor":1}' })))),
						// someone else's presence: removing or overwriting it must not work
						() => awarenessMsg(rawAwareness([{ clientId: rng.pick(awarenessIds), clock: 1e6, state: rng.pick(['null', '{"user":{"name":"Mallory"}}']) }])),
						() => awarenessMsg(awarenessUpdate({ user: { name: 'Mallory', memberId: other.id }, cursor: rng.int(10) })),
						() => mutate(rng, awarenessMsg(awarenessUpdate({ cursor: 'x'.repeat(rng.int(100)) }))),
						() => awarenessMsg(rawAwareness([{ clientId: id, clock: 1, state: '{"a":1}' }], rng.range(2, 64)))
					];
					return { kind: 'awareness', data: rng.pick(cases)() };
				}
				if (roll < 76) return { kind: 'garbage structs', data: syncMsg(rng.pick([1, 2]), garbageStructs(rng, [...honestClientIds, doc.clientID])) };
				if (roll < 86) return { kind: 'rule-breaking update', data: syncMsg(rng.pick([1, 2]), ruleBreaking(rng, me.id, other.id)) };
				if (roll < 92) {
					const cases = [
						() => concat(varuint(rng.range(4, 2 ** 32)), rng.bytes(rng.int(8))),
						() => concat(new Uint8Array([0]), varuint(rng.range(3, 1000)), varuint(2), rng.bytes(2)),
						() => concat(new Uint8Array([2]), rng.bytes(rng.int(30))),
						() => concat(new Uint8Array([3]), rng.bytes(rng.int(30))),
						() => new Uint8Array([0])
					];
					return { kind: 'unknown type', data: rng.pick(cases)() };
				}
				if (roll < 95) {
					// a valid edit and, in the same turn, a step 1 whose reply waits for that edit's commit
					return { kind: 'edit + bad step 1', data: syncMsg(2, validEdit()), edit: true };
				}
				if (roll < 96) return { kind: 'oversized', data: rng.bytes(rng.chance(0.5) ? 1024 * 1024 + 65 + rng.int(1000) : 2 * 1024 * 1024) };
				return { kind: 'valid step 1', data: syncMsg(0, Y.encodeStateVector(doc)) };
			};

			while (tally.sent < TARGET_MESSAGES && Date.now() < deadline) {
				const ws = new WebSocket(`${server.url}/${docName}`, { headers: { cookie: me.cookie } });
				tally.connections++;
				let replies = 0;
				let greeted = false;
				let closedWith: string | null = null;
				let wake: (() => void) | null = null;
				ws.binaryType = 'nodebuffer';
				ws.on('message', (data: Buffer) => {
					if (data[0] === 0 && data[1] === 1) replies++;
					if (data[0] === 0 && data[1] === 0 && !greeted) {
						greeted = true;
						// the server's state vector: what it has of this worker's doc
						const d = decoding.createDecoder(new Uint8Array(data));
						decoding.readVarUint(d);
						decoding.readVarUint(d);
						serverSv = Y.decodeStateVector(decoding.readVarUint8Array(d));
					}
					wake?.();
				});
				ws.on('close', (code, reason) => {
					closedWith = `${code} ${reason.toString()}`;
					wake?.();
				});
				ws.on('error', () => {});
				const until = async (cond: () => boolean, ms: number) => {
					const limit = Date.now() + ms;
					while (!cond() && Date.now() < limit) await new Promise<void>((r) => ((wake = r), setTimeout(r, Math.max(1, limit - Date.now()))));
					wake = null;
					return cond();
				};
				await until(() => (greeted && ws.readyState === WebSocket.OPEN) || closedWith !== null, 5000);
				if (ws.readyState !== WebSocket.OPEN) throw new Error(`worker ${index}: could not connect (${closedWith ?? 'timeout'})`);
				const ownState = serverSv.get(doc.clientID) ?? 0;
				// The server holds a different (mutated yet valid) history of our doc: start over.
				if (ownState > Y.getState(doc.store, doc.clientID)) fresh();
				let probes = 0;
				let lastKinds: string[] = [];
				while (closedWith === null && tally.sent < TARGET_MESSAGES && Date.now() < deadline) {
					const batch = Array.from({ length: rng.chance(0.5) ? 1 : rng.range(2, 6) }, next);
					lastKinds = batch.map((m) => m.kind);
					for (const m of batch) {
						if (m.kind === 'edit + bad step 1') {
							ws.send(m.data);
							// a state vector that claims five entries and holds none
							ws.send(syncMsg(0, new Uint8Array([5])));
							tally.sent += 2;
						} else {
							ws.send(m.data);
							tally.sent++;
						}
						if (m.edit && !me.observer) tally.validEdits++;
						tally.byKind.set(m.kind, (tally.byKind.get(m.kind) ?? 0) + 1);
					}
					// A step 1 probe: its reply proves that everything before it was read.
					ws.send(syncMsg(0, new Uint8Array([0])));
					probes++;
					if (!(await until(() => replies >= probes || closedWith !== null, 4000))) {
						tally.hangs++;
						throw new Error(`worker ${index}: no reply and no close after ${lastKinds.join(', ')} (seed ${SEED})`);
					}
					if (closedWith === null) {
						// the server has everything this worker sent
						for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) serverSv.set(client, clock);
					}
				}
				if (closedWith !== null) {
					const key = `${String(closedWith).split(' ')[0]} ${lastKinds[lastKinds.length - 1]}`;
					tally.closes.set(key, (tally.closes.get(key) ?? 0) + 1);
					// Whatever of ours the server has, it tells us on the next greeting.
				} else ws.close();
				await until(() => closedWith !== null, 2000);
			}
			doc.destroy();
		}

		try {
			await Promise.all(fuzzers.map((_, i) => worker(i)));
		} finally {
			clearInterval(ticking);
		}
		const fuzzMs = Date.now() - started;

		// The honest providers were never disconnected, and Béla kept receiving Anna's edits.
		await waitFor(() => seenByBela === tick, 5000, `Béla to see tick ${tick} (has ${seenByBela})`);
		expect(drops).toEqual([]);
		expect(anna.provider.wsconnected && bela.provider.wsconnected).toBe(true);
		expect(tick).toBeGreaterThan(20);
		// Nobody took over their presence.
		await waitFor(
			() => {
				const seen = bela.provider.awareness.getStates().get(anna.provider.awareness.clientID) as { user?: { memberId?: string }; cursor?: string } | undefined;
				return seen?.cursor === 'anna' && seen.user?.memberId === honest[0].id;
			},
			3000,
			"Anna's presence intact at Béla"
		);
		expect(originalView()).toBe(expectedOriginal);

		// board_updates: every row written since the fuzz started is Anna's or a valid edit of a participant.
		const rows = await db.sql<{ seq: string; doc: string; data: Uint8Array }[]>`
			select u.seq::text as seq, u.doc, u.data from public.board_updates u where u.seq > ${seqBefore ?? 0} order by u.seq`;
		const replay = new Y.Doc();
		if (before.state) Y.applyUpdateV2(replay, before.state);
		for (const u of before.updates) Y.applyUpdate(replay, u);
		let annaRows = 0;
		let fuzzRows = 0;
		const participants = fuzzers.map((f, i) => ({ ...f, name: `Fuzzer ${i}` })).filter((f) => !f.observer);
		for (const row of rows) {
			expect(row.doc).toBe(docName);
			const update = new Uint8Array(row.data);
			const { structs, ds } = Y.decodeUpdate(update);
			const clients = new Set([...structs.map((s) => s.id.client), ...ds.clients.keys()]);
			for (const c of clients) expect(fuzzDocClients.observer.has(c), "an observer's edit was stored").toBe(false);
			if ([...clients].every((c) => c === anna.doc.clientID)) annaRows++;
			else {
				fuzzRows++;
				const verdicts = participants.map((f) => checkBoardUpdate(replay, update, { author: { memberId: f.id, name: f.name, organisation: 'Fuzz Ltd' } }));
				expect(
					verdicts.some((v) => v.ok),
					`row ${row.seq} is not a valid edit: ${JSON.stringify(verdicts)}`
				).toBe(true);
			}
			Y.applyUpdate(replay, update);
		}
		expect(fuzzRows).toBeLessThanOrEqual(tally.byKind.get('valid edit')! + tally.byKind.get('edit + bad step 1')! + tally.byKind.get('mutated update')!);
		// The log replays to the live document.
		expect(Buffer.from(Y.encodeStateVector(replay)).equals(Buffer.from(Y.encodeStateVector(anna.doc)))).toBe(true);

		// A fresh provider on the same server loads the board with its original content.
		const fresh1 = connectClient(server, docName, honest[1].cookie);
		await fresh1.synced;
		const view1 = readBoard(fresh1.doc);
		const onFresh = (doc: Y.Doc) => {
			const view = readBoard(doc);
			const cards = [...view.groups.flatMap((g) => g.cards), ...view.ungrouped].filter((c) => originals.includes(c.id));
			return JSON.stringify({
				cards: cards.sort((a, b) => a.id.localeCompare(b.id)),
				variants: view.variants,
				groups: view.groups.map((g) => ({ id: g.id, title: g.title }))
			});
		};
		expect(onFresh(fresh1.doc)).toBe(expectedOriginal);
		expect(cardsOf(fresh1.doc).get(ticker)?.get('text')?.toString()).toBe(`tick ${tick}`);
		const everything = JSON.stringify(view1);
		fresh1.destroy();
		anna.destroy();
		bela.destroy();

		// A brand-new sync server on the same database serves the same board.
		await server.close();
		server = await startSyncServer(db.sql, SERVER_OPTIONS);
		const fresh2: TestClient = connectClient(server, docName, honest[0].cookie);
		await fresh2.synced;
		expect(JSON.stringify(readBoard(fresh2.doc))).toBe(everything);
		expect(onFresh(fresh2.doc)).toBe(expectedOriginal);
		fresh2.destroy();

		const kinds = [...tally.byKind]
			.sort((a, b) => b[1] - a[1])
			.map(([k, n]) => `${k} ${n}`)
			.join(', ');
		const byCode = new Map<string, number>();
		for (const [key, n] of tally.closes) byCode.set(key.split(' ')[0], (byCode.get(key.split(' ')[0]) ?? 0) + n);
		const closes = [...byCode]
			.sort((a, b) => b[1] - a[1])
			.map(([k, n]) => `${k} ×${n}`)
			.join(', ');
		console.log(
			`[fuzz] seed ${SEED}: ${tally.sent} messages over ${tally.connections} connections in ${fuzzMs} ms (${kinds}); ` +
				`server closes by code: ${closes}; board_updates +${rows.length} (Anna ${annaRows}, valid fuzz edits ${fuzzRows} of ${tally.validEdits} sent intact); ` +
				`Béla saw ${tick} ticks; ${cardsOf(fresh2.doc).size} cards; result: OK`
		);
		expect(tally.sent).toBeGreaterThanOrEqual(MIN_MESSAGES);
	});
});
