import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { addCard, cardsOf, editCardText, readBoard } from '#lib/domain/board/board-model.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boards: string[];
let member: { id: string; cookie: string };
let server: TestSyncServer;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	boards = (await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position`).map((b) => b.id);
	const { member_id } = await joinWorkshop(db.sql, workshop.join_code, 'Anna', 'Innoskart');
	server = await startSyncServer(db.sql, { compactAfterUpdates: 20, unloadAfterMs: 100 });
	member = { id: member_id, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) };
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const rows = async (doc: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc}`)[0].n;
const author = () => ({ memberId: member.id, name: 'Anna', organisation: 'Innoskart' });

describe('the document log', () => {
	test('past the threshold the log is compacted into a v2 state, and loading gives the same content', async () => {
		const doc = `board/${boards[0]}`;
		const client = connectClient(server, doc, member.cookie);
		await client.synced;
		const id = addCard(client.doc, { author: author(), text: '' });
		for (let i = 0; i < 60; i++) editCardText(client.doc, id, `typing ${i}`);
		await waitFor(async () => (await db.sql`select 1 from public.board_states where doc = ${doc}`).length === 1, 5000, 'a compaction');
		await waitFor(async () => (await rows(doc)) < 60, 5000, 'log rows deleted');
		const [state] = await db.sql<{ state: Uint8Array; upto: string }[]>`select state, upto from public.board_states where doc = ${doc}`;
		const fromState = new Y.Doc();
		Y.applyUpdateV2(fromState, state.state);
		expect(cardsOf(fromState).size).toBe(1);
		await waitFor(() => client.provider.synced && cardsOf(client.doc).get(id)!.get('text')!.toString() === 'typing 59', 2000, 'all edits acknowledged');
		const expected = JSON.stringify(readBoard(client.doc));
		client.destroy();
		const loaded = await new PostgresDocumentStore(db.sql).load(doc);
		const copy = new Y.Doc();
		if (loaded.state) Y.applyUpdateV2(copy, loaded.state);
		for (const u of loaded.updates) Y.applyUpdate(copy, u);
		await waitFor(
			async () => {
				const again = await new PostgresDocumentStore(db.sql).load(doc);
				const d = new Y.Doc();
				if (again.state) Y.applyUpdateV2(d, again.state);
				for (const u of again.updates) Y.applyUpdate(d, u);
				return JSON.stringify(readBoard(d)) === expected;
			},
			5000,
			'stored content equals the client'
		);
	});

	test('a document unused for a while is unloaded from memory (and compacted on the way out)', async () => {
		const doc = `board/${boards[1]}`;
		const client = connectClient(server, doc, member.cookie);
		await client.synced;
		addCard(client.doc, { author: author(), text: 'before unload' });
		await waitFor(async () => (await rows(doc)) === 1, 5000, 'stored');
		const loadedRooms = server.sync.roomCount;
		client.destroy();
		await waitFor(() => server.sync.roomCount < loadedRooms, 5000, 'unloaded');
		await waitFor(async () => (await rows(doc)) === 0, 5000, 'compacted on unload');
		const back = connectClient(server, doc, member.cookie);
		await back.synced;
		expect(readBoard(back.doc).ungrouped.map((c) => c.text)).toEqual(['before unload']);
		back.destroy();
	});

	test('a document that fails to load is refused, never replaced by an empty one', async () => {
		const [{ id }] = await db.sql<
			{ id: string }[]
		>`insert into public.boards (workshop_id, position, kind, title) values (${workshop.workshop_id}, 9, 'free', 'Corrupt') returning id`;
		const doc = `board/${id}`;
		await db.sql`insert into public.board_states (doc, workshop_id, state, upto) values (${doc}, ${workshop.workshop_id}, ${Buffer.from([255, 1, 2, 3, 4, 5])}, 0)`;
		const ws = new WebSocket(`${server.url}/${doc}`, { headers: { cookie: member.cookie } });
		const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
			ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }))
		);
		expect(closed).toEqual({ code: 4500, reason: 'document could not be loaded' });
		const [row] = await db.sql<{ state: Uint8Array }[]>`select state from public.board_states where doc = ${doc}`;
		expect([...row.state]).toEqual([255, 1, 2, 3, 4, 5]);
		expect(await rows(doc)).toBe(0);
	});
});
