import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Sql } from '#lib/server/db/client.js';
import { signSession, sessionCookieName } from '#lib/server/auth/session.js';
import { loadSessionKey } from '#lib/server/auth/session-key.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { SyncServer, type SyncOptions } from '#lib/server/sync/sync-server.js';
import { createUpgradeHandler } from '#lib/server/sync/transport.js';
import type { MemberRole } from '#lib/domain/workshop/roles.js';

export interface TestSyncServer {
	url: string;
	port: number;
	sync: SyncServer;
	sessionKey: Uint8Array;
	close: () => Promise<void>;
}

/** The real sync server (same code as the app) on a real HTTP server on port 0. */
export async function startSyncServer(sql: Sql, options: Partial<SyncOptions> & { port?: number } = {}): Promise<TestSyncServer> {
	const sessionKey = await loadSessionKey(sql);
	const sync = new SyncServer({
		store: new PostgresDocumentStore(sql),
		log: process.env.SYNC_LOG ? (m, e) => console.log('[sync]', m, e) : () => {},
		...options
	});
	const upgrade = createUpgradeHandler({ sql, sessionKey, sync });
	const server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `ws://127.0.0.1:${port}/sync`,
		port,
		sync,
		sessionKey,
		close: async () => {
			await sync.close();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

export async function sessionCookie(sessionKey: Uint8Array, workshopId: string, memberId: string, role: MemberRole = 'participant'): Promise<string> {
	return `${sessionCookieName(workshopId)}=${await signSession(sessionKey, { memberId, workshopId, role })}`;
}

/** A websocket class that sends the given cookie, as a browser would for its own site. */
export function cookieWebSocket(cookie: string | null) {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: cookie ? { cookie } : {} });
		}
	};
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	synced: Promise<void>;
	destroy: () => void;
}

/** A real y-websocket provider with its own Y.Doc, connected with a member's cookie. */
export function connectClient(server: { url: string }, docName: string, cookie: string | null, doc = new Y.Doc()): TestClient {
	const provider = new WebsocketProvider(server.url, docName, doc, {
		WebSocketPolyfill: cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200
	});
	const synced = new Promise<void>((resolve) => {
		if (provider.synced) resolve();
		provider.once('sync', (isSynced: boolean) => isSynced && resolve());
	});
	return {
		doc,
		provider,
		synced,
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** The HTTP status a websocket upgrade is answered with (101 when it is accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		ws.on('open', () => {
			ws.close();
			resolve(101);
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			res.resume();
		});
		ws.on('error', (e) => reject(e));
	});
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}
