// The production entry: serves the SvelteKit build and owns the HTTP server, so that
// the live-board sync server can take websocket upgrades on the same port.
import http from 'node:http';
import { compressResponse } from './compression.js';

const RUNTIME_KEY = Symbol.for('roundtable.runtime');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// adapter-node assumes https unless told otherwise; this server speaks plain HTTP, so
// unless the operator configured ORIGIN or PROTOCOL_HEADER (behind a TLS proxy), each
// request is stamped with the protocol it really arrived on (and a client cannot forge it).
const stampProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stampProtocol) process.env.PROTOCOL_HEADER = 'x-roundtable-protocol';

// Importing the handler runs the app's `init` hook: database up, migrated, seeded.
const { handler } = await import('../build/handler.js');
const runtime = globalThis[RUNTIME_KEY];

const server = http.createServer((request, response) => {
	if (stampProtocol) request.headers['x-roundtable-protocol'] = 'http';
	// HTML, __data.json and exports leave compressed (static assets are precompressed).
	compressResponse(request, response);
	handler(request, response);
});
server.on('upgrade', (request, socket, head) => {
	if (runtime) runtime.upgrade(request, socket, head);
	else socket.destroy();
});
server.listen(port, host, () => {
	const address = server.address();
	const shown = typeof address === 'object' && address ? address.port : port;
	console.log(`[roundtable] listening on http://localhost:${shown}`);
});

let stopping = false;
async function stop(signal) {
	if (stopping) return;
	stopping = true;
	console.log(`[roundtable] ${signal}: shutting down`);
	server.close();
	server.closeAllConnections();
	await runtime?.shutdown().catch((e) => console.error(e));
	process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
