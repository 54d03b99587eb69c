import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf } from '#lib/domain/board/board-model.js';
import { SignJWT } from 'jose';
import { sessionCookieName } from '#lib/server/auth/session.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, upgradeStatus, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let other: CreatedWorkshop;
let boardId: string;
let otherBoardId: string;
let server: TestSyncServer;
const cookies: Record<'facilitator' | 'participant' | 'observer' | 'second' | 'outsider', string> = {} as never;
const ids: Record<string, string> = {};

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	other = await createWorkshop(db.sql, { title: 'Another workshop' });
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	[{ id: otherBoardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${other.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	const w = workshop.workshop_id;
	ids.facilitator = workshop.member_id;
	ids.participant = (await joinWorkshop(db.sql, workshop.join_code, 'Pál', 'NOHAC')).member_id;
	ids.second = (await joinWorkshop(db.sql, workshop.join_code, 'Zita', 'IQ Kecskemét')).member_id;
	ids.observer = (await joinWorkshop(db.sql, workshop.join_code, 'Olga', 'Ministry', 'observer')).member_id;
	ids.outsider = (await joinWorkshop(db.sql, other.join_code, 'Ottó', 'Elsewhere')).member_id;
	cookies.facilitator = await sessionCookie(server.sessionKey, w, ids.facilitator, 'facilitator');
	cookies.participant = await sessionCookie(server.sessionKey, w, ids.participant);
	cookies.second = await sessionCookie(server.sessionKey, w, ids.second);
	cookies.observer = await sessionCookie(server.sessionKey, w, ids.observer, 'observer');
	cookies.outsider = await sessionCookie(server.sessionKey, other.workshop_id, ids.outsider);
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const updatesIn = async (doc: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc}`)[0].n;

describe('who may open a document', () => {
	test("no cookie, a forged cookie or another workshop's cookie get 401 before the upgrade", async () => {
		const url = `${server.url}/board/${boardId}`;
		expect(await upgradeStatus(url)).toBe(401);
		const forged = await new SignJWT({ wid: workshop.workshop_id, role: 'facilitator' })
			.setProtectedHeader({ alg: 'HS256' })
			.setSubject(ids.facilitator)
			.setIssuer('roundtable')
			.setAudience('roundtable-session')
			.setExpirationTime('1h')
			.sign(new TextEncoder().encode('not-the-server-key-not-the-server-key'));
		expect(await upgradeStatus(url, { cookie: `${sessionCookieName(workshop.workshop_id)}=${forged}` })).toBe(401);
		expect(await upgradeStatus(url, { cookie: `${sessionCookieName(workshop.workshop_id)}=garbage` })).toBe(401);
		// A member of another workshop holds a valid cookie, but for the wrong workshop.
		expect(await upgradeStatus(url, { cookie: cookies.outsider })).toBe(401);
		expect(await upgradeStatus(`${server.url}/board/${otherBoardId}`, { cookie: cookies.participant })).toBe(401);
		expect(await upgradeStatus(url, { cookie: cookies.participant })).toBe(101);
	});

	test("unknown documents are 404, other members' drafts 403, cross-site origins 403", async () => {
		expect(await upgradeStatus(`${server.url}/board/00000000-0000-4000-8000-000000000000`, { cookie: cookies.participant })).toBe(404);
		expect(await upgradeStatus(`${server.url}/evil/../../etc`, { cookie: cookies.participant })).toBe(404);
		expect(await upgradeStatus(`${server.url}/draft/${boardId}/${ids.second}`, { cookie: cookies.participant })).toBe(403);
		expect(await upgradeStatus(`${server.url}/draft/${boardId}/${ids.participant}`, { cookie: cookies.participant })).toBe(101);
		expect(await upgradeStatus(`${server.url}/board/${boardId}`, { cookie: cookies.participant, origin: 'http://evil.example' })).toBe(403);
	});
});

describe('who may write', () => {
	test("an observer's writes are not applied, stored or relayed, and the observer is told why", async () => {
		const watcher = connectClient(server, `board/${boardId}`, cookies.participant);
		const observer = connectClient(server, `board/${boardId}`, cookies.observer);
		await Promise.all([watcher.synced, observer.synced]);
		const before = await updatesIn(`board/${boardId}`);
		const denied = new Promise<string>((resolve) => {
			const ws = observer.provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void };
			ws.addEventListener('message', (e) => {
				const bytes = new Uint8Array(e.data);
				if (bytes[0] === 2) resolve(new TextDecoder().decode(bytes.slice(3)));
			});
		});
		addCard(observer.doc, { author: { memberId: ids.observer, name: 'Olga', organisation: 'Ministry' }, text: 'sneaky' });
		expect(await denied).toContain('read-only');
		// A participant's card goes through, proving the channel works while the observer's did not.
		addCard(watcher.doc, { author: { memberId: ids.participant, name: 'Pál', organisation: 'NOHAC' }, text: 'allowed' });
		await waitFor(() => cardsOf(observer.doc).size === 2, 5000, 'observer receives the participant card');
		expect([...cardsOf(watcher.doc).values()].map((c) => c.get('text')!.toString())).toEqual(['allowed']);
		expect(await updatesIn(`board/${boardId}`)).toBe(before + 1);
		watcher.destroy();
		observer.destroy();
	});

	test('a locked board refuses writes from everyone, live, and accepts them again when unlocked', async () => {
		const a = connectClient(server, `board/${boardId}`, cookies.participant);
		const b = connectClient(server, `board/${boardId}`, cookies.second);
		await Promise.all([a.synced, b.synced]);
		const count = () => cardsOf(b.doc).size;
		const start = count();
		server.sync.setBoardLocked(boardId, true);
		await new Promise((r) => setTimeout(r, 20));
		addCard(a.doc, { author: { memberId: ids.participant, name: 'Pál', organisation: 'NOHAC' }, text: 'during lock' });
		await new Promise((r) => setTimeout(r, 300));
		expect(count()).toBe(start);
		server.sync.setBoardLocked(boardId, false);
		addCard(b.doc, { author: { memberId: ids.second, name: 'Zita', organisation: 'IQ Kecskemét' }, text: 'after unlock' });
		await waitFor(() => cardsOf(a.doc).size === start + 2 || count() === start + 1, 5000, 'unlocked write arrives');
		expect([...cardsOf(b.doc).values()].some((c) => c.get('text')!.toString() === 'during lock')).toBe(false);
		a.destroy();
		b.destroy();
	});

	test('only facilitators write the control document', async () => {
		const participant = connectClient(server, `control/${workshop.workshop_id}`, cookies.participant);
		const facilitator = connectClient(server, `control/${workshop.workshop_id}`, cookies.facilitator);
		await Promise.all([participant.synced, facilitator.synced]);
		participant.doc.getMap('session').set('focusBoard', 'hijack');
		facilitator.doc.getMap('session').set('phase', 'brainstorm');
		await waitFor(() => participant.doc.getMap('session').get('phase') === 'brainstorm', 5000, 'facilitator write arrives');
		await new Promise((r) => setTimeout(r, 100));
		expect(facilitator.doc.getMap('session').get('focusBoard')).toBeUndefined();
		participant.destroy();
		facilitator.destroy();
		// Re-reading from the database: the participant's write was never stored.
		const fresh = connectClient(server, `control/${workshop.workshop_id}`, cookies.second);
		await fresh.synced;
		expect(fresh.doc.getMap('session').toJSON()).toEqual({ phase: 'brainstorm' });
		fresh.destroy();
	});

	test('a card claiming another author is refused and the document stays as it was', async () => {
		const a = connectClient(server, `board/${boardId}`, cookies.participant);
		await a.synced;
		const before = await updatesIn(`board/${boardId}`);
		const closed = new Promise<number>((resolve) => a.provider.once('connection-close', (e: { code: number } | null) => resolve(e?.code ?? 0)));
		addCard(a.doc, { author: { memberId: ids.second, name: 'Zita', organisation: 'IQ Kecskemét' }, text: 'forged author' });
		expect(await closed).toBe(4403);
		expect(await updatesIn(`board/${boardId}`)).toBe(before);
		a.destroy();
		const check = connectClient(server, `board/${boardId}`, cookies.second, new Y.Doc());
		await check.synced;
		expect([...cardsOf(check.doc).values()].some((c) => c.get('text')!.toString() === 'forged author')).toBe(false);
		check.destroy();
	});

	test('a member made observer while connected stops writing at once', async () => {
		const demoted = connectClient(server, `board/${boardId}`, cookies.second);
		const watcher = connectClient(server, `board/${boardId}`, cookies.participant);
		await Promise.all([demoted.synced, watcher.synced]);
		const before = cardsOf(watcher.doc).size;
		server.sync.setMemberRole(workshop.workshop_id, ids.second, 'observer');
		addCard(demoted.doc, { author: { memberId: ids.second, name: 'Zita', organisation: 'IQ Kecskemét' }, text: 'after demotion' });
		addCard(watcher.doc, { author: { memberId: ids.participant, name: 'Pál', organisation: 'NOHAC' }, text: 'still a participant' });
		await waitFor(() => cardsOf(demoted.doc).size === before + 2, 5000, 'the participant card arrives');
		await new Promise((r) => setTimeout(r, 100));
		expect([...cardsOf(watcher.doc).values()].map((c) => c.get('text')!.toString())).not.toContain('after demotion');
		server.sync.setMemberRole(workshop.workshop_id, ids.second, 'participant');
		demoted.destroy();
		watcher.destroy();
	});
});
