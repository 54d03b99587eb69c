import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadSessionKey } from '#lib/server/auth/session-key.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { SyncServer } from '#lib/server/sync/sync-server.js';
import { createUpgradeHandler } from '#lib/server/sync/transport.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { sessionCookie, waitFor } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: http.Server;
let sync: SyncServer;
let url: string;
let cookie: string;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} limit 1`;
	const { member_id } = await joinWorkshop(db.sql, workshop.join_code, 'Anna', 'Innoskart');
	const sessionKey = await loadSessionKey(db.sql);
	cookie = await sessionCookie(sessionKey, workshop.workshop_id, member_id);
	sync = new SyncServer({ store: new PostgresDocumentStore(db.sql), log: () => {} });
	// A fast heartbeat so the test takes a second, not a minute.
	const upgrade = createUpgradeHandler({ sql: db.sql, sessionKey, sync, heartbeatMs: 150 });
	server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync/board/${boardId}`;
});

afterAll(async () => {
	await sync?.close();
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
	await db?.drop();
});

const open = async () => {
	const ws = new WebSocket(url, { headers: { cookie } });
	await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
	return ws;
};

/** Sockets the server still holds open (upgraded websockets included). */
const serverSockets = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));

test('a connection that stops answering pings (half-open) is ended; one that answers stays', async () => {
	const alive = await open();
	const silent = await open();
	let aliveClosed = false;
	alive.on('close', () => (aliveClosed = true));
	await waitFor(async () => (await serverSockets()) === 2, 3000, 'both connected');
	// Across several heartbeats, both answer and both stay.
	await new Promise((r) => setTimeout(r, 600));
	expect(await serverSockets()).toBe(2);
	// As if the device vanished: it reads nothing more, so it never answers a ping.
	(silent as unknown as { _socket: { pause: () => void } })._socket.pause();
	const started = Date.now();
	await waitFor(async () => (await serverSockets()) === 1, 3000, 'the silent connection ended by the server');
	// Within two or three heartbeats of 150 ms.
	expect(Date.now() - started).toBeLessThan(1500);
	expect(aliveClosed).toBe(false);
	expect(alive.readyState).toBe(WebSocket.OPEN);
	alive.close();
	silent.terminate();
});
