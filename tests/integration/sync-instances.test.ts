import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { ensureBuild } from '../../scripts/build.js';
import { addCard, cardsOf, editCardText } from '#lib/domain/board/board-model.js';
import { readRounds, type PublishedRound } from '#lib/domain/voting/published.js';
import { awarenessMessage, syncMessage, SYNC_STEP_1 } from '#lib/server/sync/protocol.js';
import { encodeAwareness } from '#lib/server/sync/protocol.js';
import { createWorkshopOver, joinOver, startApp, tempDataDir, type AppProcess } from '../e2e/app-process';
import { formAction, holds, sleep, storedDoc } from '../faults/helpers';
import { createWorkshop, migratedDatabase, type TestDatabase } from './helpers';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { freePort, startBalancer, startRedis, type TestRedis } from './redis-helpers';
import { connectClient, waitFor, type TestClient } from './sync-helpers';

/**
 * Issue #8, several instances: two app processes (the real build) on one Postgres, sharing
 * live rooms through a real redis-server; real y-websocket providers on each, behind a small
 * TCP balancer per side that falls back to the other instance when its own is gone. Edits,
 * presence, a board lock and a voting round cross instances; then one instance is SIGKILLed
 * while its clients type, and they carry on through the other losing nothing.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c().catch((e) => console.error(e));
});

let redis: TestRedis;
let db: TestDatabase;
let a: AppProcess;
let b: AppProcess;

async function stopApp(app: AppProcess): Promise<void> {
	if (app.child.exitCode !== null || app.child.signalCode !== null) return;
	app.child.kill('SIGTERM');
	if (!(await Promise.race([app.exited.then(() => true), sleep(10_000).then(() => false)]))) app.child.kill('SIGKILL');
	await app.exited;
}

beforeAll(async () => {
	ensureBuild();
	redis = await startRedis();
	cleanups.push(() => redis.stop());
	db = await migratedDatabase({ seed: false, max: 4 });
	cleanups.push(() => db.drop());
	const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, SEED: 'false', DATABASE_POOL_SIZE: '8' };
	const dirs = await Promise.all([tempDataDir(), tempDataDir()]);
	for (const d of dirs) cleanups.push(d.remove);
	[a, b] = await Promise.all(dirs.map((d) => startApp({ dataDir: d.dir, env })));
	cleanups.push(
		() => stopApp(a),
		() => stopApp(b)
	);
}, 180_000);

interface Person {
	name: string;
	memberId: string;
	cookie: string;
	client: TestClient;
	/** Every update the server sent this client. */
	received: Uint8Array[];
	/** The text this person last typed into each of their cards. */
	typed: Map<string, string>;
}

const presenceOf = (client: TestClient) =>
	new Map(
		[...client.provider.awareness.getStates()].map(([id, s]) => [id, s as { user?: { memberId: string; name: string }; cursor?: string; evil?: boolean }])
	);

