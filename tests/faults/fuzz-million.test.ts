/**
 * A million fuzzed y-websocket messages against the real sync server (in this process, on its
 * own embedded Postgres), while an honest member keeps editing a board through a real provider.
 *
 * The messages come from fast-check arbitraries and from mutating messages captured from real
 * providers: valid sync steps and updates, truncated and bit-flipped ones, random bytes, huge
 * varuints, maps and XML elements nested thousands deep, messages over 1 MiB, compression
 * bombs (v1 structs and delete runs claiming billions of clocks, v2 run-length counts that
 * would expand thirty bytes into billions of structs) and awareness garbage. A message counts
 * only once the server has provably read it: each batch ends with a sync step 1 probe whose
 * reply proves that everything before it was processed, and a message that may close the
 * connection goes alone after that reply, followed by a probe of its own.
 *
 * The fuzzing clients run in a worker thread, so that the server in this thread has a core to
 * itself; their code is `protocolKit` and `fuzzClients` below, sent to the thread as source.
 *
 * Asserted: no unhandled error in the process, the server still accepts fresh connections,
 * RSS stays bounded and stops growing, the honest member was never disconnected, its content
 * (and every fuzzed document) loads from Postgres intact, every rule-breaking update was
 * refused (a writer's connection closed with the rule's code, a read-only one denied), and no
 * stored board or draft holds a root or key the board model does not know (readBoard would
 * skip them, so the view comparison alone would not see them).
 *
 * Reproduce with the printed seed: FUZZ_SEED=<seed> npx vitest run --project faults fuzz-million
 * Shorter runs: FUZZ_MESSAGES=50000 (the count assertion follows the target).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { connect, type Sql } from '#lib/server/db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '#lib/server/db/embedded.js';
import { migrate } from '#lib/server/db/migrate.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import type { SyncOptions } from '#lib/server/sync/sync-server.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import {
	CARD_KEYS,
	GROUP_KEYS,
	ROOTS,
	VARIANT_KEYS,
	addCard,
	addGroup,
	cardsOf,
	editCardText,
	ensureVariant,
	readBoard,
	setCardField
} from '#lib/domain/board/board-model.js';
import { readBoardControl, readSession, setPrivateBrainstorm } from '#lib/domain/workshop/control-model.js';
import { createWorkshop, joinWorkshop, type CreatedWorkshop } from '../integration/helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from '../integration/sync-helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 0x1d0c5eed) >>> 0;
const TARGET_MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 1_000_000);
/** The run stops here even short of the target (and then fails): CI has ~3 minutes for it. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 175_000);
/** One batch in this many ends with a message that may close the connection (a reconnect costs ~5 ms). */
const RISKY_EVERY = Number(process.env.FUZZ_RISKY_EVERY ?? 4);
const RSS_LIMIT = 1.5 * 1024 ** 3;
const MiB = 1024 * 1024;

type DocKind = 'board' | 'draft' | 'control';

// ── the protocol kit: used here and, from its source, by the fuzzing thread ──────
//
// Everything in protocolKit and fuzzClients comes from their parameters or from globals:
// their text is all the fuzzing thread gets.

type MutationOp = { op: number; at: number; value: number; bytes: Uint8Array; other: number; claim: number };
type SafePlan =
	| { t: 'step1'; fake: [number, number][]; trailing: Uint8Array; full: boolean }
	| { t: 'replay'; index: number }
	| { t: 'mutate'; index: number; ops: MutationOp[] }
	| { t: 'aw'; entries: { slot: number; state: number; remove: boolean }[] }
	| { t: 'awForeign'; ids: number[]; clock: number; state: number; honest: boolean }
	| { t: 'query'; trailing: Uint8Array }
	| { t: 'auth'; payload: Uint8Array }
	| { t: 'edit'; text: string };
type RiskyPlan =
	| { t: 'mutate'; index: number; ops: MutationOp[] }
	| { t: 'random'; bytes: Uint8Array; header: number }
	| { t: 'varuint'; variant: number; claim: number; tail: Uint8Array }
	| { t: 'rule'; index: number }
	| { t: 'deep'; index: number }
	| { t: 'big'; size: number; variant: number }
	| { t: 'bomb'; variant: number; claim: number; client: number; ranges: number }
	| { t: 'badAwareness'; variant: number; text: string; claim: number }
	| { t: 'frame'; variant: number; text: string; claim: number };
type BatchPlan = { safe: SafePlan[]; slot: number; risky: RiskyPlan; malformedFirst: boolean };

interface KitDeps {
	yjs: typeof import('yjs');
	lib0enc: typeof import('lib0/encoding');
	lib0dec: typeof import('lib0/decoding');
	fastCheck: typeof import('fast-check').default;
}

