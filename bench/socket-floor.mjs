#!/usr/bin/env node
// What one relayed message costs this machine, with nothing else around it: a websocket server
// that only writes pre-framed binary messages (as the sync server's relay does: framed once,
// one socket write per connection) and websocket clients (`ws`, in a child process) that only
// receive them. No Yjs, no database, no parsing beyond ws's own.
//
//   node bench/socket-floor.mjs [--connections 1000] [--rate 40 relays/s] [--size 400 bytes] [--seconds 10]
//
// It prints the CPU each side spent per message, and what that means for the loads of
// bench/sync.mjs: the server writes (relays/s × connections) messages a second and the clients
// read as many; that is a floor under everything else the server and the clients do.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ws_ from 'ws';
import { WebSocket, WebSocketServer } from 'ws';

const { Sender } = ws_;
const args = process.argv.slice(2);
const option = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};

if (process.argv[2] === '--receive') {
	// Child: N websocket clients that count what they receive, then report their CPU.
	const [url, count] = [process.argv[3], Number(process.argv[4])];
	let messages = 0;
	let open = 0;
	let start = null;
	for (let i = 0; i < count; i++) {
		const ws = new WebSocket(url, { perMessageDeflate: false });
		ws.binaryType = 'nodebuffer';
		ws.on('open', () => ++open === count && process.send({ type: 'open' }));
		ws.on('message', (data) => {
			if (data.length) messages++;
		});
		ws.on('error', () => {});
	}
	process.on('message', (m) => {
		if (m.type === 'start') start = { cpu: process.cpuUsage(), messages };
		if (m.type === 'stop') {
			const cpu = process.cpuUsage(start.cpu);
			process.send({ type: 'result', messages: messages - start.messages, userUs: cpu.user, systemUs: cpu.system });
		}
	});
} else {
	const connections = option('connections', 1000);
	const rate = option('rate', 40);
	const size = option('size', 400);
	const seconds = option('seconds', 10);
	const sockets = [];
	const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
	wss.on('connection', (ws, request) => sockets.push(request.socket));
	await new Promise((resolve) => wss.on('listening', resolve));
	const child = fork(fileURLToPath(import.meta.url), ['--receive', `ws://127.0.0.1:${wss.address().port}`, String(connections)]);
	const next = (type) => new Promise((resolve) => child.on('message', (m) => m.type === type && resolve(m)));
	await next('open');
	await new Promise((resolve) => setTimeout(resolve, 500));

	const frame = Buffer.concat(Sender.frame(Buffer.alloc(size, 7), { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false }));
	child.send({ type: 'start' });
	const started = performance.now();
	const cpu = process.cpuUsage();
	let relays = 0;
	let writeMs = 0;
	await new Promise((resolve) => {
		const tick = () => {
			const elapsed = performance.now() - started;
			if (elapsed >= seconds * 1000) return resolve();
			const t = performance.now();
			for (const socket of sockets) socket.write(frame);
			writeMs += performance.now() - t;
			relays++;
			setTimeout(tick, Math.max(0, (relays * 1000) / rate - (performance.now() - started)));
		};
		tick();
	});
	const used = process.cpuUsage(cpu);
	const wall = (performance.now() - started) / 1000;
	await new Promise((resolve) => setTimeout(resolve, 300));
	child.send({ type: 'stop' });
	const received = await next('result');
	child.kill();
	wss.close();
	for (const socket of sockets) socket.destroy();

	const writes = relays * connections;
	const serverUs = (used.user + used.system) / writes;
	const clientUs = (received.userUs + received.systemUs) / Math.max(1, received.messages);
	const pct = (us, perSecond) => `${((us * perSecond) / 1e4).toFixed(0)} % of a core`;
	const rows = [
		['connections, relays/s, message', `${connections}, ${(relays / wall).toFixed(1)}/s, ${size} bytes (${writes} writes in ${wall.toFixed(1)} s)`],
		[
			'server: CPU per write',
			`${serverUs.toFixed(2)} µs (user ${(used.user / writes).toFixed(2)}, system ${(used.system / writes).toFixed(2)}); one relay to all: ${(writeMs / relays).toFixed(1)} ms`
		],
		[
			'clients: CPU per message',
			`${clientUs.toFixed(2)} µs (user ${(received.userUs / received.messages).toFixed(2)}, system ${(received.systemUs / received.messages).toFixed(2)}); received ${received.messages} of ${writes}`
		],
		['server, clients CPU', `${pct(serverUs, writes / wall)}, ${pct(clientUs, received.messages / wall)}`],
		['at these costs', ''],
		['  300 + 700, one board, 38 relays/s', `server ${pct(serverUs, 38_000)} + clients ${pct(clientUs, 38_000)} for the messages alone`],
		['  200 × 25, each board relayed every 40 ms', `server ${pct(serverUs, 125_000)} + clients ${pct(clientUs, 125_000)} for the messages alone`]
	];
	for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);
	console.log(
		JSON.stringify({
			connections,
			relays_per_s: +(relays / wall).toFixed(1),
			size,
			server_us_per_write: +serverUs.toFixed(2),
			client_us_per_message: +clientUs.toFixed(2),
			relay_ms: +(writeMs / relays).toFixed(2)
		})
	);
}
