import { afterAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf, deleteCard, editCardText, readBoard } from '#lib/domain/board/board-model.js';
import { readRounds, type PublishedRound } from '#lib/domain/voting/published.js';
import type { Mark } from '#lib/domain/voting/types.js';
import { connectClient, waitFor, type TestClient } from '../integration/sync-helpers';
import { createWorkshopOver, joinOver, startApp, tempDataDir, type AppProcess } from '../e2e/app-process';
import { appDatabase, formAction, holds, percentile, sleep, storedDoc } from './helpers';

/**
 * The crash loop of issue #7: one app process (the real build, its own embedded Postgres)
 * killed with SIGKILL at a random moment, ROUNDS times, while four people edit cards over
 * real y-websocket providers and six cast and recast ballots over HTTP. After each kill the
 * database the app left behind is read directly (its Postgres outlives the app) and held to
 * what the clients saw: every update any client had received from the server is in it (the
 * server relays only what it committed), and every ballot the app acknowledged is stored,
 * once, as the member's last acknowledged one (or a later one whose answer the kill ate).
 * After each restart the providers reconnect by themselves and must converge within 5 s;
 * the published results must show the stored ballots within the same 5 s.
 */

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 50);
/** The SIGKILL comes uniformly within this window after the round's edits start. */
const KILL_WINDOW_MS: [number, number] = [150, 1000];
const CONVERGE_MS = 5000;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c().catch((e) => console.error(e));
});

const uniform = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
const memberOf = (cookie: string): string => JSON.parse(Buffer.from(cookie.split('=')[1].split('.')[1], 'base64url').toString()).sub;

/** One ballot as a comparable string (null: no ballot). */
const canonical = (marks: Mark[] | null) =>
	marks === null
		? 'none'
		: JSON.stringify([...marks].sort((a, b) => a.option.localeCompare(b.option) || a.criterion - b.criterion).map((m) => [m.option, m.criterion, m.value]));

/** A valid dot ballot: exactly `dots` dots, at most `max` on one option. */
function randomBallot(options: string[], dots: number, max: number): Mark[] {
	const on = new Map<string, number>();
	for (let left = dots; left > 0;) {
		const id = pick(options);
		if ((on.get(id) ?? 0) >= max) continue;
		on.set(id, (on.get(id) ?? 0) + 1);
		left--;
	}
	return [...on].map(([option, value]) => ({ option, criterion: 0, value }));
}

interface Peer {
	name: string;
	memberId: string;
	client: TestClient;
	/** Every update this client received from the server since the last check. */
	received: Uint8Array[];
	/** Close codes the server ended this client's connections with (4xxx would stop a browser). */
	closes: number[];
}

interface Voter {
	name: string;
	organisation: string;
	cookie: string;
	memberId: string;
	/** The ballot the database holds as far as we know (null: none). */
	known: Mark[] | null;
	/** Sent after `known`, answer lost (the kill): stored or not, either is right. */
	uncertain: Mark[][];
	acked: number;
}