/** Message building, reading and the fast-check arbitraries that plan the fuzzing. */
function protocolKit({ yjs, lib0enc, lib0dec, fastCheck }: KitDeps) {
	const enc = (fn: (e: import('lib0/encoding').Encoder) => void) => {
		const e = lib0enc.createEncoder();
		fn(e);
		return lib0enc.toUint8Array(e);
	};
	const varuint = (n: number) => enc((e) => lib0enc.writeVarUint(e, n));
	const concat = (...parts: Uint8Array[]) => {
		const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
		let at = 0;
		for (const p of parts) {
			out.set(p, at);
			at += p.length;
		}
		return out;
	};
	const syncMsg = (subtype: number, payload: Uint8Array) =>
		enc((e) => {
			lib0enc.writeVarUint(e, 0);
			lib0enc.writeVarUint(e, subtype);
			lib0enc.writeVarUint8Array(e, payload);
		});
	const awarenessMsg = (payload: Uint8Array) =>
		enc((e) => {
			lib0enc.writeVarUint(e, 1);
			lib0enc.writeVarUint8Array(e, payload);
		});
	const awarenessPayload = (entries: { clientId: number; clock: number; state: string }[], count = entries.length) =>
		enc((e) => {
			lib0enc.writeVarUint(e, count);
			for (const x of entries) {
				lib0enc.writeVarUint(e, x.clientId);
				lib0enc.writeVarUint(e, x.clock);
				lib0enc.writeVarString(e, x.state);
			}
		});
	const stateVector = (entries: Iterable<[number, number]>) => {
		const list = [...entries];
		return enc((e) => {
			lib0enc.writeVarUint(e, list.length);
			for (const [client, clock] of list) {
				lib0enc.writeVarUint(e, client);
				lib0enc.writeVarUint(e, clock);
			}
		});
	};

	/**
	 * Whether the server answers this message with a sync step 2: exactly when it is a sync step 1
	 * whose state vector decodes (y-protocols' reading of the message). Counting these tells
	 * which reply is a batch's probe's.
	 */
	const answersWithStep2 = (data: Uint8Array | string): boolean => {
		if (typeof data === 'string') return false;
		try {
			const d = lib0dec.createDecoder(data);
			if (lib0dec.readVarUint(d) !== 0 || lib0dec.readVarUint(d) !== 0) return false;
			yjs.decodeStateVector(lib0dec.readVarUint8Array(d));
			return true;
		} catch {
			return false;
		}
	};

	/**
	 * Whether the server must keep the connection open for this message, judged by reading it as
	 * y-protocols defines the messages: a sync step 1 whose state vector decodes, awareness whose
	 * entries decode and whose states (up to the 4096 characters presence is read at) are JSON,
	 * auth and awareness queries; updates only from those who may not write (read-only: refused,
	 * not closed). Anything else may close it, and is sent alone, last in its batch.
	 */
	const wellFormed = (data: Uint8Array | string, writes: boolean): boolean => {
		if (typeof data === 'string') return false;
		try {
			const d = lib0dec.createDecoder(data);
			switch (lib0dec.readVarUint(d)) {
				case 0: {
					const subtype = lib0dec.readVarUint(d);
					const payload = lib0dec.readVarUint8Array(d);
					if (subtype === 0) yjs.decodeStateVector(payload);
					else if (subtype === 1 || subtype === 2) {
						if (writes) return false;
						yjs.decodeUpdate(payload);
					} else return false;
					return true;
				}
				case 1: {
					const a = lib0dec.createDecoder(lib0dec.readVarUint8Array(d));
					const count = lib0dec.readVarUint(a);
					for (let i = 0; i < count; i++) {
						lib0dec.readVarUint(a);
						lib0dec.readVarUint(a);
						const state = lib0dec.readVarString(a);
						if (state.length <= 4096) JSON.parse(state);
					}
					return true;
				}
				case 2:
				case 3:
					return true;
				default:
					return false;
			}
		} catch {
			return false;
		}
	};

	/**
	 * A Yjs v2 update whose run-length encoders repeat one GC struct `count` times: some thirty
	 * bytes that Y.applyUpdateV2 would expand into `count` structs (the compression bomb of the
	 * v2 format). The server reads client updates as v1 only; it must refuse these cheaply.
	 */
	const v2RleBomb = (count: number, client: number): Uint8Array => {
		const rle = (value: number, repeat: number) => concat(varuint(value), varuint(repeat - 1));
		// UintOptRle: a negative value announces a run length.
		const optRle = (value: number, repeat: number) =>
			concat(
				enc((e) => lib0enc.writeVarInt(e, -value)),
				varuint(repeat - 2)
			);
		return enc((e) => {
			lib0enc.writeVarUint(e, 0); // feature flag
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // key clocks
			lib0enc.writeVarUint8Array(e, optRle(client, count)); // clients
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // left clocks
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // right clocks
			lib0enc.writeVarUint8Array(e, rle(0, count)); // info: GC, repeated
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // strings
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // parent info
			lib0enc.writeVarUint8Array(e, new Uint8Array(0)); // type refs
			lib0enc.writeVarUint8Array(e, optRle(1, count)); // lengths: 1, repeated
			lib0enc.writeVarUint(e, 1); // one client
			lib0enc.writeVarUint(e, count); // structs
			lib0enc.writeVarUint(e, client);
			lib0enc.writeVarUint(e, 0); // clock
			lib0enc.writeVarUint(e, 0); // empty delete set
		});
	};

	/** v1 structs that claim huge clock ranges: GC (`count` of them), Skip, or a deleted item of length `len`. */
	const v1HugeStruct = (kind: 'gc' | 'skip' | 'deleted', client: number, len: number, root = 'cards', count = 1): Uint8Array =>
		enc((e) => {
			lib0enc.writeVarUint(e, 1);
			lib0enc.writeVarUint(e, kind === 'gc' ? count : 1);
			lib0enc.writeVarUint(e, client);
			lib0enc.writeVarUint(e, 0);
			if (kind === 'gc') {
				for (let i = 0; i < count; i++) {
					lib0enc.writeUint8(e, 0);
					lib0enc.writeVarUint(e, len);
				}
			} else if (kind === 'skip') {
				lib0enc.writeUint8(e, 10);
				lib0enc.writeVarUint(e, len);
			} else {
				// an item under a root, with a key, content: `len` deleted clocks
				lib0enc.writeUint8(e, 1 | 0x20);
				lib0enc.writeVarUint(e, 1);
				lib0enc.writeVarString(e, root);
				lib0enc.writeVarString(e, `k${client}`);
				lib0enc.writeVarUint(e, len);
			}
			lib0enc.writeVarUint(e, 0);
		});

	/** A v1 update that claims `structs` structs and deletes `ranges` runs of `len` clocks of `client`. */
	const v1DeleteRun = (client: number, ranges: number, len: number, structs = 0): Uint8Array =>
		enc((e) => {
			lib0enc.writeVarUint(e, structs);
			lib0enc.writeVarUint(e, 1);
			lib0enc.writeVarUint(e, client);
			lib0enc.writeVarUint(e, ranges);
			for (let i = 0, clock = 0; i < ranges; i++, clock += len + 1) {
				lib0enc.writeVarUint(e, clock);
				lib0enc.writeVarUint(e, len);
			}
		});

	const mutate = (base: Uint8Array, ops: MutationOp[], corpus: Uint8Array[]): Uint8Array => {
		let b = base;
		for (const o of ops) {
			const at = Math.floor(o.at * (b.length + 1));
			switch (o.op) {
				case 0: // flip a bit
					if (b.length) (b = b.slice())[Math.min(at, b.length - 1)] ^= 1 << (o.value % 8);
					break;
				case 1: // set a byte
					if (b.length) (b = b.slice())[Math.min(at, b.length - 1)] = o.value;
					break;
				case 2: // truncate
					b = b.slice(0, at);
					break;
				case 3: // insert bytes
					b = concat(b.subarray(0, at), o.bytes, b.subarray(at));
					break;
				case 4: // cut a piece out
					b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + (o.value % 16))));
					break;
				case 5: // duplicate a piece
					b = concat(b.subarray(0, at), b.subarray(at, at + 1 + (o.value % 32)), b.subarray(at));
					break;
				case 6: // a varuint claiming a huge length or count
					b = concat(b.subarray(0, at), varuint(o.claim), b.subarray(at));
					break;
				case 7: {
					// crossover with another captured message
					const other = corpus[o.other % corpus.length];
					b = concat(b.subarray(0, at), other.subarray(Math.floor(o.at * other.length)));
					break;
				}
				default:
					// re-wrapped as the payload of another message
					b = o.value % 2 ? syncMsg(o.value % 3, b) : awarenessMsg(b);
			}
		}
		return b;
	};

	// fast-check arbitraries: plans, made into bytes by the connection that sends them.
	type Arb<T> = import('fast-check').Arbitrary<T>;
	const u32 = fastCheck.tuple(fastCheck.nat(0xffff), fastCheck.nat(0xffff)).map(([h, l]) => h * 0x10000 + l);
	/** Lengths and counts at the edges: 7- and 14-bit boundaries, 2^31, 2^32, 2^53, past 2^53. */
	const claim = fastCheck.constantFrom(
		0x7f,
		0x80,
		0x3fff,
		0x4000,
		1 << 20,
		0x7fffffff,
		0xffffffff,
		2 ** 32,
		2 ** 40,
		2 ** 53 - 1,
		7 * 2 ** 53,
		2 ** 56 - 2 ** 49
	);
	const position = fastCheck.nat(999_999).map((n) => n / 1_000_000);
	const mutationOp: Arb<MutationOp> = fastCheck.record({
		op: fastCheck.nat(8),
		at: position,
		value: fastCheck.nat(255),
		bytes: fastCheck.uint8Array({ minLength: 1, maxLength: 16 }),
		other: fastCheck.nat(),
		claim
	});
	const safePlan: Arb<SafePlan> = fastCheck.oneof(
		{
			weight: 5,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('step1' as const),
				fake: fastCheck.array(fastCheck.tuple(u32, fastCheck.nat(5000)), { maxLength: 3 }),
				trailing: fastCheck.uint8Array({ maxLength: 8 }),
				full: fastCheck.nat(99).map((n) => n < 2)
			})
		},
		{ weight: 14, arbitrary: fastCheck.record({ t: fastCheck.constant('replay' as const), index: fastCheck.nat() }) },
		{
			weight: 28,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('mutate' as const),
				index: fastCheck.nat(),
				ops: fastCheck.array(mutationOp, { minLength: 1, maxLength: 3 })
			})
		},
		{
			weight: 12,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('aw' as const),
				entries: fastCheck.array(fastCheck.record({ slot: fastCheck.nat(3), state: fastCheck.nat(), remove: fastCheck.nat(19).map((n) => n === 0) }), {
					minLength: 1,
					maxLength: 4
				})
			})
		},
		{
			weight: 6,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('awForeign' as const),
				ids: fastCheck.array(u32, { minLength: 1, maxLength: 3 }),
				clock: fastCheck.nat(3),
				state: fastCheck.nat(),
				honest: fastCheck.boolean()
			})
		},
		{ weight: 3, arbitrary: fastCheck.record({ t: fastCheck.constant('query' as const), trailing: fastCheck.uint8Array({ maxLength: 16 }) }) },
		{ weight: 10, arbitrary: fastCheck.record({ t: fastCheck.constant('auth' as const), payload: fastCheck.uint8Array({ maxLength: 48 }) }) },
		{
			weight: 1,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('edit' as const),
				text: fastCheck.oneof(
					fastCheck.string({ maxLength: 120 }),
					fastCheck.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u0000\u202e', '𝕏'.repeat(50))
				)
			})
		}
	);
	const riskyPlan: Arb<RiskyPlan> = fastCheck.oneof(
		{
			weight: 20,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('mutate' as const),
				index: fastCheck.nat(),
				ops: fastCheck.array(mutationOp, { minLength: 1, maxLength: 4 })
			})
		},
		{
			weight: 10,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('random' as const),
				bytes: fastCheck.oneof(
					{ weight: 9, arbitrary: fastCheck.uint8Array({ maxLength: 64 }) },
					{ weight: 1, arbitrary: fastCheck.uint8Array({ minLength: 64, maxLength: 4096 }) }
				),
				header: fastCheck.nat(3)
			})
		},
		{
			weight: 8,
			arbitrary: fastCheck.record({ t: fastCheck.constant('varuint' as const), variant: fastCheck.nat(9), claim, tail: fastCheck.uint8Array({ maxLength: 8 }) })
		},
		{ weight: 10, arbitrary: fastCheck.record({ t: fastCheck.constant('rule' as const), index: fastCheck.nat() }) },
		{ weight: 3, arbitrary: fastCheck.record({ t: fastCheck.constant('deep' as const), index: fastCheck.nat() }) },
		{
			weight: 1,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('big' as const),
				size: fastCheck.integer({ min: 1024 * 1024 - 16, max: 4 * 1024 * 1024 }),
				variant: fastCheck.nat(2)
			})
		},
		{
			weight: 10,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('bomb' as const),
				variant: fastCheck.nat(7),
				claim,
				client: u32,
				ranges: fastCheck.integer({ min: 1, max: 20_000 })
			})
		},
		{
			weight: 8,
			arbitrary: fastCheck.record({
				t: fastCheck.constant('badAwareness' as const),
				variant: fastCheck.nat(5),
				text: fastCheck.string({ maxLength: 40 }),
				claim
			})
		},
		{
			weight: 5,
			arbitrary: fastCheck.record({ t: fastCheck.constant('frame' as const), variant: fastCheck.nat(4), text: fastCheck.string({ maxLength: 40 }), claim })
		}
	);
	const batchPlan = (riskyEvery: number): Arb<BatchPlan> =>
		fastCheck.record({
			safe: fastCheck.array(safePlan, { minLength: 24, maxLength: 160 }),
			slot: fastCheck.nat(riskyEvery - 1),
			risky: riskyPlan,
			/** Spend the slot on a mutation that came out malformed rather than on `risky`. */
			malformedFirst: fastCheck.boolean()
		});

	/** Awareness states: fast-check JSON, plus shapes that have broken presence code elsewhere. */
	const awarenessStates = (seed: number): string[] => {
		const objects = fastCheck
			.sample(fastCheck.dictionary(fastCheck.string({ maxLength: 12 }), fastCheck.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { seed, numRuns: 400 })
			.map((o) => JSON.stringify(o));
		const others = fastCheck.sample(fastCheck.jsonValue({ maxDepth: 2 }), { seed: seed + 1, numRuns: 60 }).map((v) => JSON.stringify(v) ?? 'null');
		const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
		return [
			...objects,
			...others,
			deep(700),
			'['.repeat(2000) + ']'.repeat(2000),
			'{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
			JSON.stringify({ user: { name: 'Mallory', memberId: '00000000-0000-4000-8000-000000000000', role: 'facilitator' } }),
			JSON.stringify({ cursor: 'x'.repeat(4090) }),
			JSON.stringify({ blob: 'y'.repeat(5000) }),
			JSON.stringify({ blob: 'z'.repeat(300_000) })
		];
	};

	return {
		enc,
		varuint,
		concat,
		syncMsg,
		awarenessMsg,
		awarenessPayload,
		stateVector,
		answersWithStep2,
		wellFormed,
		v2RleBomb,
		v1HugeStruct,
		v1DeleteRun,
		mutate,
		batchPlan,
		awarenessStates
	};
}

