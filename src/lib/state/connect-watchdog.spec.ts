import { createServer } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { watchConnectAttempts } from './connect-watchdog';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A server that accepts TCP connections and, while `silent`, never answers them (a
 * connection attempt into a dead network); otherwise a real websocket server.
 */
async function flakyServer() {
	const wss = new WebSocketServer({ noServer: true });
	const httpServer = createServer();
	httpServer.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, () => state.opened++));
	const state = { silent: true, attempts: 0, opened: 0 };
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		state.attempts++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => {});
		if (state.silent) return;
		// Hand the socket to an HTTP parser that upgrades it.
		httpServer.emit('connection', socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(async () => {
		for (const s of sockets) s.destroy();
		wss.close();
		await new Promise((resolve) => server.close(resolve));
	});
	return { url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}`, state };
}

function provider(url: string): WebsocketProvider {
	const p = new WebsocketProvider(url, 'doc', new Y.Doc(), {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 100
	});
	cleanups.push(() => p.destroy());
	return p;
}

const waitFor = async (condition: () => boolean, ms: number, what: string) => {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 10));
	}
};

describe('watchConnectAttempts', () => {
	test('an attempt that hangs is given up after the timeout, and the provider tries again until one opens', async () => {
		const server = await flakyServer();
		const p = provider(server.url);
		cleanups.push(watchConnectAttempts(p, 300));
		await waitFor(() => server.state.attempts >= 3, 5000, 'three attempts');
		expect(p.wsconnected).toBe(false);
		// The network is back: the next attempt opens.
		server.state.silent = false;
		await waitFor(() => p.wsconnected, 5000, 'connected once the server answers');
		expect(server.state.opened).toBe(1);
	});

	test('without it, y-websocket does not give up a hanging attempt by itself (why it exists)', async () => {
		const server = await flakyServer();
		const p = provider(server.url);
		await waitFor(() => server.state.attempts === 1, 5000, 'the first attempt');
		server.state.silent = false;
		await new Promise((r) => setTimeout(r, 1000));
		expect(server.state.attempts).toBe(1);
		expect(p.wsconnected).toBe(false);
	});

	test('an open connection is never closed by it, and stopping it stops the timer', async () => {
		const server = await flakyServer();
		server.state.silent = false;
		const p = provider(server.url);
		const stop = watchConnectAttempts(p, 200);
		await waitFor(() => p.wsconnected, 5000, 'connected');
		await new Promise((r) => setTimeout(r, 500));
		expect(p.wsconnected).toBe(true);
		expect(server.state.attempts).toBe(1);
		stop();
	});
});