test("two instances share a board live: edits, presence, lock and votes cross; a SIGKILLed instance's clients carry on through the other", async () => {
	const t0 = Date.now();
	const lbA = await startBalancer(() => [a.port, b.port]);
	const lbB = await startBalancer(() => [b.port, a.port]);
	cleanups.push(lbA.close, lbB.close);

	const workshop = await createWorkshopOver(a.baseUrl, 'Two instances');
	const boardId = workshop.boards[0];
	const board = `board/${boardId}`;
	const control = `control/${workshop.workshopId}`;
	// Half join through one instance, half through the other: sessions are the same on both.
	const names = ['Anna', 'Béla', 'Csilla', 'Dénes', 'Erika'];
	const joined = await Promise.all(names.map((n, i) => joinOver(i % 2 ? b.baseUrl : a.baseUrl, workshop.code, n, `Org ${i}`)));
	const people: Person[] = joined.slice(0, 4).map((j, i) => {
		const client = connectClient(i < 2 ? lbA : lbB, board, j.cookie);
		const person: Person = { name: names[i], memberId: j.memberId, cookie: j.cookie, client, received: [], typed: new Map() };
		client.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === client.provider) person.received.push(update);
		});
		return person;
	});
	cleanups.push(async () => people.forEach((p) => p.client.destroy()));
	const [anna, bela, csilla, denes] = people;
	const onA = [anna, bela];
	const onB = [csilla, denes];
	await Promise.all(people.map((p) => p.client.synced));

	// ── concurrent edits on both instances converge, in every client and in Postgres ──
	async function type(p: Person, ms: number, cards = 0): Promise<void> {
		const author = { memberId: p.memberId, name: p.name, organisation: `Org ${names.indexOf(p.name)}` };
		for (let i = 0; i < cards; i++) {
			const id = addCard(p.client.doc, { author, text: `${p.name} ${i}` });
			p.typed.set(id, `${p.name} ${i}`);
		}
		const until = Date.now() + ms;
		for (let n = 0; Date.now() < until; n++) {
			const ids = [...p.typed.keys()];
			const id = ids[n % ids.length];
			const text = `${p.name} ${n} ${Math.random().toString(36).slice(2, 6)}`;
			editCardText(p.client.doc, id, text);
			p.typed.set(id, text);
			await sleep(5 + Math.random() * 20);
		}
	}
	const sorted = (entries: [string, string][]) => Object.fromEntries(entries.sort(([x], [y]) => x.localeCompare(y)));
	const texts = (doc: Y.Doc) => sorted([...cardsOf(doc)].map(([id, card]) => [id, String(card.get('text'))]));
	const everyoneTyped = () => sorted(people.flatMap((p) => [...p.typed]));
	async function converged(who: Person[], what: string): Promise<void> {
		const want = everyoneTyped();
		await waitFor(() => who.every((p) => JSON.stringify(texts(p.client.doc)) === JSON.stringify(want)), 10_000, what);
		const reference = JSON.stringify(texts(who[0].client.doc));
		for (const p of who) expect(JSON.stringify(texts(p.client.doc))).toBe(reference);
	}
	await Promise.all(people.map((p) => type(p, 1500, 4)));
	await converged(people, 'the concurrent edits of both instances on every client');
	const stored = await storedDoc(db.sql, board);
	expect(texts(stored)).toEqual(everyoneTyped());

	// ── presence crosses instances, stamped by the server the client is on ──
	for (const p of people) p.client.provider.awareness.setLocalStateField('cursor', [...p.typed.keys()][0]);
	await waitFor(
		() => people.every((viewer) => people.every((p) => p === viewer || presenceOf(viewer.client).get(p.client.doc.clientID)?.user?.memberId === p.memberId)),
		5000,
		"everyone's presence on every client"
	);
	// A member on B may not speak for a client of A: not with a newer clock, not at all.
	const erika = joined[4];
	const raw = await rawSocket(b.port, board, erika.cookie);
	cleanups.push(async () => raw.terminate());
	const annaClock = (await waitForMeta(anna.client)).clock;
	raw.send(awarenessMessage(encodeAwareness([{ clientId: anna.client.doc.clientID, clock: annaClock + 10, state: JSON.stringify({ evil: true }) }])));
	await sleep(600);
	for (const viewer of people.filter((p) => p !== anna)) {
		const seen = presenceOf(viewer.client).get(anna.client.doc.clientID);
		expect(seen?.user?.memberId).toBe(anna.memberId);
		expect(seen?.evil).toBeUndefined();
	}
	raw.terminate();

	// ── a lock from a facilitator on A makes live connections on B read-only ──
	const eveDoc = new Y.Doc();
	const eve = connectClient(lbB, board, erika.cookie, eveDoc);
	cleanups.push(async () => eve.destroy());
	await eve.synced;
	expect((await formAction(a.baseUrl, `/w/${workshop.workshopId}`, 'lockBoard', { board: boardId, on: 'true' }, workshop.cookie)).type).toBe('success');
	await sleep(300);
	const refused = addCard(eveDoc, { author: { memberId: erika.memberId, name: 'Erika', organisation: 'Org 4' }, text: 'written while locked' });
	await sleep(800);
	expect(cardsOf(anna.client.doc).has(refused)).toBe(false);
	expect(cardsOf(csilla.client.doc).has(refused)).toBe(false);
	expect(cardsOf(await storedDoc(db.sql, board)).has(refused)).toBe(false);
	eve.destroy();
	// Unlocked from the other instance.
	expect((await formAction(b.baseUrl, `/w/${workshop.workshopId}`, 'lockBoard', { board: boardId, on: 'false' }, workshop.cookie)).type).toBe('success');
	await sleep(300);

	// ── a timed voting round: published on both, ballots once each through either instance ──
	const controls = [connectClient(lbA, control, anna.cookie), connectClient(lbB, control, csilla.cookie)];
	cleanups.push(async () => controls.forEach((c) => c.destroy()));
	await Promise.all(controls.map((c) => c.synced));
	const opened = await formAction(
		a.baseUrl,
		`/w/${workshop.workshopId}/b/${boardId}`,
		'openRound',
		{ title: 'Across', method: 'dots', source: 'cards', dots: '2', maxPerOption: '2', anonymous: 'on', resultsLive: 'on', minutes: '0.25' },
		workshop.cookie
	);
	expect(opened.type).toBe('success');
	// And a countdown on the second board that locks it at zero, also started on A.
	expect(
		(await formAction(a.baseUrl, `/w/${workshop.workshopId}`, 'startTimer', { board: workshop.boards[1], minutes: '0.25', lock: 'on' }, workshop.cookie)).type
	).toBe('success');
	let round: PublishedRound | undefined;
	for (const c of controls) await waitFor(() => (round = readRounds(c.doc, boardId)[0]) !== undefined, 5000, 'the round on both instances');
	const options = round!.options.map((o) => o.id);
	const ballot = (i: number) => JSON.stringify([{ option: options[i % options.length], criterion: 0, value: 2 }]);
	const votes: [Person, AppProcess, number][] = [
		[anna, a, 0],
		[bela, b, 1],
		[csilla, b, 2],
		[denes, a, 3],
		[anna, b, 5]
	];
	for (const [p, app, i] of votes)
		expect((await formAction(app.baseUrl, `/w/${workshop.workshopId}/b/${boardId}`, 'vote', { round: round!.id, marks: ballot(i) }, p.cookie)).type).toBe(
			'success'
		);
	// Turnout reaches screens on both instances; "present" counts the members connected to either.
	for (const c of controls) {
		await waitFor(
			() => {
				const t = readRounds(c.doc, boardId)[0]?.turnout;
				return t?.voted === 4 && t.present === 4;
			},
			8000,
			'turnout 4 of 4 present on both instances'
		).catch((error) => {
			throw new Error(`${error.message}: ${JSON.stringify(readRounds(c.doc, boardId)[0]?.turnout)}`);
		});
	}
	const ballots = await db.sql<{ member_id: string; option_id: string }[]>`
		select b.member_id, m.option_id from public.ballots b join public.ballot_marks m using (round_id, member_id) where b.round_id = ${round!.id}`;
	expect(ballots).toHaveLength(4);
	expect(ballots.find((r) => r.member_id === anna.memberId)?.option_id).toBe(options[5 % options.length]);

	// ── SIGKILL instance A while its clients type ──
	// A presence with no reconnection (a laptop closed the moment A died): it must leave B's rooms.
	const ghost = await rawSocket(a.port, board, erika.cookie);
	cleanups.push(async () => ghost.terminate());
	const ghostId = 987654321;
	ghost.send(awarenessMessage(encodeAwareness([{ clientId: ghostId, clock: 1, state: JSON.stringify({ cursor: null }) }])));
	await waitFor(() => presenceOf(csilla.client).has(ghostId), 5000, "the ghost's presence on B");
	const typing = Promise.all(people.map((p) => type(p, 2500)));
	await sleep(700);
	a.child.kill('SIGKILL');
	await a.exited;
	const killedAt = Date.now();
	// What anyone received from a server was committed: it is in Postgres now, A being gone.
	// (What they received so far: B goes on committing and relaying while the store is read.)
	const receivedSoFar = people.flatMap((p) => p.received.slice());
	const afterKill = await storedDoc(db.sql, board);
	const unheld = receivedSoFar.filter((u) => !holds(afterKill, u));
	expect(unheld).toHaveLength(0);
	await typing;
	// A's clients reconnect (through their balancer) to B and lose nothing they typed.
	await converged(people, 'everyone converged on B after A died');
	expect(texts(await storedDoc(db.sql, board))).toEqual(everyoneTyped());
	for (const p of onA) expect(p.client.provider.wsconnected).toBe(true);
	// The ghost's presence goes once B notices A is gone (its heartbeats stop: ~7 s).
	await waitFor(() => !presenceOf(csilla.client).has(ghostId), 15_000, "the ghost's presence removed on B");
	const presenceGoneMs = Date.now() - killedAt;
	// The round A opened closes at its deadline all the same, closed by B, ballots untouched.
	for (const c of controls) await waitFor(() => readRounds(c.doc, boardId)[0]?.status === 'closed', 25_000, 'the round closed by B at its deadline');
	const [{ status, n }] = await db.sql<{ status: string; n: number }[]>`
		select r.status, (select count(*)::int from public.ballots where round_id = r.id) as n from public.rounds r where r.id = ${round!.id}`;
	expect({ status, n }).toEqual({ status: 'closed', n: 4 });
	expect(readRounds(controls[1].doc, boardId)[0].turnout.voted).toBe(4);
	// A's countdown locked the second board at zero all the same: B did.
	await waitFor(
		async () => (await db.sql<{ locked: boolean }[]>`select locked from public.boards where id = ${workshop.boards[1]}`)[0].locked,
		5000,
		'the second board locked by B at zero'
	);
	console.log(
		`[instances] ${people.length} clients, ${Object.keys(everyoneTyped()).length} cards; presence of a dead instance gone after ${presenceGoneMs} ms; whole test ${Date.now() - t0} ms`
	);

	ghost.terminate();
	for (const c of [...controls, ...people.map((p) => p.client)]) c.destroy();
	void onB;
});