const kit = protocolKit({ yjs: Y, lib0enc: encoding, lib0dec: decoding, fastCheck: fc });
const { enc, syncMsg } = kit;

// ── the fuzzing clients (their own thread) ────────────────────────────────────

/** One fuzzing connection slot: who connects where, reconnecting whenever the server closes it. */
interface ClientTarget {
	docName: string;
	kind: DocKind;
	cookie: string;
	memberId: string;
	/** As the member row has them: a valid edit's card is signed with exactly these. */
	name: string;
	organisation: string;
	role: string;
	writes: boolean;
}

interface ClientInput {
	url: string;
	targets: ClientTarget[];
	/** Messages captured from real providers, per document; the material mutations start from. */
	corpus: [string, Uint8Array[]][];
	/** Per target: updates that decode but break the document's rules. */
	rules: Uint8Array[][];
	/** Per target and rule: the update reads (as v1) as one with no structs and no deletions. */
	emptyRules: boolean[][];
	/** Per document kind: chains nested thousands deep. */
	deep: [DocKind, Uint8Array[]][];
	/** A well-formed update a little over the 1 MiB limit, in a message under the socket's limit. */
	overLimit: Uint8Array;
	/** Clients in the documents that no fuzzed deletion may aim at: the honest members'. */
	protectedClients: number[];
	/** Client ids known to be in each document, so that a probe's state vector asks for nothing. */
	known: [string, number[]][];
	honestAwarenessId: number;
	seed: number;
	target: number;
	deadline: number;
	riskyEvery: number;
	/** The kinds of RULE_BREAKING (the thread gets no module constants). */
	ruleBreaking: string[];
}

interface ClientResult {
	messages: number;
	probes: number;
	connections: number;
	edits: number;
	denied: number;
	byKind: [string, number][];
	closes: [string, number][];
	/** Rule-breaking updates by kind, sender (writer, read-only) and what the server did: "closed <code>", "denied", or "accepted". */
	refusals: [string, number][];
	/** Connections closed by a message that was meant never to close them, and which one it was. */
	unexpected: string[];
}

/**
 * The updates that break the documents' rules, and the close code a writer gets for each
 * (update-rules.ts: 4403 refused, 4413 too large). 4429 (too many updates) is a refusal too:
 * the update is not even read. A read-only connection is denied, not closed.
 */
const RULE_BREAKING: Record<string, string> = { 'rule-breaking update': '4403', 'deeply nested update': '4403', 'oversized update': '4413' };

/**
 * The fuzzing clients: one provider-shaped connection per target, each sending batches of
 * planned messages and reconnecting whenever the server closes it, until `target` messages
 * were read or the deadline passed. Runs in a worker thread from this function's source.
 */
