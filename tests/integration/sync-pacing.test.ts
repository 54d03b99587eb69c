import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf, editCardText } from '#lib/domain/board/board-model.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

/**
 * Relay pacing (SyncOptions.relayShare): when writing a relay takes long — a room of a thousand
 * people costs ~15–30 ms of socket writes — the next commit-and-relay waits in proportion, so the
 * server is not stuck in a relay loop and everything that arrives meanwhile goes out as one
 * message. Here one observer's socket takes 40 ms per relay (a busy loop in its send), as a big
 * room's would; with relayShare 0.5 relays must then be ≥ 80 ms apart, and nothing may be lost.
 */

const SLOW_MS = 40;
let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
const relayTimes: number[] = [];

const isUpdate = (message: Uint8Array) => message[0] === 0 && message[1] === 2;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql, { relayShare: 0.5 });
	const attach = server.sync.attach.bind(server.sync);
	// The observer's socket (the only observer-role connection) is slow to write relays to.
	server.sync.attach = (socket, access) => {
		if (access.user.role !== 'observer' || !socket.sendShared) return attach(socket, access);
		const sendShared = socket.sendShared.bind(socket);
		return attach(
			{
				send: (data) => socket.send(data),
				sendShared: (shared) => {
					if (isUpdate(shared.message)) {
						relayTimes.push(performance.now());
						const until = performance.now() + SLOW_MS;
						while (performance.now() < until);
					}
					sendShared(shared);
				},
				close: (code, reason) => socket.close(code, reason),
				get bufferedAmount() {
					return socket.bufferedAmount;
				}
			},
			access
		);
	};
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

test('a slow relay spaces the next ones out, merging what arrives meanwhile; nothing is lost', async () => {
	const editor = await joinWorkshop(db.sql, workshop.join_code, 'Edit Or', 'Org A');
	const watcher = await joinWorkshop(db.sql, workshop.join_code, 'Obs Erver', 'Org B', 'observer');
	const docName = `board/${boardId}`;
	const a = connectClient(server, docName, await sessionCookie(server.sessionKey, workshop.workshop_id, editor.member_id));
	const o = connectClient(server, docName, await sessionCookie(server.sessionKey, workshop.workshop_id, watcher.member_id, 'observer'));
	try {
		await Promise.all([a.synced, o.synced]);
		const user = { memberId: editor.member_id, name: 'Edit Or', organisation: 'Org A' };
		const cardId = addCard(a.doc, { text: 'v0', author: user });
		await waitFor(() => cardsOf(o.doc).has(cardId), 5000, 'the card at the observer');
		relayTimes.length = 0;

		// 40 edits, one every 5 ms (200 ms): unpaced, most would go out as a relay of their own.
		for (let i = 1; i <= 40; i++) {
			editCardText(a.doc, cardId, `v${i}`);
			await new Promise((r) => setTimeout(r, 5));
		}
		const text = () => (cardsOf(o.doc).get(cardId)?.get('text') as Y.Text | undefined)?.toString();
		await waitFor(() => text() === 'v40', 10_000, 'the last edit at the observer');

		expect(relayTimes.length).toBeGreaterThan(1);
		expect(relayTimes.length).toBeLessThan(10);
		const gaps = relayTimes.slice(1).map((t, i) => t - relayTimes[i]);
		// Each relay took ≥ 40 ms; with relayShare 0.5 the next starts ≥ 40 ms after it ends.
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2 * SLOW_MS - 2);
	} finally {
		a.destroy();
		o.destroy();
	}
});
