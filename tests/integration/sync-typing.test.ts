/**
 * Two people typing at the same spot of the same card at the same moment (#14): after
 * convergence each person's typed run is whole, not split around the other's.
 *
 * Two real y-websocket providers on the real sync server. Each drives the text binding's own
 * logic with the textarea reduced to its value and caret: a keystroke becomes a splice
 * (text-input.ts), a remote change moves the caret (text-delta.ts). Seeded: the runs, the
 * spot, the pacing of keystrokes and when a typist's connection drops are drawn from
 * TYPING_SEED; the network's own timing is not, so a seed reproduces the plan, not the race.
 *
 *   TYPING_SEED=<seed> TYPING_ROUNDS=<n> npx vitest run --project integration sync-typing
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardText, spliceCardText } from '#lib/domain/board/board-model.js';
import { transformSelection, type DeltaOp } from '#lib/state/text-delta.js';
import { inputSplice } from '#lib/state/text-input.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

const SEED = Number(process.env.TYPING_SEED ?? 0x7e57) >>> 0;
const ROUNDS = Number(process.env.TYPING_ROUNDS ?? 40);

/** mulberry32, as in sync-fuzz.test.ts. */
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
	return { next, int, pick: <T>(list: readonly T[]): T => list[int(list.length)] };
}
type Rng = ReturnType<typeof prng>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A textarea bound to a card's text, as text-binding.ts binds it, without the DOM. */
class Typist {
	readonly text: Y.Text;
	value: string;
	caret: number;
	#writing = false;
	readonly #origin = { board: 'local' };

	constructor(
		readonly client: TestClient,
		readonly cardId: string,
		caret: number
	) {
		this.text = cardText(client.doc, cardId)!;
		this.value = this.text.toString();
		this.caret = caret;
		this.text.observe(this.#observer);
	}

	#observer = (event: Y.YTextEvent) => {
		if (this.#writing) return;
		this.value = this.text.toString();
		[this.caret] = transformSelection(event.delta as DeltaOp[], this.caret, this.caret);
	};

	/** A key pressed with the caret where it is: the browser's edit, then the binding's `input`. */
	type(key: string): void {
		const selection = [this.caret, this.caret] as const;
		const after = this.value.slice(0, this.caret) + key + this.value.slice(this.caret);
		const caret = this.caret + key.length;
		const splice = inputSplice({ before: this.text.toString(), after, selection, caret });
		this.#writing = true;
		try {
			if (splice) spliceCardText(this.client.doc, this.cardId, splice, this.#origin);
		} finally {
			this.#writing = false;
		}
		this.value = after;
		this.caret = caret;
		expect(this.text.toString()).toBe(this.value);
	}

	stop(): void {
		this.text.unobserve(this.#observer);
	}
}

/**
 * For each visible character of `text`, who typed it in this round: 'A' or 'B' for items
 * created by that client at or after its clock when the round began, '.' otherwise.
 */
function authorship(text: Y.Text, typists: { client: number; from: number; tag: string }[]): string {
	let out = '';
	for (let item = text._start; item; item = item.right) {
		if (item.deleted || !item.countable) continue;
		const who = typists.find((t) => t.client === item.id.client && item.id.clock >= t.from);
		out += (who?.tag ?? '.').repeat(item.length);
	}
	return out;
}

/** Whether every tag's characters form one block. */
const whole = (tags: string, tag: string) => tags.lastIndexOf(tag) - tags.indexOf(tag) + 1 === tags.split(tag).length - 1;

interface Plan {
	initial: string;
	spot: number;
	runs: [string, string];
	/** Which typist drops its connection, after how many keys, for how many keys (-1: none). */
	offline: { who: number; after: number; keys: number } | null;
}

function plan(rng: Rng, round: number): Plan {
	if (round === 0) return { initial: 'idea ', spot: 5, runs: ['alma körte ', 'szilva barack '], offline: null };
	// Few distinct characters, so that a typed character often equals its neighbour.
	const run = () => Array.from({ length: 4 + rng.int(9) }, () => rng.pick(['a', 'a', 'b', ' ', ' ', 'é', '😀'])).join('');
	const initial = rng.pick(['', 'idea ', 'a b', 'ab ab ']);
	const runs: [string, string] = [run(), run()];
	const offline = rng.next() < 0.3 ? { who: rng.int(2), after: rng.int(4), keys: 1 + rng.int(5) } : null;
	return { initial, spot: rng.int(initial.length + 1), runs, offline };
}

async function typeRun(typist: Typist, run: string, rng: Rng, offline: Plan['offline']): Promise<void> {
	const keys = [...run];
	for (const [i, key] of keys.entries()) {
		if (offline?.after === i) typist.client.provider.disconnect();
		if (offline && i === offline.after + offline.keys) typist.client.provider.connect();
		typist.type(key);
		const pace = rng.next();
		// Some keys in the same turn as the last, most a few milliseconds apart, some a pause.
		if (pace < 0.3) continue;
		await sleep(pace < 0.85 ? rng.int(4) : 5 + rng.int(20));
	}
	if (offline && !typist.client.provider.shouldConnect) typist.client.provider.connect();
}

let db: TestDatabase;
let server: TestSyncServer;
let boardId: string;
const clients: TestClient[] = [];
const authors: { memberId: string; name: string; organisation: string }[] = [];

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	const workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	// Béla types in Anna's card: a board whose participants may edit each other's cards.
	await db.sql`update public.boards set participants_edit_others = true where id = ${boardId}`;
	// The typists here type at machine speed, past the budget a person's connection gets (tested
	// on its own in sync-update-rate.test.ts): this test is about where the keys land.
	server = await startSyncServer(db.sql, { updateBurst: 100_000, updatesPerSecond: 100_000 });
	for (const name of ['Anna', 'Béla']) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, `${name}'s cluster`);
		authors.push({ memberId: member_id, name, organisation: `${name}'s cluster` });
		clients.push(connectClient(server, `board/${boardId}`, await sessionCookie(server.sessionKey, workshop.workshop_id, member_id)));
	}
	await Promise.all(clients.map((c) => c.synced));
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.close();
	await db?.drop();
});

