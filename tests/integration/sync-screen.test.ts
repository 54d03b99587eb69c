/**
 * The presenter screen at the protocol level: a real y-websocket provider holding only the
 * screen link's token. It reads the workshop's control and board documents and nothing else,
 * writes nothing, never receives a private card before the reveal or a result before the
 * facilitator shows it, and is cut off when the link is revoked.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addCard, cardsOf, readBoard } from '#lib/domain/board/board-model.js';
import { readRounds } from '#lib/domain/voting/published.js';
import { privateCardCount, readRoster } from '#lib/domain/workshop/control-model.js';
import { defaultSettings } from '#lib/domain/voting/rules.js';
import { LiveControl } from '#lib/server/live-control.js';
import { Voting } from '#lib/server/voting.js';
import { revokeScreenLink, screenToken } from '#lib/server/screen-links.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, upgradeStatus, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let other: CreatedWorkshop;
let boardId: string;
let otherBoardId: string;
let server: TestSyncServer;
let control: LiveControl;
let voting: Voting;
let token: string;
const people: Record<'facilitator' | 'anna' | 'bela', { id: string; cookie: string }> = {} as never;
const viewer = (id: string) => ({ memberId: id, workshopId: workshop.workshop_id });

/** The screen: a provider with the token on its URL and no cookie, recording every byte it receives. */
function screen(docName: string, received: string[]) {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url, docName, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: { screen: token },
		disableBc: true,
		maxBackoffTime: 200
	});
	const listen = () => {
		const ws = provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void } | null;
		ws?.addEventListener('message', (e) => received.push(Buffer.from(e.data as ArrayBuffer).toString('latin1')));
	};
	listen();
	provider.on('status', listen);
	const synced = new Promise<void>((resolve) => provider.once('sync', (s: boolean) => s && resolve()));
	return { doc, provider, synced, destroy: () => (provider.destroy(), doc.destroy()) };
}

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql, { title: 'Kivetítő próba' });
	other = await createWorkshop(db.sql, { title: 'Másik műhely' });
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	[{ id: otherBoardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${other.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	control = new LiveControl(db.sql, server.sync);
	voting = new Voting(db.sql, server.sync);
	const w = workshop.workshop_id;
	people.facilitator = { id: workshop.member_id, cookie: await sessionCookie(server.sessionKey, w, workshop.member_id, 'facilitator') };
	for (const [name, org] of [
		['anna', 'Innoskart'],
		['bela', 'NOHAC']
	] as const) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, org);
		people[name] = { id: member_id, cookie: await sessionCookie(server.sessionKey, w, member_id) };
	}
	token = (await screenToken(db.sql, viewer(people.facilitator.id), { create: true }))!;
	// Participants may not make or read the link.
	expect(await screenToken(db.sql, viewer(people.anna.id), { create: true })).toBeNull();
});

afterAll(async () => {
	voting?.stop();
	await server?.close();
	await db?.drop();
});

test('the screen reads the room and never receives a private card before the reveal, nor results before they are shown', async () => {
	const received: string[] = [];
	const wallControl = screen(`control/${workshop.workshop_id}`, received);
	const wallBoard = screen(`board/${boardId}`, received);
	await Promise.all([wallControl.synced, wallBoard.synced]);

	await control.publishRoster(workshop.workshop_id);
	await waitFor(() => readRoster(wallControl.doc).length === 3, 5000, 'the members on the wall');

	await control.setPrivate(workshop.workshop_id, boardId, true);
	const secret = 'TITKOS-ÖTLET-7f3a';
	const anna = connectClient(server, `draft/${boardId}/${people.anna.id}`, people.anna.cookie);
	await anna.synced;
	for (const n of ['egy', 'kettő'])
		addCard(anna.doc, { author: { memberId: people.anna.id, name: 'anna', organisation: 'Innoskart' }, text: `${secret} ${n}` });
	// The wall learns how many, from the server …
	await waitFor(() => privateCardCount(wallControl.doc, boardId) === 2, 5000, 'the count on the wall');
	// … and nothing of what.
	expect(cardsOf(wallBoard.doc).size).toBe(0);
	expect(received.join('')).not.toContain('TITKOS');

	await control.reveal(workshop.workshop_id, boardId);
	await waitFor(() => readBoard(wallBoard.doc).cardCount === 2, 5000, 'revealed cards on the wall');
	await waitFor(() => privateCardCount(wallControl.doc, boardId) === 0, 5000, 'nothing waiting');
	anna.destroy();

	// A round: no results on the wire while it is open or closed, only after the reveal.
	const roundId = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Értékek',
		source: 'cards',
		settings: defaultSettings('dots'),
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	const [first] = readBoard(wallBoard.doc).ungrouped;
	await voting.cast(viewer(people.anna.id), roundId, [{ option: first.id, criterion: 0, value: 2 }]);
	await voting.cast(viewer(people.bela.id), roundId, [{ option: first.id, criterion: 0, value: 1 }]);
	await waitFor(() => readRounds(wallControl.doc, boardId)[0]?.turnout.voted === 2, 5000, 'turnout on the wall');
	await voting.close(viewer(people.facilitator.id), roundId);
	await waitFor(() => readRounds(wallControl.doc, boardId)[0].status === 'closed', 5000, 'closed');
	expect(readRounds(wallControl.doc, boardId)[0].aggregate).toBeNull();
	expect(received.join('')).not.toContain('"cells"');
	await voting.reveal(viewer(people.facilitator.id), roundId);
	await waitFor(() => readRounds(wallControl.doc, boardId)[0].aggregate !== null, 5000, 'results on the wall');
	// The screen is nobody: it does not count as present in any turnout.
	expect([...(await server.sync.onlineMembers(workshop.workshop_id)).values()].filter((u) => u.role === 'participant')).toEqual([]);
	for (const c of [wallControl, wallBoard]) c.destroy();
});

