import * as Y from 'yjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addCard, addGroup } from '#lib/domain/board/board-model.js';
import { readRounds } from '#lib/domain/voting/published.js';
import { readBoardControl } from '#lib/domain/workshop/control-model.js';
import { Voting } from '#lib/server/voting.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { defaultSettings } from '#lib/domain/voting/rules.js';
import { createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';
import { POOLED, type Mark } from '#lib/domain/voting/types.js';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
let voting: Voting;
const people: Record<'facilitator' | 'anna' | 'bela', { id: string; cookie: string }> = {} as never;
const viewer = (id: string) => ({ memberId: id, workshopId: workshop.workshop_id });
const cards: Record<string, string> = {};

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	voting = new Voting(db.sql, server.sync);
	const w = workshop.workshop_id;
	people.facilitator = { id: workshop.member_id, cookie: await sessionCookie(server.sessionKey, w, workshop.member_id, 'facilitator') };
	for (const name of ['anna', 'bela'] as const) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, `${name} cluster`);
		people[name] = { id: member_id, cookie: await sessionCookie(server.sessionKey, w, member_id) };
	}
	// The board's content, written as the server would write it.
	await server.sync.write({ doc: parseDocName(`board/${boardId}`)!, workshopId: w }, (doc: Y.Doc) => {
		const author = { memberId: workshop.member_id, name: 'F', organisation: '' };
		const group = addGroup(doc, 'People');
		for (const text of ['Trust', 'Openness', '', 'Courage']) cards[text] = addCard(doc, { author, text, group });
	});
});

afterAll(async () => {
	voting?.stop();
	await server?.close();
	await db?.drop();
});

test('a round reaches every connected screen live; results only once everyone may see them; clients cannot forge rounds', async () => {
	const anna = connectClient(server, `control/${workshop.workshop_id}`, people.anna.cookie);
	const facilitator = connectClient(server, `control/${workshop.workshop_id}`, people.facilitator.cookie);
	await Promise.all([anna.synced, facilitator.synced]);

	const roundId = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Values',
		source: 'cards',
		settings: defaultSettings('dots'),
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	await waitFor(() => readRounds(anna.doc, boardId).length === 1, 5000, "the round on Anna's screen");
	const [round] = readRounds(anna.doc, boardId);
	// Options frozen from the board, empty cards left out, in board order.
	expect(round.options.map((o) => o.label)).toEqual(['Trust', 'Openness', 'Courage']);
	expect(round.status).toBe('open');
	await waitFor(() => readBoardControl(anna.doc, boardId).phase === 'vote', 5000, 'the vote phase');

	const ballot: Mark[] = [{ option: cards.Openness, criterion: 0, value: 3 }];
	await voting.cast(viewer(people.anna.id), roundId, ballot);
	await voting.cast(viewer(people.bela.id), roundId, [{ option: cards.Trust, criterion: 0, value: 2 }]);
	await waitFor(() => readRounds(anna.doc, boardId)[0].turnout.voted === 2, 5000, 'turnout 2');
	// Who may vote: Anna has the workshop open; the facilitator (open too) runs the room and counts
	// only once they vote; Béla voted without a connection here (screens show at least the voters).
	expect(readRounds(anna.doc, boardId)[0].turnout).toMatchObject({ voted: 2, organisations: 2, proxies: 0, present: 1 });
	// Not live, not revealed: nothing of the results is in the document anyone holds.
	expect(readRounds(anna.doc, boardId)[0].aggregate).toBeNull();
	expect(JSON.stringify(anna.doc.getMap('rounds').toJSON())).not.toContain('"cells"');

	// A participant cannot close, reveal, or write the rounds into the control document.
	expect((await rejection(voting.close(viewer(people.anna.id), roundId))).message).toBe('not_allowed');
	const annaWrite = new Y.Doc();
	Y.applyUpdate(annaWrite, Y.encodeStateAsUpdate(anna.doc));
	const forged = connectClient(server, `control/${workshop.workshop_id}`, people.anna.cookie, annaWrite);
	await forged.synced;
	annaWrite.getMap('rounds').set(roundId, JSON.stringify({ ...round, status: 'revealed' }));
	// Even a facilitator's client may not write this root: only the server publishes rounds.
	const facWrite = facilitator.doc;
	facWrite.getMap('rounds').set('forged', JSON.stringify({ ...round, id: 'forged' }));
	await new Promise((r) => setTimeout(r, 500));
	const fresh = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
	await fresh.synced;
	expect(readRounds(fresh.doc, boardId).map((r) => [r.id, r.status])).toEqual([[roundId, 'open']]);

	await voting.close(viewer(people.facilitator.id), roundId);
	await waitFor(() => readRounds(fresh.doc, boardId)[0].status === 'closed', 5000, 'closed');
	expect(readRounds(fresh.doc, boardId)[0].aggregate).toBeNull();
	await voting.reveal(viewer(people.facilitator.id), roundId);
	await waitFor(() => readRounds(fresh.doc, boardId)[0].aggregate !== null, 5000, 'results published');
	// Anonymous, one voter per organisation: the published aggregate names none of them.
	expect(readRounds(fresh.doc, boardId)[0].aggregate!.voters).toEqual([{ organisation: POOLED, count: 2, proxies: 0, pooled: true, organisations: 2 }]);
	expect(JSON.stringify(readRounds(fresh.doc, boardId)[0].aggregate)).not.toMatch(/anna cluster|bela cluster/);
	for (const c of [anna, facilitator, forged, fresh]) c.destroy();
});

