import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { sessionCookie, startSyncServer, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} limit 1`;
	server = await startSyncServer(db.sql);
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

function open(url: string, headers: Record<string, string>, localAddress?: string): Promise<{ status: number; ws?: WebSocket }> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, { headers, localAddress });
		ws.on('open', () => resolve({ status: 101, ws }));
		ws.on('unexpected-response', (_req, res) => {
			res.resume();
			resolve({ status: res.statusCode ?? 0 });
		});
		ws.on('error', () => resolve({ status: 0 }));
	});
}

test('300 members behind one address all connect; failed attempts from another address are limited', async () => {
	const cookies = await Promise.all(
		Array.from({ length: 300 }, async (_, i) => {
			const { member_id } = await joinWorkshop(db.sql, workshop.join_code, `Member ${i}`, `Cluster ${i % 25}`);
			return sessionCookie(server.sessionKey, workshop.workshop_id, member_id);
		})
	);
	const url = `${server.url}/board/${boardId}`;
	// Guessing from 127.0.0.2 (a different address on loopback) runs into the limit …
	const guesses = [];
	for (let i = 0; i < 130; i++) guesses.push((await open(url, { cookie: 'rt_x=forged' }, '127.0.0.2')).status);
	expect(guesses.slice(0, 100).every((s) => s === 401)).toBe(true);
	expect(guesses.at(-1)).toBe(429);
	// … while the whole room, all from 127.0.0.1, connects at once.
	const started = Date.now();
	const results = await Promise.all(cookies.map((cookie) => open(url, { cookie }, '127.0.0.1')));
	const elapsed = Date.now() - started;
	console.log(`[crowd] 300 authenticated websocket connections from one address in ${elapsed} ms`);
	expect(results.filter((r) => r.status === 101).length).toBe(300);
	for (const r of results) r.ws?.close();
});
