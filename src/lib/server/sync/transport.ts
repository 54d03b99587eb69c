import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as ws_ from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Sql } from '../db/client';
import { FailureLimiter } from '../rate-limit';
import { authorize, type Access } from './access';
import { parseDocName } from './doc-name';
import { CLOSE } from './connection';
import type { SyncServer } from './sync-server';

/** An unmasked, final, binary frame: what a server sends. */
const FRAME = { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false };
/** ws's frame builder: exported by ws (`import { Sender } from 'ws'`), not declared in @types/ws. */
const { Sender } = ws_ as unknown as { Sender: { frame(data: Buffer, options: typeof FRAME): Buffer[] } };

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' };

function refuse(socket: Duplex, status: number, reason: string): void {
	const body = `${reason}\n`;
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}

/** Whether an Origin header names this host; "null" (sandboxed frames) and non-URLs do not. */
function sameHost(origin: string, host: string | undefined): boolean {
	try {
		return new URL(origin).host === host;
	} catch {
		return false;
	}
}

/**
 * Websocket upgrades at /sync/<document>. Authentication happens before the upgrade:
 * no valid member, no websocket. Failed attempts are rate-limited per address; a room
 * of hundreds behind one venue address connecting successfully never is.
 */
export function createUpgradeHandler(options: { sql: Sql; sessionKey: Uint8Array; sync: SyncServer; maxMessageBytes?: number; heartbeatMs?: number }) {
	const wss = new WebSocketServer({ noServer: true, maxPayload: (options.maxMessageBytes ?? 1024 * 1024) + 64, perMessageDeflate: false });
	const failures = new FailureLimiter({ limit: 120, windowMs: 60_000 });

	// Venue Wi-Fi leaves half-open connections behind (a laptop closed, a phone out of range):
	// a ping every 30 s, and a connection that has not answered the previous one is ended, so
	// its presence leaves the room and its buffers are freed.
	const answered = new WeakSet<WebSocket>();
	const heartbeat = setInterval(() => {
		for (const ws of wss.clients) {
			if (!answered.has(ws)) {
				ws.terminate();
				continue;
			}
			answered.delete(ws);
			ws.ping();
		}
	}, options.heartbeatMs ?? 30_000);
	heartbeat.unref?.();

	return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
		socket.on('error', () => socket.destroy());
		const address = request.socket.remoteAddress ?? 'unknown';
		try {
			const url = new URL(request.url ?? '/', 'http://localhost');
			if (!url.pathname.startsWith('/sync/')) return refuse(socket, 404, 'not found');
			// Browsers always send Origin on websockets: a page on another site must not use
			// a member's cookie to open their documents.
			const origin = request.headers.origin;
			if (origin && !sameHost(origin, request.headers.host)) return refuse(socket, 403, 'cross-site websocket');
			if (failures.retryAfter(address) > 0) return refuse(socket, 429, 'too many failed attempts');
			const doc = parseDocName(decodeURIComponent(url.pathname.slice('/sync/'.length)));
			if (!doc) {
				failures.fail(address);
				return refuse(socket, 404, 'unknown document');
			}
			const access = await authorize(options.sql, options.sessionKey, request.headers.cookie, doc, url.searchParams.get('screen'));
			if ('status' in access) {
				failures.fail(address);
				return refuse(socket, access.status, access.reason);
			}
			wss.handleUpgrade(request, socket, head, (ws) => void accept(ws, socket, access));
		} catch {
			refuse(socket, 500, 'upgrade failed');
		}
	};

	async function accept(ws: WebSocket, socket: Duplex, access: Access): Promise<void> {
		// Messages may arrive while the document loads: keep them, in order.
		const early: Uint8Array[] = [];
		let receive: ((data: Uint8Array) => void) | null = null;
		let gone = false;
		let onClose: (() => void) | null = null;
		ws.binaryType = 'nodebuffer';
		answered.add(ws);
		ws.on('pong', () => answered.add(ws));
		ws.on('message', (data: Buffer, isBinary) => {
			if (!isBinary) return ws.close(4400, 'binary messages only');
			const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
			if (receive) receive(bytes);
			else if (early.length < 100) early.push(bytes);
			else ws.close(4400, 'too many messages before sync');
		});
		ws.on('close', () => {
			gone = true;
			onClose?.();
		});
		ws.on('error', () => ws.terminate());
		const handlers = await options.sync.attach(
			{
				send: (data) => ws.send(data, { binary: true }),
				// A room's relay goes to hundreds of sockets: framed once by ws's own Sender and written
				// to each socket as one buffer. ws writes frames to the socket synchronously and whole
				// (no compression, no fragmentation here), so this cannot interleave with its own.
				sendShared: (shared) => {
					if (ws.readyState !== WebSocket.OPEN) return;
					shared.frame ??= Buffer.concat(Sender.frame(Buffer.from(shared.message.buffer, shared.message.byteOffset, shared.message.byteLength), FRAME));
					socket.write(shared.frame);
				},
				close: (code, reason) => {
					ws.close(code, reason);
					// A client too slow to read its data will not read the close frame queued behind
					// it either: let go of the socket, and of everything queued for it, now rather
					// than after the close handshake's 30 s.
					if (code === CLOSE.tooSlow) ws.terminate();
				},
				get bufferedAmount() {
					return ws.bufferedAmount;
				}
			},
			access
		);
		if (!handlers) return;
		if (gone) return handlers.closed();
		onClose = handlers.closed;
		receive = handlers.receive;
		for (const bytes of early.splice(0)) receive(bytes);
	}
}