async function fuzzClients(req: (id: string) => unknown, input: ClientInput, makeKit: typeof protocolKit): Promise<ClientResult> {
	const yjs = req('yjs') as typeof import('yjs');
	const lib0dec = req('lib0/decoding') as typeof import('lib0/decoding');
	const fcModule = req('fast-check') as typeof import('fast-check') & { default?: typeof import('fast-check').default };
	const fastCheck = (fcModule.default ?? fcModule) as typeof import('fast-check').default;
	const WS = req('ws') as typeof import('ws').default;
	const k = makeKit({ yjs, lib0enc: req('lib0/encoding') as typeof import('lib0/encoding'), lib0dec, fastCheck });

	type Msg = { kind: string; data: Uint8Array | string };
	const tally = {
		messages: 0,
		probes: 0,
		connections: 0,
		edits: 0,
		denied: 0,
		byKind: new Map<string, number>(),
		closes: new Map<string, number>(),
		refusals: new Map<string, number>(),
		unexpected: [] as string[]
	};
	const ruleBreaking = new Set(input.ruleBreaking);
	const count = (kind: string) => tally.byKind.set(kind, (tally.byKind.get(kind) ?? 0) + 1);
	const done = () => tally.messages >= input.target || Date.now() > input.deadline;
	const corpus = new Map(input.corpus);
	const corpusAll = input.corpus.flatMap(([, list]) => list);
	// The captured messages that are not updates: state vectors, presence.
	const corpusReads = corpusAll.filter((m) => !(m[0] === 0 && m[1] !== 0));
	const deep = new Map(input.deep);
	const states = k.awarenessStates(input.seed);
	const noise = new Uint8Array(4 * 1024 * 1024).map((_, i) => Math.imul(i, 2654435761) >>> 24);
	const protectedClients = new Set(input.protectedClients);
	const knownClients = new Map(input.known.map(([name, ids]) => [name, new Set(ids)]));
	const known = (docName: string) => {
		let set = knownClients.get(docName);
		if (!set) knownClients.set(docName, (set = new Set()));
		return set;
	};
	/** A step 1 that asks for nothing new: the probe whose reply proves a batch was read. */
	const probe = (docName: string) => k.syncMsg(0, k.stateVector([...known(docName)].map((c) => [c, Number.MAX_SAFE_INTEGER] as [number, number])));

	/** What a websocket client sees of one connection: replies counted, closes and greetings kept. */
	class FuzzSocket {
		readonly ws: import('ws').default;
		replies = 0;
		denied = 0;
		closed: string | null = null;
		greeting: Map<number, number> | null = null;
		#wake: (() => void) | null = null;

		constructor(url: string, cookie: string) {
			this.ws = new WS(url, { headers: { cookie }, perMessageDeflate: false });
			this.ws.binaryType = 'nodebuffer';
			this.ws.on('message', (data: Buffer) => {
				if (data[0] === 0 && data[1] === 1) this.replies++;
				else if (data[0] === 0 && data[1] === 0 && this.greeting === null) {
					const d = lib0dec.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
					lib0dec.readVarUint(d);
					lib0dec.readVarUint(d);
					this.greeting = yjs.decodeStateVector(lib0dec.readVarUint8Array(d));
				} else if (data[0] === 2) this.denied++;
				this.#wake?.();
			});
			this.ws.on('close', (code: number, reason: Buffer) => {
				this.closed ??= `${code} ${reason.toString()}`;
				this.#wake?.();
			});
			this.ws.on('unexpected-response', (_request: unknown, response: import('node:http').IncomingMessage) => {
				this.closed ??= `upgrade refused ${response.statusCode}`;
				response.resume();
				this.#wake?.();
			});
			this.ws.on('error', () => {});
		}

		send(data: Uint8Array | string): void {
			if (this.ws.readyState === WS.OPEN) this.ws.send(data, { binary: typeof data !== 'string' });
		}

		/** Sends what `fn` sends in as few TCP segments as the socket allows (one write per batch, not per frame). */
		corked(fn: () => void): void {
			const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
			socket?.cork();
			try {
				fn();
			} finally {
				socket?.uncork();
			}
		}

		/** Waits (event-driven) until `cond` holds; false after `ms`. */
		async until(cond: () => boolean, ms: number): Promise<boolean> {
			const limit = Date.now() + ms;
			while (!cond() && Date.now() < limit) {
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, Math.max(1, limit - Date.now()));
					this.#wake = () => {
						clearTimeout(timer);
						resolve();
					};
				});
				this.#wake = null;
			}
			return cond();
		}

		async connected(): Promise<boolean> {
			await this.until(() => this.greeting !== null || this.closed !== null, 15_000);
			return this.greeting !== null;
		}
	}

	/** Which of `messages` closes a connection on its own (each sent alone, on a new connection). */
	async function culprit(t: ClientTarget, messages: Msg[]): Promise<string> {
		for (const m of messages) {
			const conn = new FuzzSocket(`${input.url}/${t.docName}`, t.cookie);
			await conn.connected();
			conn.send(m.data);
			conn.send(probe(t.docName));
			const expected = 1 + (k.answersWithStep2(m.data) ? 1 : 0);
			await conn.until(() => conn.replies >= expected || conn.closed !== null, 10_000);
			const closed = conn.closed;
			conn.ws.close();
			if (closed !== null) return `${m.kind} (${typeof m.data === 'string' ? m.data : Buffer.from(m.data.subarray(0, 48)).toString('hex')}…)`;
		}
		return `one of ${[...new Set(messages.map((m) => m.kind))].join(', ')} (none alone)`;
	}

	async function worker(index: number, t: ClientTarget): Promise<void> {
		let chunk = 0;
		let plans: BatchPlan[] = [];
		const arbitrary = k.batchPlan(input.riskyEvery);
		const nextPlan = (): BatchPlan => {
			if (plans.length === 0) plans = fastCheck.sample(arbitrary, { seed: (input.seed + index * 1_000_003 + chunk++ * 7919) >>> 0, numRuns: 32 });
			return plans.pop()!;
		};
		// This slot's own edits, kept across reconnects like a provider's document.
		const doc = new yjs.Doc();
		protectedClients.add(doc.clientID);
		for (const name of knownClients.keys()) known(name).add(doc.clientID);
		const outbox: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => outbox.push(update));
		let card: string | null = null;
		const replays = corpus.get(t.docName) ?? corpusAll;
		const rules = input.rules[index];

		/** A valid edit of this slot's own card (board, draft) or session key (control). */
		const edit = (text: string): Uint8Array => {
			doc.transact(() => {
				if (t.kind === 'control') doc.getMap('session').set(`fuzz-${index}`, text);
				else if (card === null) {
					card = crypto.randomUUID();
					const map = new yjs.Map<unknown>();
					const ytext = new yjs.Text();
					ytext.insert(0, text);
					map.set('text', ytext);
					map.set('author', t.memberId);
					map.set('authorName', t.name);
					map.set('organisation', t.organisation);
					map.set('colour', 'yellow');
					map.set('group', '');
					map.set('order', 1);
					map.set('createdAt', Date.now());
					doc.getMap('cards').set(card, map);
				} else {
					const ytext = (doc.getMap('cards').get(card) as import('yjs').Map<unknown>).get('text') as import('yjs').Text;
					ytext.delete(0, ytext.length);
					ytext.insert(0, text);
				}
			});
			const updates = outbox.splice(0);
			// (an edit that changes nothing is an empty update: no structs, no deletions)
			return k.syncMsg(2, updates.length === 0 ? new Uint8Array([0, 0]) : updates.length === 1 ? updates[0] : yjs.mergeUpdates(updates));
		};

		while (!done()) {
			const conn = new FuzzSocket(`${input.url}/${t.docName}`, t.cookie);
			tally.connections++;
			if (!(await conn.connected())) throw new Error(`slot ${index} (${t.docName}): no greeting (${conn.closed ?? 'timeout'})`);
			for (const client of conn.greeting!.keys()) known(t.docName).add(client);
			const awareness = { ids: [0, 1, 2, 3].map(() => (Math.random() * 0xffffffff) >>> 0), clocks: [0, 0, 0, 0] };
			const stateOf = (i: number) => states[i % states.length];

			const safeMessage = (p: SafePlan): Msg => {
				switch (p.t) {
					case 'step1': {
						const entries: [number, number][] = p.full ? [] : [...known(t.docName)].map((c) => [c, Number.MAX_SAFE_INTEGER]);
						return {
							kind: p.full ? 'sync step 1 (whole document)' : 'sync step 1',
							data: k.concat(k.syncMsg(0, k.stateVector([...entries, ...p.fake])), p.trailing)
						};
					}
					case 'replay':
						return { kind: 'captured message, replayed', data: replays[p.index % replays.length] };
					case 'mutate': {
						// Writers are closed on any refused update: mutate what they may get wrong and stay.
						const bases = t.writes ? corpusReads : corpusAll;
						return { kind: 'mutated captured message', data: k.mutate(bases[p.index % bases.length], p.ops, corpusAll) };
					}
					case 'aw': {
						const entries = p.entries.map((e) => ({
							clientId: awareness.ids[e.slot],
							clock: ++awareness.clocks[e.slot],
							state: e.remove ? 'null' : stateOf(e.state)
						}));
						return { kind: 'awareness', data: k.awarenessMsg(k.awarenessPayload(entries)) };
					}
					case 'awForeign': {
						const ids = p.honest ? [input.honestAwarenessId] : p.ids;
						return {
							kind: p.honest ? 'awareness for the honest member' : 'awareness for other ids',
							data: k.awarenessMsg(k.awarenessPayload(ids.map((clientId) => ({ clientId, clock: p.clock, state: stateOf(p.state) }))))
						};
					}
					case 'query':
						return { kind: 'query awareness', data: k.concat(new Uint8Array([3]), p.trailing) };
					case 'auth':
						return { kind: 'auth', data: k.concat(new Uint8Array([2]), p.payload) };
					case 'edit':
						if (t.writes) tally.edits++;
						return { kind: t.writes ? 'valid edit' : 'edit without write access', data: edit(p.text) };
				}
			};

			const riskyMessage = (p: RiskyPlan): Msg => {
				switch (p.t) {
					case 'mutate':
						return { kind: 'mutated captured message', data: k.mutate(corpusAll[p.index % corpusAll.length], p.ops, corpusAll) };
					case 'random': {
						const header = [[], [0, 2], [0, 1], [1]][p.header];
						return { kind: 'random bytes', data: header.length ? k.concat(new Uint8Array(header), k.varuint(p.bytes.length), p.bytes) : p.bytes };
					}
					case 'varuint': {
						const cases: (() => Uint8Array)[] = [
							() => k.concat(new Uint8Array([0, p.variant % 3]), k.varuint(p.claim), p.tail),
							() => k.concat(new Uint8Array([1]), k.varuint(p.claim), p.tail),
							() => k.awarenessMsg(k.concat(k.varuint(p.claim), p.tail)),
							() => k.awarenessMsg(k.concat(k.varuint(1), k.varuint(p.claim), k.varuint(1), k.varuint(p.claim), p.tail)),
							() => new Uint8Array(Array.from({ length: 9 + (p.claim % 32) }, () => 0xff)),
							() => new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0]),
							() => k.syncMsg(2, k.concat(k.varuint(p.claim), p.tail)),
							() => k.syncMsg(2, k.concat(k.varuint(1), k.varuint(p.claim), k.varuint(p.claim), k.varuint(0))),
							() => k.syncMsg(0, k.concat(k.varuint(p.claim), p.tail)),
							() => k.syncMsg(0, k.concat(k.varuint(1), k.varuint(p.claim), k.varuint(p.claim)))
						];
						return { kind: 'huge varuint', data: cases[p.variant % cases.length]() };
					}
					case 'rule': {
						const i = p.index % rules.length;
						// (a v2 update may read as an empty v1 one: the server reads nothing and applies nothing)
						return {
							kind: input.emptyRules[index][i] ? 'rule-breaking update that reads as nothing' : 'rule-breaking update',
							data: k.syncMsg(p.index % 2 ? 1 : 2, rules[i])
						};
					}
					case 'deep': {
						const pool = deep.get(t.kind)!;
						return { kind: 'deeply nested update', data: k.syncMsg(2, pool[p.index % pool.length]) };
					}
					case 'big':
						if (p.variant === 0) return { kind: 'oversized message', data: noise.subarray(0, p.size) };
						if (p.variant === 1) return { kind: 'oversized update', data: input.overLimit };
						return {
							kind: 'oversized awareness',
							data: k.awarenessMsg(
								k.awarenessPayload([{ clientId: awareness.ids[0], clock: ++awareness.clocks[0], state: JSON.stringify({ blob: 'b'.repeat(p.size) }) }])
							)
						};
					case 'bomb': {
						const len = Math.max(1, p.claim);
						// deletions aim at captured content or at nobody, never at the honest members
						const victims = [...known(t.docName)].filter((c) => !protectedClients.has(c));
						const victim = victims.length && p.ranges % 2 ? victims[p.ranges % victims.length] : p.client;
						const bombs: (() => Uint8Array)[] = [
							() => k.syncMsg(2, k.v2RleBomb(Math.min(len, 2 ** 31), p.client)),
							() => k.syncMsg(1, k.v2RleBomb(Math.min(len, 2 ** 31), p.client)),
							() => k.syncMsg(2, k.v1HugeStruct('gc', p.client, len, '', 1 + (p.ranges % 3))),
							() => k.syncMsg(2, k.v1HugeStruct('skip', p.client, len)),
							() => k.syncMsg(2, k.v1HugeStruct('deleted', p.client, len, t.kind === 'control' ? 'session' : 'cards')),
							() => k.syncMsg(2, k.v1DeleteRun(victim, p.ranges, 1 + (len % 7))),
							() => k.syncMsg(2, k.v1DeleteRun(p.client, 1, len, 0xffffffff)),
							() => k.syncMsg(2, k.concat(k.varuint(1), k.varuint(len), k.varuint(p.client), k.varuint(0)))
						];
						return { kind: 'compression bomb', data: bombs[p.variant % bombs.length]() };
					}
					case 'badAwareness': {
						const id = (Math.random() * 0xffffffff) >>> 0;
						const bad = ['{', 'undefined', "{'a':1}", 'NaN', '{"a":1}}', '', p.text];
						const cases: (() => Uint8Array)[] = [
							() => k.awarenessMsg(k.awarenessPayload([{ clientId: id, clock: 1, state: bad[p.claim % bad.length] }])),
							() => k.awarenessMsg(k.awarenessPayload([{ clientId: id, clock: 1, state: '{}' }], 2 + (p.claim % 60))),
							() => k.awarenessMsg(k.awarenessPayload([{ clientId: id, clock: 1, state: '{"cursor":1}' }]).subarray(0, 6)),
							() => k.awarenessMsg(k.concat(k.varuint(1), k.varuint(id), k.varuint(1), k.varuint(p.claim), new Uint8Array([0x7b]))),
							() => k.awarenessMsg(k.varuint(p.claim)),
							() => k.awarenessMsg(k.awarenessPayload([{ clientId: id, clock: p.claim, state: '{"cursor":2}' }]))
						];
						return { kind: 'awareness garbage', data: cases[p.variant % cases.length]() };
					}
					case 'frame': {
						const cases: (() => Uint8Array | string)[] = [
							() => p.text || 'text',
							() => new Uint8Array(0),
							() => k.concat(k.varuint(4 + (p.claim % 1000)), new Uint8Array([0, 1])),
							() => k.concat(new Uint8Array([0]), k.varuint(3 + (p.claim % 1000)), k.varuint(0)),
							() => k.concat(new Uint8Array([3]), k.varuint(p.claim))
						];
						return { kind: 'unknown or empty frame', data: cases[p.variant % cases.length]() };
					}
				}
			};

			let expected = 0;
			let first = true;
			while (conn.closed === null && !done()) {
				const plan = nextPlan();
				const safe: Msg[] = [];
				let malformed: Msg | null = null;
				for (const p of plan.safe) {
					const m = safeMessage(p);
					if (p.t !== 'mutate') safe.push(m);
					else if (k.wellFormed(m.data, t.writes)) safe.push({ kind: 'mutated captured message, well-formed', data: m.data });
					else malformed ??= { kind: 'mutated captured message, malformed', data: m.data };
				}
				if (first && t.writes) {
					// What a provider does on (re)connecting: send what the server lacks of our document.
					safe.unshift({ kind: 'sync step 2 on connect', data: k.syncMsg(1, yjs.encodeStateAsUpdate(doc, k.stateVector(conn.greeting!))) });
					outbox.length = 0;
				}
				first = false;
				// (malformed mutations that find no slot are dropped: never sent, never counted)
				const risky = plan.slot !== 0 ? null : plan.malformedFirst && malformed ? malformed : riskyMessage(plan.risky);
				conn.corked(() => {
					for (const m of safe) {
						conn.send(m.data);
						if (k.answersWithStep2(m.data)) expected++;
					}
					conn.send(probe(t.docName));
				});
				expected++;
				// The probe's reply proves the batch was read. It must arrive before anything that may
				// close the connection is sent: a reply that waits for a commit is dropped on close.
				if (!(await conn.until(() => conn.replies >= expected || conn.closed !== null, 30_000))) {
					throw new Error(`slot ${index} (${t.docName}): no reply and no close after ${safe.map((m) => m.kind).join(', ')} (seed ${input.seed})`);
				}
				if (conn.replies < expected) {
					tally.unexpected.push(`${t.docName} ${t.role}: closed ${conn.closed} by ${await culprit(t, safe)}`);
					break;
				}
				tally.messages += safe.length;
				tally.probes++;
				for (const m of safe) count(m.kind);
				if (!risky) continue;
				const deniedBefore = conn.denied;
				conn.send(risky.data);
				if (k.answersWithStep2(risky.data)) expected++;
				conn.send(probe(t.docName));
				expected++;
				if (!(await conn.until(() => conn.replies >= expected || conn.closed !== null, 30_000))) {
					throw new Error(`slot ${index} (${t.docName}): no reply and no close after ${risky.kind} (seed ${input.seed})`);
				}
				tally.messages++;
				count(risky.kind);
				const open = conn.replies >= expected;
				if (open) tally.probes++;
				else {
					const key = `${conn.closed!.split(' ')[0]} ${risky.kind}`;
					tally.closes.set(key, (tally.closes.get(key) ?? 0) + 1);
				}
				if (ruleBreaking.has(risky.kind)) {
					// (a permission-denied answer is sent at once, before the probe's reply)
					const outcome = !open ? `closed ${conn.closed!.split(' ')[0]}` : conn.denied > deniedBefore ? 'denied' : 'accepted';
					const key = `${risky.kind}, ${t.writes ? 'writer' : 'read-only'}: ${outcome}`;
					tally.refusals.set(key, (tally.refusals.get(key) ?? 0) + 1);
				}
			}
			tally.denied += conn.denied;
			if (conn.closed === null) {
				conn.ws.close(1000, 'done');
				await conn.until(() => conn.closed !== null, 2000);
			}
		}
		doc.destroy();
	}

	await Promise.all(input.targets.map((t, i) => worker(i, t)));
	return { ...tally, byKind: [...tally.byKind], closes: [...tally.closes], refusals: [...tally.refusals] };
}