describe('two people typing at the same spot at once', () => {
	test(`each typed run stays whole (seed ${SEED}, ${ROUNDS} rounds)`, { timeout: 120_000 }, async () => {
		const failures: string[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const rng = prng(SEED + round);
			const { initial, spot, runs, offline } = plan(rng, round);
			const cardId = addCard(clients[0].doc, { author: authors[0], text: initial });
			await waitFor(() => cardText(clients[1].doc, cardId) !== null, 5000, 'the card on both');
			const typists = clients.map((c) => new Typist(c, cardId, spot));
			const from = clients.map((c) => ({ client: c.doc.clientID, from: Y.getState(c.doc.store, c.doc.clientID) }));

			await Promise.all(typists.map((t, i) => typeRun(t, runs[i], prng(SEED + round + 1000 * (i + 1)), offline?.who === i ? offline : null)));
			const length = initial.length + runs[0].length + runs[1].length;
			await waitFor(() => typists.every((t) => t.text.length === length), 10_000, `round ${round}: every key on both`);
			for (const t of typists) t.stop();

			const [a, b] = typists.map((t) => t.text.toString());
			const tags = authorship(typists[0].text, [
				{ ...from[0], tag: 'A' },
				{ ...from[1], tag: 'B' }
			]);
			const ok = a === b && runs.every((run) => a.includes(run)) && whole(tags, 'A') && whole(tags, 'B');
			if (!ok)
				failures.push(
					`seed ${SEED + round}: ${JSON.stringify(initial)} at ${spot}, A ${JSON.stringify(runs[0])}, B ${JSON.stringify(runs[1])} → ${JSON.stringify(a)} ${a === b ? '' : `≠ ${JSON.stringify(b)} `}(${tags})`
				);
		}
		expect(failures).toEqual([]);
	});
});