test('a timed round closes by itself, and the next round can take the best of it', async () => {
	const roundId = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Short list',
		source: 'cards',
		settings: { ...defaultSettings('dots'), anonymous: false, resultsLive: true },
		seconds: 10,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	await voting.cast(viewer(people.anna.id), roundId, [
		{ option: cards.Courage, criterion: 0, value: 3 },
		{ option: cards.Trust, criterion: 0, value: 1 }
	]);
	// Make the timer run out now rather than in ten seconds.
	await db.sql`update public.rounds set closes_at = now() where id = ${roundId}`;
	const restarted = new Voting(db.sql, server.sync);
	await restarted.resume();
	const watcher = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
	await watcher.synced;
	await waitFor(() => readRounds(watcher.doc, boardId).find((r) => r.id === roundId)?.status === 'closed', 5000, 'closed by its timer');
	restarted.stop();

	const next = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Final',
		source: 'previous',
		settings: defaultSettings('ranking'),
		seconds: null,
		chosen: [],
		parentRound: roundId,
		parentTop: 2
	});
	await waitFor(() => readRounds(watcher.doc, boardId).some((r) => r.id === next), 5000, 'the next round');
	const final = readRounds(watcher.doc, boardId).find((r) => r.id === next)!;
	// Courage 3 dots, Trust 1: the two best, with the card ids of the first round (so rounds compare).
	expect(final.options.map((o) => [o.id, o.label])).toEqual([
		[cards.Courage, 'Courage'],
		[cards.Trust, 'Trust']
	]);
	expect(final.parentRound).toBe(roundId);
	await voting.close(viewer(people.facilitator.id), next);
	watcher.destroy();
});

test('watchers of an anonymous round with live results never see the totals move by one ballot', async () => {
	const watcher = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
	await watcher.synced;
	const roundId = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Live',
		source: 'cards',
		settings: { ...defaultSettings('dots'), anonymous: true, resultsLive: true },
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	// Everything the watcher's document ever held for this round, in order.
	const seen: { status: string; voters: number | null }[] = [];
	const record = () => {
		const round = readRounds(watcher.doc, boardId).find((r) => r.id === roundId);
		if (!round) return;
		const voters = round.aggregate ? round.aggregate.voters.reduce((n, v) => n + v.count, 0) : null;
		const last = seen.at(-1);
		if (!last || last.status !== round.status || last.voters !== voters) seen.push({ status: round.status, voters });
	};
	watcher.doc.on('update', record);
	record();
	const voters = [people.anna.id, people.bela.id];
	for (const name of ['Cecil', 'Dénes', 'Edit']) voters.push((await joinWorkshop(db.sql, workshop.join_code, name, `${name} cluster`)).member_id);
	for (const [i, id] of voters.entries()) {
		await voting.cast(viewer(id), roundId, [{ option: cards.Trust, criterion: 0, value: 1 + (i % 3) }]);
		await waitFor(() => readRounds(watcher.doc, boardId).find((r) => r.id === roundId)?.turnout.voted === i + 1, 5000, `turnout ${i + 1}`);
	}
	// The turnout moved with each ballot; the totals did not.
	expect(seen.filter((s) => s.status === 'open' && s.voters !== null)).toEqual([]);
	await voting.close(viewer(people.facilitator.id), roundId);
	await waitFor(() => readRounds(watcher.doc, boardId).find((r) => r.id === roundId)?.aggregate != null, 5000, 'results at the close');
	watcher.doc.off('update', record);
	// The first results anyone saw hold all five ballots at once.
	expect(seen.filter((s) => s.voters !== null)).toEqual([{ status: 'closed', voters: 5 }]);
	watcher.destroy();
});