/** Runs fuzzClients in a worker thread, from the source of protocolKit and fuzzClients. */
function runFuzzClients(input: ClientInput): Promise<ClientResult> {
	const source = [
		"const { parentPort, workerData } = require('node:worker_threads');",
		`const protocolKit = ${protocolKit.toString()};`,
		`const fuzzClients = ${fuzzClients.toString()};`,
		'fuzzClients(require, workerData, protocolKit).then(',
		'\t(result) => parentPort.postMessage({ result }),',
		'\t(error) => parentPort.postMessage({ error: String((error && error.stack) || error) })',
		');'
	].join('\n');
	const worker = new Worker(source, { eval: true, workerData: input });
	return new Promise<ClientResult>((resolve, reject) => {
		worker.on('message', (m: { result?: ClientResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
		worker.on('error', reject);
		worker.on('exit', (code) => reject(new Error(`the fuzzing thread exited (${code}) without a result`)));
	}).finally(() => void worker.terminate());
}

// ── the world ─────────────────────────────────────────────────────────────────

let pg: EmbeddedDatabase;
let dataDir: string;
let sql: Sql;
let server: TestSyncServer;
let workshop: CreatedWorkshop;
let boardA: string;
let boardB: string;
const serverLog: string[] = [];
const processErrors: unknown[] = [];
const onProcessError = (error: unknown) => processErrors.push(error);

interface Member {
	id: string;
	/** As the member row has them: what the member's cards must be signed with. */
	name: string;
	organisation: string;
	cookie: string;
	role: 'facilitator' | 'participant' | 'observer';
}
let facilitator: Member;
let honest: Member;
let watcher: Member;
const fuzzMembers: Member[] = [];

/**
 * The sync server's options: the defaults, so that compaction and unloading run under fuzz —
 * but for the update rate, which has its own test (sync-update-rate.test.ts): a fuzzing
 * connection sends far more than any person, and 4429 would close it after any message.
 */
const serverOptions = (): Partial<SyncOptions> => ({
	updateBurst: 1e9,
	updatesPerSecond: 1e9,
	log: (message, error) => serverLog.push(`${message} ${error instanceof Error ? error.stack : (error ?? '')}`)
});

async function member(name: string, role: Member['role']): Promise<Member> {
	const { member_id } = await joinWorkshop(sql, workshop.join_code, name, `${name} Ltd`, role === 'facilitator' ? 'participant' : role);
	return { id: member_id, name, organisation: `${name} Ltd`, role, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id, role) };
}

beforeAll(async () => {
	process.on('uncaughtException', onProcessError);
	process.on('unhandledRejection', onProcessError);
	// As root, embedded Postgres runs as `postgres`, which must be able to enter the directory.
	dataDir = await mkdtemp(path.join(tmpdir(), 'roundtable-fuzz-'));
	await chmod(dataDir, 0o755);
	pg = await startEmbeddedPostgres({ dataDir, persistent: false });
	sql = connect(pg.url, { max: 20 });
	await migrate(sql, { seed: false });
	workshop = await createWorkshop(sql);
	[{ id: boardA }, { id: boardB }] = await sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position`;
	server = await startSyncServer(sql, serverOptions());
	facilitator = {
		id: workshop.member_id,
		name: 'Facilitator',
		organisation: '',
		role: 'facilitator',
		cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, workshop.member_id, 'facilitator')
	};
	honest = await member('Anna', 'participant');
	watcher = await member('Béla', 'participant');
	for (let i = 0; i < 8; i++) fuzzMembers.push(await member(`Fuzzer ${i}`, i < 6 ? 'participant' : 'observer'));
});

afterAll(async () => {
	process.off('uncaughtException', onProcessError);
	process.off('unhandledRejection', onProcessError);
	await server?.close();
	await sql?.end({ timeout: 5 });
	await pg?.stop();
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The promise's value, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))]);
}

const controlAccess = () => ({ doc: parseDocName(`control/${workshop.workshop_id}`)!, workshopId: workshop.workshop_id });

// ── found by fuzzing: the control document's shape ────────────────────────────

describe("the control document keeps its shape whatever a facilitator's client sends", () => {
	/** A facilitator's provider on the control document, synced. */
	async function facilitatorClient(): Promise<{ client: TestClient; closed: Promise<number> }> {
		const client = connectClient(server, `control/${workshop.workshop_id}`, facilitator.cookie);
		const closed = new Promise<number>((resolve) => client.provider.once('connection-close', (e: { code: number } | null) => resolve(e?.code ?? 0)));
		await client.synced;
		return { client, closed };
	}

	test("a facilitator's client cannot overwrite a voting round the server published", async () => {
		const published = JSON.stringify({ id: 'r1', boardId: boardA, title: 'published by the server' });
		await server.sync.write(controlAccess(), (doc) => doc.getMap('rounds').set('r1', published));
		const { client, closed } = await facilitatorClient();
		// Overwriting a key writes an item whose parent Yjs takes from its origin, the
		// server's item in `rounds`: the update names no root at all.
		client.doc.getMap('rounds').set('r1', JSON.stringify({ id: 'r1', boardId: boardA, title: 'forged', aggregate: { winner: 'me' } }));
		expect(await within(closed, 3000, 'the refusal')).toBe(4403);
		client.destroy();
		expect((await server.sync.read(controlAccess())).getMap('rounds').get('r1')).toBe(published);
	});

	test('board entries stay maps of plain values, so that every page can read them', async () => {
		for (const write of [
			(doc: Y.Doc) => doc.getMap('boards').set(boardA, 'not a map'),
			(doc: Y.Doc) => doc.getMap('boards').set(boardA, new Y.XmlElement('x')),
			(doc: Y.Doc) => doc.getMap('session').set('focusBoard', new Y.Map()),
			(doc: Y.Doc) => doc.getArray('session2').insert(0, [1])
		]) {
			const { client, closed } = await facilitatorClient();
			write(client.doc);
			expect(await within(closed, 3000, 'the refusal')).toBe(4403);
			client.destroy();
		}
		const doc = await server.sync.read(controlAccess());
		expect(() => readBoardControl(doc, boardA)).not.toThrow();
		expect(() => readSession(doc)).not.toThrow();
		// What a facilitator's client may write still arrives.
		const { client } = await facilitatorClient();
		client.doc.getMap('session').set('note', 'allowed');
		await waitFor(async () => (await server.sync.read(controlAccess())).getMap('session').get('note') === 'allowed', 5000, 'the allowed write');
		client.destroy();
	});

	test('maps nested thousands deep are refused before Yjs has to delete or collect them', async () => {
		const { client, closed } = await facilitatorClient();
		client.doc.transact(() => {
			let parent = new Y.Map<unknown>();
			client.doc.getMap('boards').set(boardB, parent);
			for (let i = 0; i < 3000; i++) {
				const child = new Y.Map<unknown>();
				parent.set('k', child);
				parent = child;
			}
		});
		expect(await within(closed, 3000, 'the refusal')).toBe(4403);
		client.destroy();
		expect((await server.sync.read(controlAccess())).getMap('boards').get(boardB)).toBeUndefined();
	});
});

// ── found by fuzzing: clocks past 2^53 ────────────────────────────────────────

describe('huge clocks', () => {
	test('two GC structs claiming 7·2^53 clocks each are refused: the board stays syncable and loadable', async () => {
		const participant = fuzzMembers[0];
		const claim = 7 * 2 ** 53;
		const bomb = enc((e) => {
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, 2);
			encoding.writeVarUint(e, 4242);
			encoding.writeVarUint(e, 0);
			for (let i = 0; i < 2; i++) {
				encoding.writeUint8(e, 0);
				encoding.writeVarUint(e, claim);
			}
			encoding.writeVarUint(e, 0);
		});
		const ws = new WebSocket(`${server.url}/board/${boardB}`, { headers: { cookie: participant.cookie }, perMessageDeflate: false });
		const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
		await within(new Promise((resolve) => ws.on('open', resolve)), 5000, 'the upgrade');
		ws.send(syncMsg(2, bomb));
		const code = await within(closed, 1500, 'the refusal').catch(() => 'still open');
		// Accepted, the board's state vector would no longer decode: no provider could sync it.
		const doc = await server.sync.read({ doc: parseDocName(`board/${boardB}`)!, workshopId: workshop.workshop_id });
		expect(() => Y.decodeStateVector(Y.encodeStateVector(doc))).not.toThrow();
		const fresh = connectClient(server, `board/${boardB}`, watcher.cookie);
		await within(fresh.synced, 5000, "a fresh provider's sync");
		expect(code).toBe(4403);
		fresh.destroy();
	});
});

// ── the million ───────────────────────────────────────────────────────────────

/** Messages captured from real providers, per document: what replays and mutations start from. */
const captured = new Map<string, Uint8Array[]>();

/** A websocket class for providers that records every message the provider sends. */
function capturingWebSocket(cookie: string, into: Uint8Array[]) {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: { cookie } });
		}
		override send(data: unknown, ...rest: unknown[]): void {
			if (data instanceof Uint8Array || data instanceof ArrayBuffer) into.push(new Uint8Array(data instanceof ArrayBuffer ? data : data.slice()));
			(super.send as (...args: unknown[]) => void)(data, ...rest);
		}
	};
}

/** Runs `edit` through a real provider on `docName` and keeps what the provider sent. */
async function capture(docName: string, cookie: string, edit: (doc: Y.Doc, provider: WebsocketProvider) => void): Promise<void> {
	const sent: Uint8Array[] = [];
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url, docName, doc, {
		WebSocketPolyfill: capturingWebSocket(cookie, sent) as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await within(new Promise<void>((resolve) => provider.once('sync', () => resolve())), 10_000, `capture sync of ${docName}`);
	edit(doc, provider);
	// Time for the edits to reach the server and commit before the provider goes.
	await new Promise((r) => setTimeout(r, 300));
	provider.destroy();
	doc.destroy();
	const list = captured.get(docName) ?? [];
	list.push(...sent);
	captured.set(docName, list);
}

/** Real edits on every fuzzed document, through real providers, to capture and to mutate. */
async function captureCorpus(targets: Slot[]): Promise<void> {
	for (const t of targets) {
		if (captured.has(t.docName) || !t.writes) continue;
		await capture(t.docName, t.member.cookie, (doc, provider) => {
			provider.awareness.setLocalStateField('cursor', { anchor: 3, head: 7 });
			if (t.kind === 'control') {
				doc.getMap('session').set('note', 'captured');
				doc.getMap('session').set('note', 'captured again');
				const entry = new Y.Map<unknown>();
				doc.getMap('boards').set(boardB, entry);
				entry.set('phase', 'discuss');
				// (the entry replaces the board's: it keeps private mode on, or boardB's draft would close)
				entry.set('private', true);
				return;
			}
			const author = { memberId: t.member.id, name: t.member.name, organisation: t.member.organisation };
			const group = addGroup(doc, 'Captured group', undefined, { createdBy: t.member.id });
			const a = addCard(doc, { author, text: 'captured card', group });
			const b = addCard(doc, { author, text: 'second card' });
			editCardText(doc, a, 'captured card, edited');
			setCardField(doc, b, 'indicator', 'GVA');
			ensureVariant(doc).insert(0, 'We capture.');
			cardsOf(doc).delete(b);
			provider.awareness.setLocalStateField('cursor', { anchor: 1, head: 1 });
		});
	}
}

/** A Y.Map (or Y.XmlElement) chain `depth` deep in `parent` of a scratch document, as one update. */
function deepUpdate(kind: 'map' | 'xml', depth: number, place: { root: string; key?: string; memberId?: string }): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		let top: Y.Map<unknown> | Y.XmlElement;
		if (place.memberId) {
			// a real card of the member, with the chain under one of its keys
			const id = addCard(doc, { author: { memberId: place.memberId, name: 'Deep', organisation: 'Deep Ltd' }, text: 'deep' });
			top = cardsOf(doc).get(id)! as unknown as Y.Map<unknown>;
		} else top = doc.getMap(place.root);
		let parent: Y.Map<unknown> | Y.XmlElement = top;
		for (let i = 0; i < depth; i++) {
			const child: Y.Map<unknown> | Y.XmlElement = kind === 'map' ? new Y.Map<unknown>() : new Y.XmlElement('div');
			if (parent instanceof Y.Map) parent.set(i === 0 ? (place.key ?? 'deep') : 'k', child);
			else parent.insert(0, [child as Y.XmlElement]);
			parent = child;
		}
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/** Updates that decode but break the document's rules, refused with 4403 (observers: "read-only"). */
function ruleBreakingBoardUpdates(sender: Member, otherMemberId: string, honestState: Uint8Array, honestCards: string[]): Uint8Array[] {
	const memberId = sender.id;
	// Signed as the member row has it, so that each update breaks the rule it is about, not attribution.
	const author = { memberId, name: sender.name, organisation: sender.organisation };
	const fresh = (fn: (doc: Y.Doc) => void, v2 = false) => {
		const doc = new Y.Doc();
		fn(doc);
		const update = v2 ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc);
		doc.destroy();
		return update;
	};
	/** A change to the honest member's content, as a diff against what the server holds. */
	const onHonest = (fn: (doc: Y.Doc, card: Y.Map<unknown>) => void) => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, honestState);
		const before = Y.encodeStateVector(doc);
		fn(doc, cardsOf(doc).get(honestCards[0])!);
		const update = Y.encodeStateAsUpdate(doc, before);
		doc.destroy();
		return update;
	};
	const card = (doc: Y.Doc) => cardsOf(doc).get(addCard(doc, { author, text: 'ok' }))!;
	return [
		fresh((doc) => (card(doc).get('text') as Y.Text).insertEmbed(0, { evil: true })),
		fresh((doc) => (card(doc).get('text') as Y.Text).format(0, 2, { bold: true })),
		fresh((doc) => card(doc).set('unknownKey', 'x')),
		fresh((doc) => card(doc).set('colour', { nested: 'object' })),
		fresh((doc) => card(doc).set('text', 'a plain string')),
		fresh((doc) => doc.getMap('evil').set('x', 1)),
		fresh((doc) => doc.getArray('cards').push(['not a map'])),
		fresh((doc) => addCard(doc, { author: { ...author, memberId: otherMemberId }, text: 'forged author' })),
		fresh((doc) => cardsOf(doc).set(crypto.randomUUID(), new Y.Map())),
		fresh((doc) => (card(doc).get('text') as Y.Text).insert(0, 'x'.repeat(1001))),
		fresh((doc) =>
			doc.transact(() => {
				for (let i = 0; i < 501; i++) cardsOf(doc).set(`c${i}`, new Y.Map());
			})
		),
		fresh((doc) => card(doc).set('colour', new Uint8Array([1, 2, 3]))),
		fresh((doc) => card(doc).set('group', new Y.Doc())),
		fresh((doc) => card(doc).set('group', new Y.XmlFragment())),
		fresh((doc) => {
			for (let i = 0; i < 101; i++) {
				const g = new Y.Map<unknown>();
				doc.getMap('groups').set(`g${i}`, g);
				g.set('title', `g${i}`);
			}
		}),
		fresh((doc) => addCard(doc, { author, text: 'v2-encoded, read as v1' }), true),
		onHonest((_doc, c) => c.set('author', memberId)),
		onHonest((_doc, c) => c.set('unknownKey', 'x')),
		onHonest((_doc, c) => (c.get('text') as Y.Text).insert(0, 'y'.repeat(1001))),
		onHonest((_doc, c) => c.set('text', 'replaced by a string')),
		onHonest((_doc, c) => c.set('group', new Y.Map()))
	];
}

/** The same for the control document, as a facilitator's client would send it. */
function ruleBreakingControlUpdates(state: Uint8Array): Uint8Array[] {
	const onControl = (fn: (doc: Y.Doc) => void) => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, state);
		const before = Y.encodeStateVector(doc);
		fn(doc);
		const update = Y.encodeStateAsUpdate(doc, before);
		doc.destroy();
		return update;
	};
	return [
		onControl((doc) => doc.getMap('rounds').set('r1', JSON.stringify({ id: 'r1', boardId: boardA, title: 'forged' }))),
		onControl((doc) => doc.getMap('rounds').delete('r1')),
		onControl((doc) => doc.getMap('boards').set(boardA, 'not a map')),
		onControl((doc) => doc.getMap('boards').set(boardA, new Y.XmlElement('p'))),
		onControl((doc) => doc.getMap('session').set('focusBoard', new Y.Map())),
		onControl((doc) => doc.getMap('session').set('blob', new Uint8Array(16))),
		onControl((doc) => doc.getMap('session').set('sub', new Y.Doc())),
		onControl((doc) => doc.getMap('session').set('text', new Y.Text('x'))),
		onControl((doc) => doc.getArray('session2').insert(0, [1])),
		onControl((doc) => doc.getMap('evil').set('x', 1)),
		onControl((doc) => {
			const entry = new Y.Map<unknown>();
			doc.getMap('boards').set(boardB, entry);
			entry.set('phase', { nested: true });
		})
	];
}

/** Chains nested thousands deep, per document kind; refused before anything is applied. */
function deepUpdates(kind: DocKind, memberId: string): Uint8Array[] {
	if (kind === 'control')
		return [
			deepUpdate('map', 5000, { root: 'boards', key: boardA }),
			deepUpdate('map', 3000, { root: 'session' }),
			deepUpdate('xml', 3000, { root: 'session' })
		];
	return [
		deepUpdate('map', 1000, { root: 'cards', memberId, key: 'group' }),
		deepUpdate('map', 30_000, { root: 'cards', memberId, key: 'indicator' }),
		deepUpdate('xml', 1000, { root: 'cards', memberId, key: 'text' }),
		deepUpdate('xml', 10_000, { root: 'cards', memberId, key: 'colour' }),
		deepUpdate('map', 5000, { root: 'evil' }),
		deepUpdate('map', 5000, { root: 'cards' })
	];
}

/**
 * Roots, and keys of cards, groups and wordings, that the board model does not know: none may
 * be stored. readBoard reads only what it knows, so the view comparisons cannot see these.
 */
function unknownShape(doc: Y.Doc): string[] {
	const keys: Record<string, readonly string[]> = { cards: CARD_KEYS, groups: GROUP_KEYS, statements: VARIANT_KEYS };
	const found: string[] = [];
	for (const name of doc.share.keys()) {
		if (!(ROOTS as readonly string[]).includes(name)) {
			found.push(`root ${JSON.stringify(name)}`);
			continue;
		}
		for (const [id, entry] of doc.getMap<unknown>(name).entries()) {
			if (!(entry instanceof Y.Map)) {
				found.push(`${name}/${id}: not a map`);
				continue;
			}
			for (const key of entry.keys()) if (!keys[name].includes(key)) found.push(`${name}/${id}: key ${JSON.stringify(key)}`);
		}
	}
	return found;
}

/** The honest member's own cards as the member's provider sees them: what must survive. */
function honestView(doc: Y.Doc, cards: string[]): string {
	const view = readBoard(doc);
	const all = [...view.groups.flatMap((g) => g.cards), ...view.ungrouped].filter((c) => cards.includes(c.id));
	return JSON.stringify({ cards: all.sort((a, b) => a.id.localeCompare(b.id)), variants: view.variants });
}

/** A stored document replayed from Postgres into a new Y.Doc, as the server loads it. */
async function fromStore(docName: string): Promise<Y.Doc> {
	const stored = await new PostgresDocumentStore(sql).load(docName);
	const doc = new Y.Doc();
	if (stored.state) Y.applyUpdateV2(doc, stored.state);
	for (const update of stored.updates) Y.applyUpdate(doc, update);
	return doc;
}

/** Least-squares slope of RSS over time, in MB per minute. */
function slopeMbPerMinute(samples: { t: number; rss: number }[]): number {
	const n = samples.length;
	const mt = samples.reduce((s, x) => s + x.t, 0) / n;
	const mr = samples.reduce((s, x) => s + x.rss, 0) / n;
	const num = samples.reduce((s, x) => s + (x.t - mt) * (x.rss - mr), 0);
	const den = samples.reduce((s, x) => s + (x.t - mt) ** 2, 0);
	return den === 0 ? 0 : ((num / den) * 60_000) / MiB;
}

/** A fuzzing slot as this thread sees it: a member on a document. */
interface Slot {
	docName: string;
	kind: DocKind;
	member: Member;
	writes: boolean;
}

describe('a million fuzzed messages', () => {
	test(`the server stays up, memory stays bounded and every document loads with its content (seed ${SEED})`, async () => {
		const boardDoc = `board/${boardA}`;
		const controlDoc = `control/${workshop.workshop_id}`;
		const slots: Slot[] = [
			...[0, 1, 2, 3].map((i) => ({ docName: boardDoc, kind: 'board' as const, member: fuzzMembers[i], writes: true })),
			{ docName: `board/${boardB}`, kind: 'board', member: fuzzMembers[4], writes: true },
			{ docName: `draft/${boardA}/${fuzzMembers[5].id}`, kind: 'draft', member: fuzzMembers[5], writes: true },
			{ docName: boardDoc, kind: 'board', member: fuzzMembers[6], writes: false },
			{ docName: boardDoc, kind: 'board', member: fuzzMembers[7], writes: false },
			{ docName: controlDoc, kind: 'control', member: facilitator, writes: true },
			{ docName: `board/${boardB}`, kind: 'board', member: facilitator, writes: true },
			{ docName: `board/${boardB}`, kind: 'board', member: fuzzMembers[0], writes: true },
			{ docName: `board/${boardB}`, kind: 'board', member: fuzzMembers[6], writes: false },
			{ docName: `draft/${boardB}/${fuzzMembers[1].id}`, kind: 'draft', member: fuzzMembers[1], writes: true },
			{ docName: boardDoc, kind: 'board', member: fuzzMembers[7], writes: false }
		];
		const prepared = Date.now();
		// Drafts take writes only in private brainstorming: on, for both boards, before anything is written.
		await server.sync.write(controlAccess(), (doc) => {
			for (const board of [boardA, boardB]) setPrivateBrainstorm(doc, board, true);
		});
		await captureCorpus(slots);
		await server.sync.write(controlAccess(), (doc) => doc.getMap('rounds').set('r1', JSON.stringify({ id: 'r1', boardId: boardA, title: 'published' })));

		// The honest member and a watcher, on real providers, with real content.
		const anna = connectClient(server, boardDoc, honest.cookie);
		const bela = connectClient(server, boardDoc, watcher.cookie);
		await within(Promise.all([anna.synced, bela.synced]), 10_000, "the honest providers' sync");
		const drops: string[] = [];
		for (const [who, c] of [
			['Anna', anna],
			['Béla', bela]
		] as const)
			c.provider.on('status', ({ status }: { status: string }) => status !== 'connected' && drops.push(`${who}: ${status}`));
		anna.provider.awareness.setLocalStateField('cursor', 'anna');
		const author = { memberId: honest.id, name: 'Anna', organisation: 'Anna Ltd' };
		const group = addGroup(anna.doc, 'Cooperation', undefined, { createdBy: honest.id });
		const honestCards = [
			addCard(anna.doc, { author, text: 'Trust between clusters', group }),
			addCard(anna.doc, { author, text: 'Árvíztűrő tükörfúrógép — ünicode' }),
			addCard(anna.doc, { author, text: 'Shared services', group, fields: { indicator: 'GVA', target: '10%', year: '2030' } })
		];
		ensureVariant(anna.doc).insert(0, 'We cooperate.');
		const ticker = addCard(anna.doc, { author, text: 'tick 0' });
		honestCards.push(ticker);
		await waitFor(() => cardsOf(bela.doc).has(ticker), 5000, 'Béla sees the honest content');

		const controlState = Y.encodeStateAsUpdate(await server.sync.read(controlAccess()));
		const honestState = Y.encodeStateAsUpdate(anna.doc);
		// A card whose text makes the update 1 MiB + 21 bytes: over the server's limit for updates,
		// under the socket's limit for messages (1 MiB + 64), so that the update rules refuse it.
		const overLimit = (() => {
			const update = (length: number) => {
				const doc = new Y.Doc();
				doc.clientID = 1_000_003;
				const id = addCard(doc, { author: { memberId: fuzzMembers[0].id, name: 'Big', organisation: 'Big Ltd' }, text: 'x' });
				(cardsOf(doc).get(id)!.get('text') as Y.Text).insert(0, 'x'.repeat(length));
				const u = Y.encodeStateAsUpdate(doc);
				doc.destroy();
				return u;
			};
			// One fixed client id (a random one's varint length varies by seed); size the text
			// until the update is exactly 1 MiB + 21 bytes.
			let length = MiB;
			let u = update(length);
			for (let tries = 0; u.length !== MiB + 21 && tries < 20; tries++) u = update((length += MiB + 21 - u.length));
			return syncMsg(2, u);
		})();
		expect(overLimit.length).toBeGreaterThan(MiB + 21);
		expect(overLimit.length).toBeLessThanOrEqual(MiB + 64);
		const known = new Map<string, number[]>();
		for (const s of slots) known.set(s.docName, []);
		known.get(boardDoc)!.push(anna.doc.clientID, bela.doc.clientID);
		const input: ClientInput = {
			url: server.url,
			targets: slots.map((s) => ({
				docName: s.docName,
				kind: s.kind,
				cookie: s.member.cookie,
				memberId: s.member.id,
				name: s.member.name,
				organisation: s.member.organisation,
				role: s.member.role,
				writes: s.writes
			})),
			corpus: [...captured],
			rules: slots.map((s) =>
				s.kind === 'control' ? ruleBreakingControlUpdates(controlState) : ruleBreakingBoardUpdates(s.member, honest.id, honestState, honestCards)
			),
			deep: (['board', 'draft', 'control'] as const).map((k) => [k, deepUpdates(k, fuzzMembers[0].id)]),
			overLimit,
			protectedClients: [anna.doc.clientID, bela.doc.clientID],
			known: [...known],
			honestAwarenessId: anna.provider.awareness.clientID,
			seed: SEED,
			target: TARGET_MESSAGES,
			deadline: 0,
			riskyEvery: RISKY_EVERY,
			ruleBreaking: Object.keys(RULE_BREAKING),
			emptyRules: []
		};
		input.emptyRules = input.rules.map((list) =>
			list.map((u) => {
				try {
					const { structs, ds } = Y.decodeUpdate(u);
					return structs.length === 0 && ds.clients.size === 0;
				} catch {
					return false;
				}
			})
		);
		const preparedMs = Date.now() - prepared;

		// Anna keeps editing throughout; Béla must keep receiving.
		let tick = 0;
		let seenByBela = 0;
		bela.doc.on('update', () => {
			const n = Number(String(cardsOf(bela.doc).get(ticker)?.get('text') ?? '').replace('tick ', ''));
			if (n > seenByBela) seenByBela = n;
		});
		const ticking = setInterval(() => {
			editCardText(anna.doc, ticker, `tick ${++tick}`);
			if (tick % 20 === 0) setCardField(anna.doc, honestCards[2], 'indicator', `GVA ${tick}`);
			if (tick % 150 === 0 && honestCards.length < 15) honestCards.push(addCard(anna.doc, { author, text: `Anna's card at tick ${tick}` }));
		}, 100);
		const samples: { t: number; rss: number; heap: number }[] = [];
		const started = Date.now();
		const cpuBefore = process.cpuUsage();
		input.deadline = started + BUDGET_MS;
		const sampling = setInterval(() => {
			const m = process.memoryUsage();
			samples.push({ t: Date.now() - started, rss: m.rss, heap: m.heapUsed });
		}, 500);
		let tally: ClientResult;
		try {
			tally = await runFuzzClients(input);
		} finally {
			clearInterval(ticking);
			clearInterval(sampling);
		}
		const fuzzMs = Date.now() - started;
		const cpu = process.cpuUsage(cpuBefore);

		// Nothing escaped into the process, the server logged no failure, and no message that
		// should have left the connection open closed it.
		expect(processErrors).toEqual([]);
		expect(serverLog).toEqual([]);
		expect(tally.unexpected).toEqual([]);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		// Every rule-breaking update was refused: a writer's connection closed with the rule's
		// code (or 4429, refused unread), a read-only one denied (or 4429). None accepted.
		const refusals = tally.refusals.sort((a, b) => a[0].localeCompare(b[0]));
		const refusedRight = ([key]: [string, number]) => {
			const [, kind, role, outcome] = /^(.*), (writer|read-only): (.*)$/.exec(key)!;
			return (role === 'writer' ? [`closed ${RULE_BREAKING[kind]}`, 'closed 4429'] : ['denied', 'closed 4429']).includes(outcome);
		};
		expect(refusals.filter((r) => !refusedRight(r))).toEqual([]);
		for (const kind of Object.keys(RULE_BREAKING))
			expect(
				refusals.some(([key]) => key.startsWith(`${kind}, writer`)),
				`${kind} sent by a writer`
			).toBe(true);

		// The honest providers were never disconnected, and Béla kept receiving Anna's edits.
		await waitFor(() => seenByBela === tick, 10_000, `Béla to see tick ${tick} (has ${seenByBela})`);
		expect(drops).toEqual([]);
		expect(tick).toBeGreaterThan(20);
		await waitFor(
			() => {
				const seen = bela.provider.awareness.getStates().get(anna.provider.awareness.clientID) as { user?: { memberId?: string }; cursor?: string } | undefined;
				return seen?.cursor === 'anna' && seen.user?.memberId === honest.id;
			},
			5000,
			"Anna's presence intact at Béla"
		);

		// Memory: bounded, and not still growing in the second half. Each quarter of the second
		// half is judged by its floor (its lowest sample, after collections): steady growth is a
		// floor that keeps rising. Short runs (FUZZ_MESSAGES) are too noisy to judge growth.
		const rssMax = Math.max(...samples.map((s) => s.rss));
		const rssMin = Math.min(...samples.map((s) => s.rss));
		const floors = (key: 'rss' | 'heap') =>
			[0, 1, 2, 3].map((q) => Math.min(...samples.filter((s) => s.t >= (fuzzMs * (4 + q)) / 8 && s.t < (fuzzMs * (5 + q)) / 8).map((s) => s[key]), Infinity));
		const rssFloors = floors('rss');
		const heapFloors = floors('heap');
		const slope = slopeMbPerMinute(samples.filter((s) => s.t >= fuzzMs / 2));
		expect(rssMax).toBeLessThan(RSS_LIMIT);
		if (fuzzMs >= 60_000) {
			const rising = (f: number[]) => f.every((x, i) => i === 0 || x > f[i - 1]);
			expect(
				rising(rssFloors) && rssFloors[3] - rssFloors[0] > 100 * MiB,
				`RSS floors over the second half: ${rssFloors.map((f) => Math.round(f / MiB))} MB`
			).toBe(false);
			expect(
				rising(heapFloors) && heapFloors[3] - heapFloors[0] > 50 * MiB,
				`heap floors over the second half: ${heapFloors.map((f) => Math.round(f / MiB))} MB`
			).toBe(false);
		}

		// A fresh connection is accepted and loads the honest content.
		const expected = honestView(anna.doc, honestCards);
		const fresh = connectClient(server, boardDoc, watcher.cookie);
		await within(fresh.synced, 10_000, "a fresh provider's sync");
		expect(honestView(fresh.doc, honestCards)).toBe(expected);
		expect(String(cardsOf(fresh.doc).get(ticker)?.get('text'))).toBe(`tick ${tick}`);
		fresh.destroy();
		anna.destroy();
		bela.destroy();

		// Every fuzzed document loads from Postgres as the server holds it.
		const docs = [...new Set(slots.map((s) => s.docName))];
		const live = new Map<string, string>();
		const view = (name: string, d: Y.Doc) =>
			name === controlDoc
				? JSON.stringify({ session: readSession(d), board: readBoardControl(d, boardA), rounds: d.getMap('rounds').toJSON() })
				: JSON.stringify(readBoard(d));
		for (const name of docs) {
			const doc = await server.sync.read({ doc: parseDocName(name)!, workshopId: workshop.workshop_id });
			const stored = await fromStore(name);
			expect(view(name, stored), `${name} as stored`).toBe(view(name, doc));
			expect(() => Y.decodeStateVector(Y.encodeStateVector(stored)), `${name}'s state vector`).not.toThrow();
			if (name === boardDoc) expect(honestView(stored, honestCards)).toBe(expected);
			if (name !== controlDoc) {
				expect(unknownShape(stored), `${name} as stored: what the board model does not know`).toEqual([]);
				expect(unknownShape(doc), `${name} live: what the board model does not know`).toEqual([]);
			}
			live.set(name, view(name, doc));
			stored.destroy();
		}
		expect(JSON.parse(live.get(controlDoc)!).rounds.r1).toContain('published');

		// A new sync server on the same database serves them the same.
		await server.close();
		server = await startSyncServer(sql, serverOptions());
		const again = connectClient(server, boardDoc, honest.cookie);
		await within(again.synced, 10_000, 'sync after a restart');
		expect(honestView(again.doc, honestCards)).toBe(expected);
		expect(JSON.stringify(readBoard(again.doc))).toBe(live.get(boardDoc));
		again.destroy();
		for (const name of docs) {
			const doc = await within(server.sync.read({ doc: parseDocName(name)!, workshopId: workshop.workshop_id }), 10_000, `loading ${name}`);
			expect(view(name, doc)).toBe(live.get(name));
		}

		const kinds = tally.byKind
			.sort((a, b) => b[1] - a[1])
			.map(([k, n]) => `${k} ${n}`)
			.join(', ');
		const byCode = new Map<string, number>();
		for (const [key, n] of tally.closes) byCode.set(key.split(' ')[0], (byCode.get(key.split(' ')[0]) ?? 0) + n);
		const closes = [...byCode]
			.sort((a, b) => b[1] - a[1])
			.map(([k, n]) => `${k} ×${n}`)
			.join(', ');
		const mb = (b: number) => `${Math.round(b / MiB)} MB`;
		console.log(
			`[fuzz-million] ${tally.messages} messages over ${tally.connections} connections in ${(fuzzMs / 1000).toFixed(1)} s ` +
				`(process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; seed ${SEED}; +${tally.probes} probes; corpus and pools ready in ${preparedMs} ms); ` +
				`kinds: ${kinds}; server closes by code: ${closes}; valid edits ${tally.edits}, read-only refusals ${tally.denied}; ` +
				`rule-breaking updates: ${refusals.map(([k, n]) => `${k} ×${n}`).join(', ')}; ` +
				`Anna made ${tick} edits, Béla saw them all; RSS min ${mb(rssMin)}, max ${mb(rssMax)}, second-half slope ${slope.toFixed(1)} MB/min, ` +
				`second-half floors ${rssFloors.map((f) => Math.round(f / MiB)).join('/')} MB; heap max ${mb(Math.max(...samples.map((s) => s.heap)))}, ` +
				`floors ${heapFloors.map((f) => Math.round(f / MiB)).join('/')} MB; ${docs.length} documents reloaded from Postgres; result: OK`
		);
		expect(tally.messages).toBeGreaterThanOrEqual(TARGET_MESSAGES);
	});
});