test('bad frames on Redis and a Redis outage: each instance keeps serving its own clients, and both converge once Redis is back', async () => {
	// A was killed by the test before: a new instance takes its place.
	if (a.child.exitCode !== null || a.child.signalCode !== null) {
		const dir = await tempDataDir();
		cleanups.push(dir.remove);
		a = await startApp({ dataDir: dir.dir, env: { DATABASE_URL: db.url, REDIS_URL: redis.url, SEED: 'false', DATABASE_POOL_SIZE: '8' } });
		cleanups.push(() => stopApp(a));
	}
	const workshop = await createWorkshopOver(b.baseUrl, 'Outage');
	const board = `board/${workshop.boards[0]}`;
	const joined = await Promise.all([0, 1, 2, 3, 4].map((i) => joinOver(i % 2 ? a.baseUrl : b.baseUrl, workshop.code, `P${i}`, `Org ${i}`)));
	const servers = [a, a, b, b, b].map((app) => ({ url: `ws://127.0.0.1:${app.port}/sync` }));
	// B's people first, with their presence; then A loads the room for its first client and
	// asks B who is there: presence is not in the store, and renewals come only every 15 s.
	const clients: TestClient[] = [];
	clients[2] = connectClient(servers[2], board, joined[2].cookie);
	clients[3] = connectClient(servers[3], board, joined[3].cookie);
	const intruder = connectClient(servers[4], board, joined[4].cookie);
	cleanups.push(async () => [...clients, intruder].forEach((c) => c?.destroy()));
	await Promise.all([clients[2].synced, clients[3].synced, intruder.synced]);
	clients[2].provider.awareness.setLocalStateField('cursor', 'here');
	await sleep(300);
	clients[0] = connectClient(servers[0], board, joined[0].cookie);
	clients[1] = connectClient(servers[1], board, joined[1].cookie);
	await Promise.all(clients.map((c) => c.synced));
	await waitFor(() => presenceOf(clients[0]).get(clients[2].doc.clientID)?.user?.memberId === joined[2].memberId, 3000, "B's presence on a room A just loaded");
	const authors = joined.map((j, i) => ({ memberId: j.memberId, name: `P${i}`, organisation: `Org ${i}` }));
	const texts = (doc: Y.Doc) => JSON.stringify([...cardsOf(doc)].map(([id, c]) => [id, String(c.get('text'))]).sort());
	const same = (group: TestClient[]) => group.every((c) => texts(c.doc) === texts(group[0].doc));
	const write = (round: string) => clients.forEach((c, i) => addCard(c.doc, { author: authors[i], text: `${round} ${i}` }));

	// Malformed frames on a document's channel and on the control channel: dropped, nothing else.
	const { createClient } = await import('redis');
	const rogue = createClient({ url: redis.url });
	rogue.on('error', () => {});
	await rogue.connect();
	const id = Buffer.alloc(8, 7);
	const frame = (kind: number, payload: Buffer) => Buffer.concat([Buffer.from([kind]), id, payload]);
	for (const message of [
		Buffer.alloc(0),
		Buffer.from([1, 2, 3]),
		frame(1, Buffer.from('not a yjs update')),
		frame(1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])),
		frame(2, Buffer.from([5, 1, 2])),
		frame(2, Buffer.from([200, 1])),
		frame(9, Buffer.from('unknown kind'))
	])
		await rogue.publish(`roundtable:doc:${board}`, message);
	for (const json of [
		'{',
		'null',
		'[]',
		'{"type":5}',
		'{"type":"lock","boardId":5,"locked":"yes"}',
		'{"type":"online","workshops":"x"}',
		'{"type":"online","workshops":{"w":[1,null,{"memberId":3}]}}',
		'{"type":"role","workshopId":"w","memberId":"m","role":"admin"}',
		'{"type":"round-timer","roundId":"x","closesAt":"soon"}'
	]) {
		await rogue.publish('roundtable:control', frame(3, Buffer.from(json)));
	}
	await rogue.close();
	write('after bad frames');
	await waitFor(() => same(clients) && cardsOf(clients[0].doc).size === 4, 5000, 'edits across instances after the bad frames');

	// Redis goes away: each instance relays to its own clients still, and stores everything.
	await redis.kill();
	await sleep(200);
	write('during the outage');
	await waitFor(
		() => same(clients.slice(0, 2)) && same(clients.slice(2)) && cardsOf(clients[0].doc).size === 6 && cardsOf(clients[2].doc).size === 6,
		5000,
		'each instance serving its own clients without Redis'
	);
	expect(texts(clients[0].doc)).not.toBe(texts(clients[2].doc));
	expect(a.child.exitCode).toBeNull();
	expect(b.child.exitCode).toBeNull();
	// The facilitator locks the board on A meanwhile: B cannot hear of it through Redis now.
	expect((await formAction(a.baseUrl, `/w/${workshop.workshopId}`, 'lockBoard', { board: workshop.boards[0], on: 'true' }, workshop.cookie)).type).toBe(
		'success'
	);
	// Back (empty, same port): the instances resubscribe, re-read their rooms from Postgres, converge.
	const back = Date.now();
	await redis.start();
	await waitFor(() => same(clients) && cardsOf(clients[0].doc).size === 8, 15_000, 'convergence once Redis is back');
	const convergedMs = Date.now() - back;
	expect(texts(await storedDoc(db.sql, board))).toBe(texts(clients[0].doc));
	// B re-read the rights of its live connections: the lock holds there too.
	const refused = addCard(intruder.doc, { author: { memberId: joined[4].memberId, name: 'P4', organisation: 'Org 4' }, text: 'written while locked' });
	await sleep(800);
	expect(cardsOf(clients[0].doc).has(refused)).toBe(false);
	expect(cardsOf(await storedDoc(db.sql, board)).has(refused)).toBe(false);
	expect((await formAction(b.baseUrl, `/w/${workshop.workshopId}`, 'lockBoard', { board: workshop.boards[0], on: 'false' }, workshop.cookie)).type).toBe(
		'success'
	);
	await sleep(300);
	write('after the outage');
	await waitFor(() => same(clients) && cardsOf(clients[0].doc).size === 12, 5000, 'live again across instances');
	console.log(`[instances] converged ${convergedMs} ms after Redis came back`);
});