test(`${ROUNDS} SIGKILLs while people edit and vote: nothing anyone saw or was told is lost, all converge within 5 s`, async () => {
	const started = Date.now();
	const data = await tempDataDir();
	cleanups.push(data.remove);
	let app: AppProcess = await startApp({ dataDir: data.dir });
	cleanups.push(async () => {
		app.child.kill('SIGTERM');
		const stopped = await Promise.race([app.exited.then(() => true), sleep(15_000).then(() => false)]);
		if (!stopped) app.child.kill('SIGKILL');
		// A SIGKILLed app leaves its Postgres running: stop it, or it outlives the test.
		const db = await appDatabase(data.dir).catch(() => null);
		if (db) {
			await db.sql.end({ timeout: 1 });
			try {
				process.kill(db.pid, 'SIGINT');
			} catch {
				// already gone
			}
		}
	});

	// The workshop, four editors and two more voters, each of their own organisation (so the
	// published aggregate of the named round, per organisation, shows each member's ballot).
	const workshop = await createWorkshopOver(app.baseUrl, 'Crash loop');
	const boardId = workshop.boards[0];
	const docName = `board/${boardId}`;
	const boardPath = `/w/${workshop.workshopId}/b/${boardId}`;
	const people = ['Anna', 'Béla', 'Csilla', 'Dénes', 'Erika', 'Ferenc'];
	const joined = await Promise.all(people.map((name, i) => joinOver(app.baseUrl, workshop.code, name, `Org ${i}`)));
	const sync = { url: `ws://127.0.0.1:${app.port}/sync` };

	// The voting round's options: the facilitator's cards.
	const facilitator = connectClient(sync, docName, workshop.cookie);
	await facilitator.synced;
	const facilitatorId = memberOf(workshop.cookie);
	for (let i = 0; i < 6; i++) addCard(facilitator.doc, { author: { memberId: facilitatorId, name: 'Fanni', organisation: '' }, text: `Option ${i + 1}` });
	const peers: Peer[] = joined.slice(0, 4).map((j, i) => {
		const peer: Peer = { name: people[i], memberId: j.memberId, client: connectClient(sync, docName, j.cookie), received: [], closes: [] };
		peer.client.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === peer.client.provider) peer.received.push(update);
		});
		peer.client.provider.on('connection-close', (event: CloseEvent | null) => {
			if (event && event.code >= 4000) peer.closes.push(event.code);
		});
		return peer;
	});
	await Promise.all(peers.map((p) => p.client.synced));
	await waitFor(() => peers.every((p) => cardsOf(p.client.doc).size === 6), 5000, 'the options on every client');
	facilitator.destroy();
	const opened = await formAction(
		app.baseUrl,
		boardPath,
		'openRound',
		{ title: 'Crash vote', method: 'dots', source: 'cards', dots: '3', maxPerOption: '2', resultsLive: 'on' },
		workshop.cookie
	);
	expect(opened.type).toBe('success');
	// Everyone's screen follows the round in the control document.
	const control = connectClient(sync, `control/${workshop.workshopId}`, joined[0].cookie);
	await control.synced;
	let round: PublishedRound | undefined;
	await waitFor(() => (round = readRounds(control.doc, boardId)[0]) !== undefined, 5000, 'the round published');
	const roundId = round!.id;
	const optionIds = round!.options.map((o) => o.id);
	expect(optionIds).toHaveLength(6);
	const voters: Voter[] = joined.map((j, i) => ({
		name: people[i],
		organisation: `Org ${i}`,
		cookie: j.cookie,
		memberId: j.memberId,
		known: null,
		uncertain: [],
		acked: 0
	}));

	const stats = { restartMs: [] as number[], convergeMs: [] as number[], publishedMs: [] as number[], edits: 0, received: 0, refusedAnswers: 0 };
	let running = false;
	let editing = false;
	let finished = false;
	let roundNo = 0;

	/**
	 * One person editing their own cards at typing speed (add, type, rewrite, delete) all
	 * along: while the server is up, while it is gone, and while it comes back — only the
	 * convergence check pauses them.
	 */
	async function edit(peer: Peer): Promise<void> {
		const doc = peer.client.doc;
		const author = { memberId: peer.memberId, name: peer.name, organisation: `Org ${people.indexOf(peer.name)}` };
		for (let n = 0; !finished; n++) {
			await sleep(uniform(8, 40));
			if (!editing) continue;
			const own = [...cardsOf(doc).entries()].filter(([, c]) => c.get('author') === peer.memberId).map(([id]) => id);
			const r = Math.random();
			if (own.length < 2 || (r < 0.08 && own.length < 4)) addCard(doc, { author, text: `${peer.name} r${roundNo} #${n}` });
			else if (r < 0.12) deleteCard(doc, pick(own));
			else {
				const id = pick(own);
				const text = String(cardsOf(doc).get(id)?.get('text') ?? '');
				// Mostly typing at the end; sometimes a rewrite.
				editCardText(doc, id, r < 0.9 && text.length < 200 ? `${text} r${roundNo}#${n}` : `${peer.name} rewrote r${roundNo} #${n}`);
			}
			stats.edits++;
		}
	}

	/** One member casting and recasting, one request at a time, as a phone would. */
	async function vote(voter: Voter): Promise<void> {
		while (running) {
			const ballot = randomBallot(optionIds, 3, 2);
			try {
				const answer = await formAction(app.baseUrl, boardPath, 'vote', { round: roundId, marks: JSON.stringify(ballot) }, voter.cookie);
				if (answer.type === 'success') {
					voter.known = ballot;
					voter.uncertain = [];
					voter.acked++;
				} else {
					// An answer other than success from a healthy app is a defect; counted and asserted below.
					stats.refusedAnswers++;
					voter.uncertain.push(ballot);
				}
			} catch {
				voter.uncertain.push(ballot); // the connection died with the app: stored or not
			}
			await sleep(uniform(20, 200));
		}
	}

	const converged = () => {
		if (![...peers.map((p) => p.client), control].every((c) => c.provider.wsconnected && c.provider.synced)) return false;
		const vectors = peers.map((p) => Buffer.from(Y.encodeStateVector(p.client.doc)).toString('base64'));
		const boards = peers.map((p) => JSON.stringify(readBoard(p.client.doc)));
		return vectors.every((v) => v === vectors[0]) && boards.every((b) => b === boards[0]);
	};

	const editors = peers.map((p) => edit(p));
	for (let r = 1; r <= ROUNDS; r++) {
		roundNo = r;
		// Edit and vote, then the kill: no shutdown, no flush.
		editing = true;
		running = true;
		const votes = voters.filter(() => Math.random() < 0.6).map((v) => vote(v));
		await sleep(uniform(...KILL_WINDOW_MS));
		app.child.kill('SIGKILL');
		const killedAt = Date.now();
		await app.exited;
		running = false;
		await Promise.all(votes);
		// People keep typing while the server is gone (those edits are theirs alone until it is back).
		await sleep(uniform(0, 300));

		// The database as the app left it: its Postgres is still up.
		const db = await appDatabase(data.dir);
		try {
			const stored = await storedDoc(db.sql, docName);
			for (const peer of peers) {
				if (peer.received.length === 0) continue;
				stats.received += peer.received.length;
				const merged = Y.mergeUpdates(peer.received);
				expect(holds(stored, merged), `round ${r}: ${peer.name} received an update the database does not have`).toBe(true);
				peer.received = [];
			}
			stored.destroy();
			await checkBallots(db.sql, r);
		} finally {
			await db.sql.end({ timeout: 1 });
		}

		// Same data directory, same port: the providers come back by themselves.
		const restarting = Date.now();
		app = await startApp({ dataDir: data.dir, port: app.port });
		const listening = Date.now();
		stats.restartMs.push(listening - killedAt);
		// …and while their providers reconnect; then they pause, and everyone must agree.
		await sleep(uniform(0, 800));
		editing = false;
		await waitFor(converged, CONVERGE_MS * 2, `round ${r}: clients converging`).catch(() => {});
		const convergeMs = Date.now() - listening;
		stats.convergeMs.push(convergeMs);
		expect(
			peers.flatMap((p) => p.closes),
			`round ${r}: the server closed a client with an application code`
		).toEqual([]);
		expect(convergeMs, `round ${r}: clients converged ${convergeMs} ms after the restart (spawned ${listening - restarting} ms before)`).toBeLessThan(
			CONVERGE_MS
		);
		await waitFor(() => publishedMatches(), CONVERGE_MS, `round ${r}: the published results showing the stored ballots`).catch(() => {});
		stats.publishedMs.push(Date.now() - listening);
		expect(publishedBallots(), `round ${r}: published results`).toEqual(expectedBallots());

		// The server's copy is the clients' copy (a client that held nothing loads it).
		const fresh = connectClient(sync, docName, joined[0].cookie);
		await fresh.synced;
		await waitFor(
			() => Buffer.from(Y.encodeStateVector(fresh.doc)).equals(Buffer.from(Y.encodeStateVector(peers[0].client.doc))),
			5000,
			`round ${r}: a fresh client loading the converged board`
		);
		expect(JSON.stringify(readBoard(fresh.doc))).toBe(JSON.stringify(readBoard(peers[0].client.doc)));
		fresh.destroy();
	}

	/**
	 * The stored ballots against what members were told: a member's stored ballot is the last
	 * one acknowledged, or one sent later whose answer was lost in the kill. Whatever is
	 * stored is then what they hold, for the next round.
	 */
	async function checkBallots(sql: Awaited<ReturnType<typeof appDatabase>>['sql'], r: number): Promise<void> {
		const rows = await sql<{ member_id: string; option_id: string; criterion: number; value: number }[]>`
			select b.member_id, m.option_id, m.criterion, m.value
			from public.ballots b join public.ballot_marks m using (round_id, member_id)
			where b.round_id = ${roundId}`;
		const [{ ballots }] = await sql<{ ballots: number }[]>`select count(*)::int as ballots from public.ballots where round_id = ${roundId}`;
		const stored = new Map<string, Mark[]>();
		for (const row of rows)
			stored.set(row.member_id, [...(stored.get(row.member_id) ?? []), { option: row.option_id, criterion: row.criterion, value: row.value }]);
		expect(
			[...stored.keys()].every((id) => voters.some((v) => v.memberId === id)),
			`round ${r}: ballots of members who never voted`
		).toBe(true);
		for (const voter of voters) {
			const allowed = [voter.known, ...voter.uncertain].map(canonical);
			const actual = canonical(stored.get(voter.memberId) ?? null);
			expect(allowed, `round ${r}: ${voter.name}'s stored ballot`).toContain(actual);
			voter.known = stored.get(voter.memberId) ?? null;
			voter.uncertain = [];
		}
		expect(ballots, `round ${r}: one ballot per member`).toBe(voters.filter((v) => v.known).length);
	}

	/** Each organisation's marks in the published aggregate (one member per organisation). */
	function publishedBallots(): Record<string, string> {
		const published = readRounds(control.doc, boardId).find((x) => x.id === roundId);
		const byOrganisation: Record<string, Mark[]> = {};
		for (const cell of published?.aggregate?.cells ?? []) {
			for (let i = 0; i < cell.count; i++)
				(byOrganisation[cell.organisation] ??= []).push({ option: cell.option, criterion: cell.criterion, value: cell.value });
		}
		const voted = published?.turnout.voted ?? -1;
		return { ...Object.fromEntries(Object.entries(byOrganisation).map(([o, marks]) => [o, canonical(marks)])), voted: String(voted) };
	}

	function expectedBallots(): Record<string, string> {
		const withBallot = voters.filter((v) => v.known);
		return { ...Object.fromEntries(withBallot.map((v) => [v.organisation, canonical(v.known)])), voted: String(withBallot.length) };
	}

	function publishedMatches(): boolean {
		const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
		return sorted(publishedBallots()) === sorted(expectedBallots());
	}

	finished = true;
	await Promise.all(editors);
	expect(stats.refusedAnswers, 'casts answered with anything but success').toBe(0);
	expect(stats.edits).toBeGreaterThan(ROUNDS * 20);
	expect(voters.reduce((n, v) => n + v.acked, 0)).toBeGreaterThan(ROUNDS);
	const r0 = (x: number) => Math.round(x);
	console.log(
		`[crash-loop] ${ROUNDS} rounds in ${r0((Date.now() - started) / 1000)} s · ${stats.edits} edits, ${stats.received} updates received and found in the database · ` +
			`${voters.reduce((n, v) => n + v.acked, 0)} ballots acknowledged, ${voters.filter((v) => v.known).length} stored · ` +
			`restart (kill → listening) p50 ${r0(percentile(stats.restartMs, 50))} ms, max ${r0(Math.max(...stats.restartMs))} ms · ` +
			`convergence after restart p50 ${r0(percentile(stats.convergeMs, 50))} ms, worst ${r0(Math.max(...stats.convergeMs))} ms · ` +
			`published results worst ${r0(Math.max(...stats.publishedMs))} ms`
	);
	for (const p of peers) p.client.destroy();
	control.destroy();
});
