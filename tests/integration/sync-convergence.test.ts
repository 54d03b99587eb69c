import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, editCardText, moveCard, addGroup, readBoard, cardsOf } from '#lib/domain/board/board-model.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
const members: { id: string; name: string; cookie: string }[] = [];
let server: TestSyncServer;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	// Two of them type into a third's card: a board whose participants may edit each other's cards.
	await db.sql`update public.boards set participants_edit_others = true where id = ${boardId}`;
	server = await startSyncServer(db.sql);
	for (const name of ['Anna', 'Béla', 'Csilla']) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, `${name}'s cluster`);
		members.push({ id: member_id, name, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) });
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const author = (m: { id: string; name: string }) => ({ memberId: m.id, name: m.name, organisation: `${m.name}'s cluster` });

describe('live co-editing', () => {
	test('three providers editing at once converge, and the content survives a server restart', async () => {
		const clients: TestClient[] = members.map((m) => connectClient(server, `board/${boardId}`, m.cookie));
		await Promise.all(clients.map((c) => c.synced));

		// Concurrent edits: each adds cards, one groups them, two type into the same card.
		const group = addGroup(clients[0].doc, 'Cooperation', undefined, { createdBy: members[0].id });
		const ids = clients.map((c, i) => addCard(c.doc, { author: author(members[i]), text: `idea ${i}` }));
		await waitFor(() => clients.every((c) => cardsOf(c.doc).size === 3), 5000, 'all cards everywhere');
		moveCard(clients[2].doc, ids[0], group);
		editCardText(clients[0].doc, ids[1], 'idea 1 — shared');
		editCardText(clients[1].doc, ids[1], 'IDEA 1');
		const state = (c: TestClient) => JSON.stringify(readBoard(c.doc));
		await waitFor(() => clients.every((c) => state(c) === state(clients[0])), 5000, 'convergence');
		const view = readBoard(clients[0].doc);
		expect(view.cardCount).toBe(3);
		expect(view.groups[0].cards.map((c) => c.id)).toEqual([ids[0]]);
		const expected = state(clients[0]);
		for (const c of clients) c.destroy();

		// A new server on the same database (a restart) serves the same content.
		await server.close();
		server = await startSyncServer(db.sql);
		const fresh = connectClient(server, `board/${boardId}`, members[0].cookie);
		await fresh.synced;
		expect(state(fresh)).toBe(expected);
		fresh.destroy();
	});

	test('whatever a peer has received is already in the database', async () => {
		const [a, b] = members.slice(0, 2).map((m) => connectClient(server, `board/${boardId}`, m.cookie));
		await Promise.all([a.synced, b.synced]);
		const store = new PostgresDocumentStore(db.sql);
		let checked = 0;
		b.doc.on('update', async () => {
			// At the moment a peer sees an edit, loading the document from Postgres includes it.
			const stored = await store.load(`board/${boardId}`);
			const copy = new Y.Doc();
			if (stored.state) Y.applyUpdateV2(copy, stored.state);
			for (const u of stored.updates) Y.applyUpdate(copy, u);
			const seen = new Set(cardsOf(b.doc).keys());
			for (const id of seen) expect(cardsOf(copy).has(id)).toBe(true);
			checked++;
		});
		for (let i = 0; i < 10; i++) addCard(a.doc, { author: author(members[0]), text: `durable ${i}` });
		await waitFor(() => checked >= 1 && cardsOf(b.doc).size >= 13, 5000, 'peer received the cards');
		a.destroy();
		b.destroy();
	});
});