test('two instances closing the same round at its deadline: close_due_rounds closes it once (FOR UPDATE), the second finds nothing', async () => {
	const workshop = await createWorkshopOver(b.baseUrl, 'Deadline');
	const boardId = workshop.boards[0];
	const facilitator = connectClient({ url: `ws://127.0.0.1:${b.port}/sync` }, `board/${boardId}`, workshop.cookie);
	cleanups.push(async () => facilitator.destroy());
	await facilitator.synced;
	const memberId = JSON.parse(Buffer.from(workshop.cookie.split('=')[1].split('.')[1], 'base64url').toString()).sub;
	addCard(facilitator.doc, { author: { memberId, name: 'Fanni', organisation: '' }, text: 'Option' });
	await waitFor(async () => cardsOf(await storedDoc(db.sql, `board/${boardId}`)).size === 1, 5000, 'the card stored');
	expect(
		(
			await formAction(
				b.baseUrl,
				`/w/${workshop.workshopId}/b/${boardId}`,
				'openRound',
				{ title: 'Due', method: 'approval', source: 'cards', anonymous: 'on', minutes: '10' },
				workshop.cookie
			)
		).type
	).toBe('success');
	const [{ id: roundId }] = await db.sql<{ id: string }[]>`select id from public.rounds where board_id = ${boardId}`;
	await db.sql`update public.rounds set closes_at = now() - interval '1 second' where id = ${roundId}`;
	// The two instances' sweeps, as two sessions at the same moment: the first holds its row lock.
	const first = await db.sql.reserve();
	const second = await db.sql.reserve();
	try {
		await first`begin`;
		const closedByFirst = await first<{ round_id: string }[]>`select * from public.close_due_rounds()`;
		let secondDone = false;
		const bySecond = second<{ round_id: string }[]>`select * from public.close_due_rounds()`.then((rows) => ((secondDone = true), rows));
		await sleep(300);
		expect(secondDone).toBe(false); // waits for the first one's lock
		const closedAt = (await first<{ closed_at: Date }[]>`select closed_at from public.rounds where id = ${roundId}`)[0].closed_at;
		await first`commit`;
		const closedBySecond = await bySecond;
		expect(closedByFirst.map((r) => r.round_id)).toEqual([roundId]);
		expect(closedBySecond.filter((r) => r.round_id === roundId)).toEqual([]);
		const [after] = await db.sql<{ status: string; closed_at: Date }[]>`select status, closed_at from public.rounds where id = ${roundId}`;
		expect(after.status).toBe('closed');
		expect(after.closed_at.getTime()).toBe(closedAt.getTime());
	} finally {
		first.release();
		second.release();
	}
});

