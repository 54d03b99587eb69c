import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addCard, cardsOf, readBoard } from '#lib/domain/board/board-model.js';
import { readBoardControl, readSession, secondsLeft } from '#lib/domain/workshop/control-model.js';
import { LiveControl } from '#lib/server/live-control.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, upgradeStatus, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
let control: LiveControl;
const people: Record<'facilitator' | 'anna' | 'bela', { id: string; cookie: string }> = {} as never;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	control = new LiveControl(db.sql, server.sync);
	const w = workshop.workshop_id;
	people.facilitator = { id: workshop.member_id, cookie: await sessionCookie(server.sessionKey, w, workshop.member_id, 'facilitator') };
	for (const name of ['anna', 'bela'] as const) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, `${name} cluster`);
		people[name] = { id: member_id, cookie: await sessionCookie(server.sessionKey, w, member_id) };
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

describe('private brainstorming', () => {
	test('no other client receives a draft before the reveal; after it, everyone sees the cards with their authors', async () => {
		await control.setPrivate(workshop.workshop_id, boardId, true);
		const secret = 'SECRET-DRAFT-MARKER-7f3a';
		// Béla watches the board and the control document, recording every byte he receives.
		const received: Uint8Array[] = [];
		const bela = connectClient(server, `board/${boardId}`, people.bela.cookie);
		const belaControl = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
		for (const c of [bela, belaControl]) {
			const ws = c.provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void } | null;
			ws?.addEventListener('message', (e) => received.push(new Uint8Array(e.data)));
			c.provider.on('status', () => {
				const again = c.provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void } | null;
				again?.addEventListener('message', (e) => received.push(new Uint8Array(e.data)));
			});
		}
		await Promise.all([bela.synced, belaControl.synced]);
		expect(readBoardControl(belaControl.doc, boardId).private).toBe(true);

		const anna = connectClient(server, `draft/${boardId}/${people.anna.id}`, people.anna.cookie);
		await anna.synced;
		addCard(anna.doc, { author: { memberId: people.anna.id, name: 'anna', organisation: 'anna cluster' }, text: `${secret} one` });
		addCard(anna.doc, { author: { memberId: people.anna.id, name: 'anna', organisation: 'anna cluster' }, text: `${secret} two` });
		// The draft is durable (a reconnecting Anna gets it back from the server) …
		const annaAgain = connectClient(server, `draft/${boardId}/${people.anna.id}`, people.anna.cookie);
		await waitFor(() => cardsOf(annaAgain.doc).size === 2, 5000, 'draft stored');
		annaAgain.destroy();
		// … and nobody else may open it.
		expect(await upgradeStatus(`${server.url}/draft/${boardId}/${people.anna.id}`, { cookie: people.bela.cookie })).toBe(403);
		expect(await upgradeStatus(`${server.url}/draft/${boardId}/${people.anna.id}`, { cookie: people.facilitator.cookie })).toBe(403);
		await new Promise((r) => setTimeout(r, 200));
		const bytesSeen = () => Buffer.concat(received.map((b) => Buffer.from(b))).toString('latin1');
		expect(received.length).toBeGreaterThan(0);
		expect(bytesSeen()).not.toContain(secret);
		expect(cardsOf(bela.doc).size).toBe(0);

		const moved = await control.reveal(workshop.workshop_id, boardId);
		expect(moved).toEqual({ revealed: 2, notRevealed: 0 });
		await waitFor(() => cardsOf(bela.doc).size === 2, 5000, 'revealed cards reach Béla');
		const view = readBoard(bela.doc);
		expect(view.ungrouped.map((c) => c.text).sort()).toEqual([`${secret} one`, `${secret} two`]);
		expect(view.ungrouped.every((c) => c.author === people.anna.id && c.organisation === 'anna cluster')).toBe(true);
		await waitFor(() => readBoardControl(belaControl.doc, boardId).private === false, 5000, 'private mode ends');
		await waitFor(() => cardsOf(anna.doc).size === 0, 5000, 'the draft is emptied');
		for (const c of [anna, bela, belaControl]) c.destroy();
	});
});

describe('facilitator controls reach every screen', () => {
	test('phase, focus, timer and lock arrive live in the control document', async () => {
		const watcher = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
		await watcher.synced;
		await control.setPhase(workshop.workshop_id, boardId, 'cluster');
		await control.bringEveryoneTo(workshop.workshop_id, boardId);
		await control.startTimer({ memberId: people.facilitator.id, workshopId: workshop.workshop_id }, { boardId, seconds: 90, lock: true });
		await waitFor(() => readSession(watcher.doc).timerEnd !== null, 5000, 'timer arrives');
		expect(readBoardControl(watcher.doc, boardId).phase).toBe('cluster');
		const session = readSession(watcher.doc);
		expect(session.focusBoard).toBe(boardId);
		expect(session.focusSeq).toBe(1);
		expect(session.timerLock).toBe(true);
		// Every device computes the same remaining seconds from the end time and server time.
		expect(secondsLeft(session.timerEnd, Date.now())).toBeGreaterThanOrEqual(89);
		expect(secondsLeft(session.timerEnd, Date.now())).toBeLessThanOrEqual(90);

		const writer = connectClient(server, `board/${boardId}`, people.anna.cookie);
		await writer.synced;
		const locked = await control.lock({ memberId: people.facilitator.id, workshopId: workshop.workshop_id }, boardId, true);
		expect(locked).toBe(true);
		await waitFor(() => readBoardControl(watcher.doc, boardId).locked, 5000, 'lock mirrored');
		const before = cardsOf(writer.doc).size;
		addCard(writer.doc, { author: { memberId: people.anna.id, name: 'anna', organisation: 'anna cluster' }, text: 'while locked' });
		await new Promise((r) => setTimeout(r, 200));
		const check = connectClient(server, `board/${boardId}`, people.bela.cookie);
		await check.synced;
		expect(cardsOf(check.doc).size).toBe(before);
		// A participant cannot lock: the database refuses it (RLS), nothing changes.
		expect(await control.lock({ memberId: people.anna.id, workshopId: workshop.workshop_id }, boardId, false)).toBe(false);
		expect((await db.sql`select locked from public.boards where id = ${boardId}`)[0].locked).toBe(true);
		await control.lock({ memberId: people.facilitator.id, workshopId: workshop.workshop_id }, boardId, false);
		for (const c of [watcher, writer, check]) c.destroy();
	});

	test('a timer set to lock the board locks it when it reaches zero', async () => {
		const facilitator = { memberId: people.facilitator.id, workshopId: workshop.workshop_id };
		await control.startTimer(facilitator, { boardId, seconds: 1, lock: true });
		await waitFor(async () => (await db.sql`select locked from public.boards where id = ${boardId}`)[0].locked === true, 4000, 'locked at zero');
		const watcher = connectClient(server, `control/${workshop.workshop_id}`, people.bela.cookie);
		await watcher.synced;
		expect(readBoardControl(watcher.doc, boardId).locked).toBe(true);
		await control.lock(facilitator, boardId, false);
		// A stopped timer locks nothing.
		await control.startTimer(facilitator, { boardId, seconds: 1, lock: true });
		await control.stopTimer(workshop.workshop_id);
		await new Promise((r) => setTimeout(r, 1300));
		expect((await db.sql`select locked from public.boards where id = ${boardId}`)[0].locked).toBe(false);
		watcher.destroy();
	});
});