test('turnout counts participants present, and a facilitator only once they voted', async () => {
	const annaControl = connectClient(server, `control/${workshop.workshop_id}`, people.anna.cookie);
	const facControl = connectClient(server, `control/${workshop.workshop_id}`, people.facilitator.cookie);
	await Promise.all([annaControl.synced, facControl.synced]);
	const roundId = await voting.open(viewer(people.facilitator.id), {
		boardId,
		title: 'Második forduló',
		source: 'cards',
		settings: defaultSettings('approval'),
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	const round = () => readRounds(annaControl.doc, boardId).find((r) => r.id === roundId);
	await waitFor(() => !!round(), 5000, 'the round');
	expect(round()!.turnout).toMatchObject({ voted: 0, present: 1 });
	await voting.cast(viewer(people.facilitator.id), roundId, [{ option: round()!.options[0].id, criterion: 0, value: 1 }]);
	await waitFor(() => round()!.turnout.voted === 1, 5000, "the facilitator's ballot");
	expect(round()!.turnout).toMatchObject({ voted: 1, present: 2 });
	await voting.close(viewer(people.facilitator.id), roundId);
	for (const c of [annaControl, facControl]) c.destroy();
});

test('the screen writes nothing, opens no draft and no other workshop, and is cut off when its link is revoked', async () => {
	const url = (doc: string, t = token) => `${server.url}/${doc}?screen=${t}`;
	expect(await upgradeStatus(url(`draft/${boardId}/${people.anna.id}`))).toBe(403);
	expect(await upgradeStatus(url(`board/${otherBoardId}`))).toBe(403);
	expect(await upgradeStatus(url(`control/${other.workshop_id}`))).toBe(403);
	expect(await upgradeStatus(url(`control/${workshop.workshop_id}`, 'B'.repeat(43)))).toBe(401);

	const received: string[] = [];
	const wall = screen(`board/${boardId}`, received);
	await wall.synced;
	const before = readBoard(wall.doc).cardCount;
	addCard(wall.doc, { author: { memberId: people.anna.id, name: 'anna', organisation: 'Innoskart' }, text: 'a kivetítő nem írhat' });
	// Answered "permission denied" (y-protocols' auth message), never applied.
	await waitFor(() => received.join('').includes('read-only access'), 5000, 'the refusal');
	const fresh = connectClient(server, `board/${boardId}`, people.bela.cookie);
	await fresh.synced;
	expect(readBoard(fresh.doc).cardCount).toBe(before);
	wall.destroy();

	const watching = screen(`control/${workshop.workshop_id}`, received);
	await watching.synced;
	const cut = new Promise<number>((resolve) => (watching.provider.ws as unknown as WebSocket).addEventListener('close', (e) => resolve(e.code)));
	expect(await revokeScreenLink(db.sql, server.sync, viewer(people.facilitator.id))).toBe(true);
	expect(await cut).toBe(4403);
	expect(await upgradeStatus(url(`control/${workshop.workshop_id}`))).toBe(401);
	watching.destroy();
	fresh.destroy();
});