test('an instance whose Redis is not reachable at start still starts and serves its own clients', async () => {
	const dir = await tempDataDir();
	cleanups.push(dir.remove);
	const nowhere = `redis://127.0.0.1:${await freePort()}`;
	const started = Date.now();
	const alone = await startApp({ dataDir: dir.dir, env: { DATABASE_URL: db.url, REDIS_URL: nowhere, SEED: 'false', DATABASE_POOL_SIZE: '4' } });
	cleanups.push(() => stopApp(alone));
	const startMs = Date.now() - started;
	const workshop = await createWorkshopOver(alone.baseUrl, 'Alone');
	const board = `board/${workshop.boards[0]}`;
	const server = { url: `ws://127.0.0.1:${alone.port}/sync` };
	const joined = await Promise.all([0, 1].map((i) => joinOver(alone.baseUrl, workshop.code, `Q${i}`, `Org ${i}`)));
	const clients = joined.map((j) => connectClient(server, board, j.cookie));
	cleanups.push(async () => clients.forEach((c) => c.destroy()));
	await Promise.all(clients.map((c) => c.synced));
	const card = addCard(clients[0].doc, { author: { memberId: joined[0].memberId, name: 'Q0', organisation: 'Org 0' }, text: 'no Redis needed' });
	await waitFor(() => cardsOf(clients[1].doc).has(card), 5000, 'an edit relayed without Redis');
	expect(cardsOf(await storedDoc(db.sql, board)).has(card)).toBe(true);
	expect(alone.child.exitCode).toBeNull();
	expect(startMs).toBeLessThan(30_000);
});

test('shared store: compactions from two instances racing their appends lose no update', async () => {
	const workshop = await createWorkshop(db.sql);
	const [{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} limit 1`;
	const doc = `board/${boardId}`;
	const stores = [new PostgresDocumentStore(db.sql, { shared: true }), new PostgresDocumentStore(db.sql, { shared: true })];
	const writers = [new Y.Doc(), new Y.Doc()];
	const written: Uint8Array[] = [];
	let appending = true;
	const append = async (i: number) => {
		const text = writers[i].getText(`t${i}`);
		for (let n = 0; n < 150; n++) {
			let update: Uint8Array | null = null;
			writers[i].once('update', (u: Uint8Array) => (update = u));
			if (n % 5 === 4) text.delete(0, 1);
			else text.insert(text.length, `${i}:${n} `);
			written.push(update!);
			await stores[i].append([{ workshopId: workshop.workshop_id, doc, update: update! }]);
		}
	};
	let compactions = 0;
	const compact = async (i: number) => {
		while (appending) {
			await stores[i].compactStored({ workshopId: workshop.workshop_id, doc });
			compactions++;
			await sleep(5);
		}
	};
	const appends = Promise.all([append(0), append(1)]).finally(() => (appending = false));
	await Promise.all([appends, compact(0), compact(1)]);
	await stores[0].compactStored({ workshopId: workshop.workshop_id, doc });
	const stored = await storedDoc(db.sql, doc);
	expect(written).toHaveLength(300);
	expect(written.filter((u) => !holds(stored, u))).toHaveLength(0);
	expect(stored.getText('t0').toString()).toBe(writers[0].getText('t0').toString());
	expect(stored.getText('t1').toString()).toBe(writers[1].getText('t1').toString());
	expect(compactions).toBeGreaterThan(5);
	const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc}`;
	expect(n).toBe(0);
});

/** A bare websocket speaking the protocol (no provider, no reconnection), synced. */
async function rawSocket(port: number, doc: string, cookie: string): Promise<WebSocket> {
	const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${doc}`, { headers: { cookie } });
	await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
	ws.on('error', () => {});
	ws.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(new Y.Doc())));
	return ws;
}

async function waitForMeta(client: TestClient): Promise<{ clock: number }> {
	const meta = client.provider.awareness.meta.get(client.doc.clientID);
	if (!meta) throw new Error('no presence of our own');
	return meta;
}
