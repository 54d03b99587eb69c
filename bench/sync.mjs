#!/usr/bin/env node
// Edit-to-peer latency of the live-board sync server, measured against the real, built app.
//
//   npm run bench:sync -- --editors 200                       (one board, 200 editors at 1 edit/s)
//   npm run bench:sync -- --editors 300 --viewers 700         (one board, 1,000 connections)
//   npm run bench:sync -- --boards 200 --editors 25           (200 boards × 25 editors; per board)
//
// The server (`node server/index.js`: SvelteKit + sync server + embedded Postgres) runs in its
// own process; every client runs in this one. Workshops and members are created through the
// app's own HTTP forms, exactly as browsers do, and each member connects with its own session
// cookie. See bench/README.md for what the numbers mean.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { createWorkshop, join, startProfiler, startServer as startApp, stopServer, summariseProfile } from './app.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The app under test (--app DIR compares another checkout's build in the same harness).
let ROOT = HERE;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ── protocol bits shared by the main thread and the crowd threads ──────────────

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

function syncMessage(subtype, payload) {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, subtype);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

function awarenessMessage(clientId, clock, state) {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/**
 * Reads a whole message as a client must (type, subtype, payload) and returns how many
 * clients' edits a relayed update carries: the first varuint of a v1 update is the number
 * of per-client sections, and every edit of this benchmark comes from one client.
 */
function readMessage(bytes) {
	const d = decoding.createDecoder(bytes);
	const type = decoding.readVarUint(d);
	if (type === MESSAGE_SYNC) {
		const subtype = decoding.readVarUint(d);
		const payload = decoding.readVarUint8Array(d);
		if (subtype === 2) return { kind: 'update', edits: payload.length ? decoding.readVarUint(decoding.createDecoder(payload)) : 0, payload };
		return { kind: subtype === 0 ? 'step1' : 'step2', edits: 0, payload };
	}
	if (type === MESSAGE_AWARENESS) {
		decoding.readVarUint8Array(d);
		return { kind: 'awareness', edits: 0 };
	}
	return { kind: 'other', edits: 0 };
}

/** The card of board-model.ts (addCard), as Y operations. */
function createCard(doc, { cardId, memberId, name, organisation }) {
	doc.transact(() => {
		const card = new Y.Map();
		const text = new Y.Text();
		text.insert(0, `${name}: t=${now().toFixed(3)}`);
		card.set('text', text);
		card.set('author', memberId);
		card.set('authorName', name);
		card.set('organisation', organisation);
		card.set('colour', 'yellow');
		card.set('group', '');
		card.set('order', 1);
		card.set('createdAt', Date.now());
		doc.getMap('cards').set(cardId, card);
	});
}

/** board-model.ts replaceText: the smallest single splice (ASCII here, so no surrogate care). */
function replaceText(text, next) {
	const current = text.toString();
	if (current === next) return;
	let start = 0;
	while (start < current.length && start < next.length && current[start] === next[start]) start++;
	let endCurrent = current.length;
	let endNext = next.length;
	while (endCurrent > start && endNext > start && current[endCurrent - 1] === next[endNext - 1]) {
		endCurrent--;
		endNext--;
	}
	if (endCurrent > start) text.delete(start, endCurrent - start);
	if (endNext > start) text.insert(start, next.slice(start, endNext));
}

/**
 * One edit: the card's text carries the send time; every fourth edit also moves the card to
 * another group (board-model moveCard: group + order), as people do while clustering.
 */
function edit(doc, spec, n) {
	const card = doc.getMap('cards').get(spec.cardId);
	if (!card) return;
	doc.transact(() => {
		replaceText(card.get('text'), `${spec.name}: t=${now().toFixed(3)}`);
		if (n % 4 === 3 && spec.groups.length) {
			card.set('group', spec.groups[n % spec.groups.length]);
			card.set('order', n);
		}
	});
}

const TIME = /t=(\d+\.\d+)/;
/** A send time as it appears in a card: 13 digits of epoch ms, a point, 3 decimals. */
const STAMP_WIDTH = 17;
const PLACEHOLDER = 'Z'.repeat(STAMP_WIDTH);

/**
 * A lightweight editor's edit, encoded ahead of time from its own tiny Y.Doc: the whole
 * "t=…" of its card's text is replaced (delete + insert, same as replaceText when every digit
 * changes), and the send time is written into the encoded bytes just before sending.
 */
function preparedEdit(doc, spec, n) {
	const card = doc.getMap('cards').get(spec.cardId);
	const text = card.get('text');
	const at = text.length - STAMP_WIDTH;
	doc.transact(() => {
		text.delete(at, STAMP_WIDTH);
		text.insert(at, PLACEHOLDER);
		if (n % 4 === 3 && spec.groups.length) {
			card.set('group', spec.groups[n % spec.groups.length]);
			card.set('order', n);
		}
	});
}
const PLACEHOLDER_BYTES = new TextEncoder().encode(PLACEHOLDER);

// ── a lightweight client: speaks the protocol, reads everything, applies nothing ─

class LightClient {
	constructor(spec, counters) {
		this.spec = spec;
		this.counters = counters;
		this.doc = new Y.Doc(); // only this client's own card: its edits, never anyone else's
		this.synced = false;
		this.closed = null;
		this.edits = 0;
		this.awarenessClock = 0;
		this.prepared = null;
		this.doc.on('update', (update) => {
			if (this.prepared) {
				const message = syncMessage(2, update);
				const at = Buffer.from(message.buffer, message.byteOffset, message.length).indexOf(PLACEHOLDER_BYTES);
				this.prepared.push({ message, at });
			} else this.send(syncMessage(2, update));
		});
	}

	/** Encodes the next `count` edits now, so that sending one costs a few bytes' patch. */
	prepare(count) {
		this.prepared = [];
		for (let n = 0; n < count; n++) preparedEdit(this.doc, this.spec, n);
		this.queue = this.prepared;
		this.prepared = null;
	}

	connect() {
		return new Promise((resolve, reject) => {
			const ws = new WebSocket(this.spec.url, { headers: { cookie: this.spec.cookie }, perMessageDeflate: false });
			this.ws = ws;
			ws.binaryType = 'nodebuffer';
			const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no sync within 60 s`)), 60_000);
			ws.on('open', () => {
				// What a provider sends first: our state vector, then our presence.
				ws.send(syncMessage(0, Y.encodeStateVector(this.doc)));
				this.sendAwareness();
			});
			ws.on('message', (data) => {
				const c = this.counters;
				c.messages++;
				c.bytes += data.length;
				const m = readMessage(data);
				if (m.kind === 'awareness') {
					if (c.counting) c.presence++;
				} else if (m.kind === 'update') {
					if (c.counting) (c.deliveries += m.edits), c.relays++;
				} else if (m.kind === 'step1') {
					ws.send(syncMessage(1, Y.encodeStateAsUpdate(this.doc, m.payload)));
				} else if (m.kind === 'step2' && !this.synced) {
					this.synced = true;
					clearTimeout(timer);
					resolve();
				}
			});
			ws.on('close', (code, reason) => {
				this.closed = `${code} ${reason}`;
				if (!this.synced) {
					clearTimeout(timer);
					reject(new Error(`${this.spec.name}: closed before sync (${code} ${reason})`));
				} else if (!this.counters.stopping) this.counters.closes.push(`${this.spec.name}: ${code} ${reason}`);
			});
			ws.on('error', () => {});
		});
	}

	send(bytes) {
		if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(bytes);
	}

	sendAwareness() {
		this.send(awarenessMessage(this.doc.clientID, ++this.awarenessClock, { name: this.spec.name, cursor: null }));
	}

	createCard() {
		createCard(this.doc, this.spec);
	}

	edit() {
		const next = this.queue?.[this.edits];
		if (!next) return edit(this.doc, this.spec, this.edits++);
		this.edits++;
		const stamp = now().toFixed(3);
		for (let i = 0; i < STAMP_WIDTH; i++) next.message[next.at + i] = stamp.charCodeAt(i);
		this.send(next.message);
		this.queue[this.edits - 1] = null;
	}

	close() {
		this.ws?.terminate();
		this.doc.destroy();
	}
}

// ── a full client: the real y-websocket provider with its own Y.Doc ─────────────

function countingWebSocket(cookie, counters) {
	return class extends WebSocket {
		constructor(url, protocols) {
			super(url, protocols, { headers: { cookie }, perMessageDeflate: false });
			this.addEventListener('message', (event) => {
				const bytes = new Uint8Array(event.data);
				counters.messages++;
				counters.bytes += bytes.length;
				if (counters.counting) {
					const m = readMessage(bytes);
					if (m.kind === 'update') (counters.deliveries += m.edits), counters.relays++;
					else if (m.kind === 'awareness') counters.presence++;
				}
			});
		}
	};
}

class FullClient {
	constructor(spec, counters, samples) {
		this.spec = spec;
		this.counters = counters;
		this.samples = samples;
		this.edits = 0;
		this.doc = new Y.Doc();
	}

	connect() {
		this.provider = new WebsocketProvider(this.spec.baseUrl, this.spec.docName, this.doc, {
			WebSocketPolyfill: countingWebSocket(this.spec.cookie, this.counters),
			disableBc: true,
			maxBackoffTime: 1000
		});
		this.provider.awareness.setLocalStateField('name', this.spec.name);
		this.provider.on('connection-close', (event) => {
			if (!this.counters.stopping && this.provider.synced) this.counters.closes.push(`${this.spec.name}: ${event?.code} ${event?.reason}`);
			if (process.env.BENCH_DEBUG) console.error(`[close] ${this.spec.name} ${event?.code} ${event?.reason} at ${(now() - (this.samples?.from ?? 0)) / 1000}`);
		});
		if (this.spec.measure) {
			// Edit-to-peer latency: every remote change of a card's text carries its send time.
			this.doc.getMap('cards').observeDeep((events, transaction) => {
				if (transaction.local) return;
				const at = now();
				for (const event of events) {
					if (!(event.target instanceof Y.Text)) continue;
					const m = TIME.exec(event.target.toString());
					if (m) this.samples.record(Number(m[1]), at);
				}
			});
		}
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no sync within 60 s`)), 60_000);
			this.provider.once('sync', () => {
				clearTimeout(timer);
				resolve();
			});
		});
	}

	createCard() {
		createCard(this.doc, this.spec);
	}

	edit() {
		edit(this.doc, this.spec, this.edits++);
	}

	close() {
		this.provider?.destroy();
		this.doc.destroy();
	}
}

class Samples {
	constructor() {
		this.values = new Float64Array(1 << 16);
		this.sent = new Float64Array(1 << 16);
		this.length = 0;
		this.from = Infinity;
		this.to = -Infinity;
	}

	record(sentAt, seenAt) {
		if (sentAt < this.from || sentAt >= this.to) return;
		if (this.length === this.values.length) {
			for (const key of ['values', 'sent']) {
				const bigger = new Float64Array(this[key].length * 2);
				bigger.set(this[key]);
				this[key] = bigger;
			}
		}
		this.sent[this.length] = sentAt;
		this.values[this.length++] = seenAt - sentAt;
	}

	/** Latency over time: "seconds since the window opened,latency ms" per sample. */
	csv() {
		const lines = ['t_s,latency_ms'];
		for (let i = 0; i < this.length; i++) lines.push(`${((this.sent[i] - this.from) / 1000).toFixed(3)},${this.values[i].toFixed(3)}`);
		return lines.join('\n') + '\n';
	}
}

function newCounters() {
	return { messages: 0, bytes: 0, deliveries: 0, relays: 0, presence: 0, counting: false, stopping: false, closes: [] };
}

async function inBatches(items, size, fn) {
	for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * Runs a set of clients: connect, create cards, then edit at the given rate between
 * `start` and `stop` (epoch ms), each editor at its own phase. Used by crowd threads and
 * by the main thread (for the full clients).
 */
class ClientSet {
	constructor(specs, { full, rate, counters, samples }) {
		this.counters = counters;
		this.clients = specs.map((s) => (full || s.full ? new FullClient(s, counters, samples) : new LightClient(s, counters)));
		this.rate = rate;
		this.timers = [];
		this.editsSent = 0;
		this.editsInWindow = 0;
	}

	async connect(concurrency = 32) {
		await inBatches(this.clients, concurrency, (c) => c.connect());
		// Light clients renew their presence as providers do (y-protocols: every 15 s), each at its own phase.
		for (const c of this.clients) {
			if (!(c instanceof LightClient)) continue;
			this.timers.push(setTimeout(() => this.timers.push(setInterval(() => c.sendAwareness(), 15_000)), Math.random() * 15_000));
		}
	}

	createCards(prepare = 0) {
		for (const c of this.clients) {
			if (!c.spec.editor) continue;
			c.createCard();
			if (prepare && c instanceof LightClient) c.prepare(prepare);
		}
	}

	run(start, stop, windowFrom, windowTo) {
		const period = 1000 / this.rate;
		for (const c of this.clients) {
			if (!c.spec.editor) continue;
			let next = start + Math.random() * period;
			const tick = () => {
				const t = now();
				if (t >= stop) return;
				c.edit();
				this.editsSent++;
				if (t >= windowFrom && t < windowTo) this.editsInWindow++;
				next += period;
				// fall behind rather than burst when this process is late
				if (next < t) next = t + period;
				this.timers.push(setTimeout(tick, Math.max(0, next - now())));
			};
			this.timers.push(setTimeout(tick, Math.max(0, next - now())));
		}
	}

	close() {
		this.counters.stopping = true;
		for (const t of this.timers) clearTimeout(t);
		for (const c of this.clients) c.close();
	}
}

// ── crowd thread ───────────────────────────────────────────────────────────────

if (!isMainThread) {
	const counters = newCounters();
	const set = new ClientSet(workerData.specs, { full: false, rate: workerData.rate, counters, samples: null });
	const loop = monitorEventLoopDelay({ resolution: 5 });
	loop.enable();
	parentPort.on('message', async (msg) => {
		try {
			if (msg.type === 'connect') {
				await set.connect(msg.concurrency);
				parentPort.postMessage({ type: 'connected' });
			} else if (msg.type === 'cards') {
				set.createCards(msg.prepare);
				parentPort.postMessage({ type: 'cards' });
			} else if (msg.type === 'run') {
				set.run(msg.start, msg.stop, msg.windowFrom, msg.windowTo);
				setTimeout(() => ((counters.counting = true), loop.reset()), Math.max(0, msg.windowFrom - now()));
				setTimeout(() => ((counters.counting = false), (counters.loop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 })), Math.max(0, msg.windowTo - now()));
				parentPort.postMessage({ type: 'running' });
			} else if (msg.type === 'report') {
				parentPort.postMessage({
					type: 'report',
					deliveries: counters.deliveries,
					relays: counters.relays,
					presence: counters.presence,
					messages: counters.messages,
					bytes: counters.bytes,
					editsSent: set.editsSent,
					editsInWindow: set.editsInWindow,
					closes: counters.closes,
					loop: counters.loop
				});
			} else if (msg.type === 'close') {
				set.close();
				parentPort.postMessage({ type: 'closed' });
			}
		} catch (error) {
			parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
		}
	});
}

// ── main thread: server, setup over HTTP, probes, report ───────────────────────

function parseArgs(argv) {
	const options = {
		editors: 200,
		viewers: 0,
		boards: 1,
		rate: 1,
		seconds: 30,
		warmup: 3,
		probes: 20,
		crowd: 'auto',
		threads: 1,
		build: true,
		profile: null,
		samples: null,
		label: ''
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const key = arg.replace(/^--/, '');
		const value = () => argv[++i];
		switch (key) {
			case 'editors':
			case 'viewers':
			case 'boards':
			case 'rate':
			case 'seconds':
			case 'warmup':
			case 'probes':
			case 'threads':
				options[key] = Number(value());
				break;
			case 'crowd':
				options.crowd = value();
				break;
			case 'full':
				options.crowd = 'full';
				break;
			case 'light':
				options.crowd = 'light';
				break;
			case 'no-build':
				options.build = false;
				break;
			case 'profile':
				options.profile = path.resolve(value());
				break;
			case 'label':
				options.label = value();
				break;
			case 'app':
				options.app = path.resolve(value());
				break;
			case 'samples':
				options.samples = path.resolve(value());
				break;
			case 'help':
				console.log(
					'usage: node bench/sync.mjs [--editors N=200 (per board)] [--viewers N=0 (per board)] [--boards N=1] [--rate R=1 edits/s/editor]\n' +
						'       [--seconds S=30] [--warmup S=3] [--probes P=20] [--crowd auto|full|light] [--threads T=1 crowd threads]\n' +
						'       [--no-build] [--profile DIR (CPU profile of the server over the window)] [--samples FILE.csv (every latency sample)]\n' +
						'       [--app DIR (another checkout, built, to compare in the same harness)] [--label TEXT]'
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${arg} (try --help)`);
		}
	}
	if (options.crowd === 'auto') options.crowd = options.boards * (options.editors + options.viewers) > 100 ? 'light' : 'full';
	return options;
}

/** /proc/<pid>/stat: utime + stime in seconds (fields 14 and 15) and the parent pid. */
function procStat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
	} catch {
		return null;
	}
}

function procStatus(pid, field) {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : null;
	} catch {
		return null;
	}
}

/** Every process under `pid` (embedded Postgres: postmaster, backends, background workers). */
function descendants(pid) {
	const children = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = procStat(entry);
		if (!stat) continue;
		if (!children.has(stat.ppid)) children.set(stat.ppid, []);
		children.get(stat.ppid).push(Number(entry));
	}
	const out = [];
	const stack = [...(children.get(pid) ?? [])];
	while (stack.length) {
		const p = stack.pop();
		out.push(p);
		stack.push(...(children.get(p) ?? []));
	}
	return out;
}

function cpuOf(pids) {
	const out = new Map();
	for (const p of pids) {
		const s = procStat(p);
		if (s) out.set(p, s.cpu);
	}
	return out;
}


/** All CPUs together, from /proc/stat: busy, steal and total jiffies. */
function machineCpu() {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
	const total = user + nice + system + idle + iowait + irq + softirq + steal;
	return { busy: user + nice + system + irq + softirq, steal, total };
}

function navigatorCores() {
	return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
}

function percentile(sorted, p) {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;

async function main() {
	const options = parseArgs(process.argv.slice(2));
	// every y-websocket provider adds a process 'exit' listener
	process.setMaxListeners(0);
	if (options.app) ROOT = options.app;
	if (options.build) {
		const { ensureBuild } = await import(path.join(ROOT, 'scripts', 'build.js'));
		ensureBuild();
	}
	const perBoard = options.editors + options.viewers;
	const totalClients = options.boards * perBoard;
	const full = options.crowd === 'full';
	const probes = full ? options.boards * options.editors : Math.min(options.probes, options.boards * options.editors);
	const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-bench-'));
	// As root, embedded Postgres runs as `postgres`, which must be able to enter this directory.
	chmodSync(dataDir, 0o755);
	let server = null;
	const workers = [];
	let mainSet = null;
	const cleanup = async () => {
		mainSet?.close();
		for (const w of workers) await w.terminate().catch(() => {});
		if (server) await stopServer(server, dataDir).catch((e) => console.error(e));
		rmSync(dataDir, { recursive: true, force: true });
	};
	let interrupted = false;
	process.once('SIGINT', async () => {
		interrupted = true;
		console.error('\ninterrupted: cleaning up');
		await cleanup();
		process.exit(130);
	});

	try {
		const t0 = Date.now();
		server = await startApp(options, dataDir, ROOT);
		const base = `http://127.0.0.1:${server.port}`;
		const log = (m) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
		log(`server pid ${server.child.pid} on ${base}`);

		// Workshops (6 boards each, the workgroups template) and members, through the forms.
		const workshops = [];
		for (let i = 0; workshops.length * 6 < options.boards; i++) workshops.push(await createWorkshop(base, i));
		const boards = [];
		for (const w of workshops) for (const id of w.boards) if (boards.length < options.boards) boards.push({ id, workshop: w });
		log(`${workshops.length} workshop(s), ${boards.length} board(s)`);

		// Each board gets three groups (by its facilitator, through a provider), so cards can move.
		await inBatches(boards, 16, async (board) => {
			const doc = new Y.Doc();
			const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/sync`, `board/${board.id}`, doc, {
				WebSocketPolyfill: countingWebSocket(board.workshop.cookie, newCounters()),
				disableBc: true
			});
			await new Promise((resolve) => provider.once('sync', resolve));
			board.groups = [];
			doc.transact(() => {
				for (const [i, title] of ['Cooperation', 'Services', 'Skills'].entries()) {
					const id = crypto.randomUUID();
					const g = new Y.Map();
					g.set('title', title);
					g.set('order', i + 1);
					doc.getMap('groups').set(id, g);
					board.groups.push(id);
				}
			});
			// wait until the server has it (our own update comes back as part of nothing; a round trip does)
			await sleep(200);
			provider.destroy();
			doc.destroy();
		});

		const specs = [];
		const joins = [];
		for (const [b, board] of boards.entries()) {
			for (let i = 0; i < perBoard; i++) {
				const editor = i < options.editors;
				joins.push({ board, b, i, editor });
			}
		}
		let joined = 0;
		await inBatches(joins, 16, async ({ board, b, i, editor }) => {
			const name = editor ? `Editor ${b + 1}.${i + 1}` : `Viewer ${b + 1}.${i + 1 - options.editors}`;
			const organisation = `Cluster ${(i % 25) + 1}`;
			const member = await join(base, board.workshop.joinCode, name, organisation, !editor);
			specs.push({
				name,
				organisation,
				editor,
				board: b,
				index: i,
				memberId: member.memberId,
				cookie: member.cookie,
				cardId: crypto.randomUUID(),
				groups: board.groups,
				baseUrl: `ws://127.0.0.1:${server.port}/sync`,
				docName: `board/${board.id}`,
				url: `ws://127.0.0.1:${server.port}/sync/board/${board.id}`,
				full: false,
				measure: false
			});
			if (++joined % 1000 === 0 && joined < joins.length) log(`${joined} members joined`);
		});
		specs.sort((a, b) => a.board - b.board || a.index - b.index);
		log(`${specs.length} members joined`);

		// Probes: full clients among the editors, spread over the boards.
		if (full) for (const s of specs) (s.full = true), (s.measure = true);
		else {
			const editorsByBoard = boards.map((_, b) => specs.filter((s) => s.board === b && s.editor));
			for (let k = 0; k < probes; k++) {
				const s = editorsByBoard[k % boards.length][Math.floor(k / boards.length)];
				s.full = true;
				s.measure = true;
			}
		}
		const samples = new Samples();
		const mainCounters = newCounters();
		mainSet = new ClientSet(
			specs.filter((s) => s.full),
			{ full: true, rate: options.rate, counters: mainCounters, samples }
		);
		const crowd = specs.filter((s) => !s.full);
		const threads = crowd.length ? Math.max(1, Math.min(options.threads, crowd.length)) : 0;
		const call = (w, type, extra = {}) =>
			new Promise((resolve, reject) => {
				const onMessage = (msg) => {
					if (msg.type === 'error') {
						w.off('message', onMessage);
						reject(new Error(msg.message));
					} else if (msg.type === { connect: 'connected', cards: 'cards', run: 'running', report: 'report', close: 'closed' }[type]) {
						w.off('message', onMessage);
						resolve(msg);
					}
				};
				w.on('message', onMessage);
				w.postMessage({ type, ...extra });
			});
		for (let t = 0; t < threads; t++) {
			const mine = crowd.filter((_, i) => i % threads === t);
			workers.push(new Worker(fileURLToPath(import.meta.url), { workerData: { specs: mine, rate: options.rate } }));
		}

		// Connect everyone (crowd threads and full clients at once), then everyone creates a card.
		await Promise.all([mainSet.connect(16), ...workers.map((w) => call(w, 'connect', { concurrency: 32 }))]);
		log(`${totalClients} clients connected and synced (${mainSet.clients.length} full, ${crowd.length} lightweight)`);
		mainSet.createCards();
		// Lightweight editors encode their edits now (setup time), with room to spare.
		const prepare = Math.ceil((options.warmup + options.seconds + 5) * options.rate) + 5;
		await Promise.all(workers.map((w) => call(w, 'cards', { prepare })));
		await sleep(1500);

		const start = now() + 200;
		const windowFrom = start + options.warmup * 1000;
		const windowTo = windowFrom + options.seconds * 1000;
		samples.from = windowFrom;
		samples.to = windowTo;
		mainSet.run(start, windowTo, windowFrom, windowTo);
		await Promise.all(workers.map((w) => call(w, 'run', { start, stop: windowTo, windowFrom, windowTo })));
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		setTimeout(() => ((mainCounters.counting = true), loop.reset()), Math.max(0, windowFrom - now()));
		setTimeout(() => ((mainCounters.counting = false), (mainCounters.loop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 })), Math.max(0, windowTo - now()));
		log(`editing at ${options.rate}/s per editor: ${options.warmup} s warm-up, then ${options.seconds} s measured`);

		await sleep(windowFrom - now());
		const pgPids = descendants(server.child.pid);
		const profiler = options.profile ? await startProfiler(server) : null;
		const serverCpu0 = procStat(server.child.pid).cpu;
		const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const cpuTimes0 = machineCpu();
		const pgCpu0 = cpuOf(pgPids);
		const clientCpu0 = process.cpuUsage();
		await sleep(windowTo - now());
		const serverCpu1 = procStat(server.child.pid).cpu;
		const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const cpuTimes1 = machineCpu();
		const machineBusy = (100 * (cpuTimes1.busy - cpuTimes0.busy)) / Math.max(1, cpuTimes1.total - cpuTimes0.total);
		const machineSteal = (100 * (cpuTimes1.steal - cpuTimes0.steal)) / Math.max(1, cpuTimes1.total - cpuTimes0.total);
		const pgCpu1 = cpuOf(pgPids);
		const clientCpu1 = process.cpuUsage(clientCpu0);
		const profile = profiler ? await profiler.stop() : null;
		let pgCpu = 0;
		for (const [p, c] of pgCpu1) pgCpu += c - (pgCpu0.get(p) ?? c);
		// Late deliveries of edits sent inside the window still count as latency samples.
		await sleep(2000);
		const reports = await Promise.all(workers.map((w) => call(w, 'report')));
		const rssMb = procStatus(server.child.pid, 'VmHWM');
		const serverLoop = { p99: 0, max: 0 };
		try {
			for (const line of readFileSync(path.join(dataDir, 'server-stats.jsonl'), 'utf8').split('\n')) {
				if (!line) continue;
				const s = JSON.parse(line);
				if (s.t <= windowFrom + 1000 || s.t > windowTo + 1000) continue;
				serverLoop.p99 = Math.max(serverLoop.p99, s.loop_p99_ms);
				serverLoop.max = Math.max(serverLoop.max, s.loop_max_ms);
			}
		} catch {}
		const clientLoops = [mainCounters.loop, ...reports.map((r) => r.loop)].filter(Boolean);
		const rssNowMb = procStatus(server.child.pid, 'VmRSS');
		const clientRssMb = process.resourceUsage().maxRSS / 1024;

		const deliveries = mainCounters.deliveries + reports.reduce((n, r) => n + r.deliveries, 0);
		const relays = mainCounters.relays + reports.reduce((n, r) => n + r.relays, 0);
		const presence = mainCounters.presence + reports.reduce((n, r) => n + r.presence, 0);
		const editsInWindow = mainSet.editsInWindow + reports.reduce((n, r) => n + r.editsInWindow, 0);
		const closes = [...mainCounters.closes, ...reports.flatMap((r) => r.closes)];
		const expectedDeliveries = editsInWindow * (perBoard - 1);
		const sorted = Array.from(samples.values.subarray(0, samples.length)).sort((a, b) => a - b);
		// What the probes should have seen: every edit of every other editor on their board.
		const probeSpecs = specs.filter((s) => s.measure);
		const expectedSamples = probeSpecs.reduce((n, s) => n + (s.editor ? options.editors - 1 : options.editors), 0) * options.rate * options.seconds;
		const seconds = options.seconds;
		const result = {
			clients: totalClients,
			boards: options.boards,
			editors: options.boards * options.editors,
			viewers: options.boards * options.viewers,
			rate: options.rate,
			seconds,
			crowd: full ? 'full' : 'lightweight',
			probes: probeSpecs.length,
			samples: sorted.length,
			p50_ms: r2(percentile(sorted, 50)),
			p95_ms: r2(percentile(sorted, 95)),
			p99_ms: r2(percentile(sorted, 99)),
			max_ms: r2(sorted[sorted.length - 1] ?? NaN),
			edits_per_s: r1(editsInWindow / seconds),
			updates_per_s: Math.round(deliveries / seconds),
			relay_messages_per_s: Math.round(relays / seconds),
			presence_messages_per_s: Math.round(presence / seconds),
			delivered_pct: r1((100 * deliveries) / Math.max(1, expectedDeliveries)),
			probe_seen_pct: r1((100 * sorted.length) / Math.max(1, expectedSamples)),
			rss_mb: Math.round(rssMb),
			server_cpu_s: r2(serverCpu1 - serverCpu0),
			server_cpu_pct: Math.round((100 * (serverCpu1 - serverCpu0)) / seconds),
			postgres_cpu_s: r2(pgCpu),
			client_cpu_s: r2((clientCpu1.user + clientCpu1.system) / 1e6),
			client_rss_mb: Math.round(clientRssMb),
			machine_busy_pct: Math.round(machineBusy),
			server_loop_delay_p99_ms: r1(serverLoop.p99),
			probe_loop_delay_p99_ms: r1(mainCounters.loop?.p99 ?? NaN),
			closes: closes.length
		};
		if (options.label) result.label = options.label;
		if (options.samples) {
			writeFileSync(options.samples, samples.csv());
			// the server's event-loop delay and CPU, second by second, beside the samples
			try {
				writeFileSync(`${options.samples}.server.jsonl`, readFileSync(path.join(dataDir, 'server-stats.jsonl')));
			} catch {}
		}

		const rows = [
			['load', `${options.boards} board(s) × (${options.editors} editors + ${options.viewers} viewers) = ${totalClients} connections, ${options.rate} edit/s per editor`],
			['clients', full ? `all ${totalClients} full (y-websocket provider + Y.Doc); all measure latency` : `${probeSpecs.length} full probes (provider + Y.Doc, among the editors) measure latency; ${crowd.length} lightweight (protocol only, read every message, apply nothing) in ${threads} thread(s)`],
			['window', `${seconds} s after ${options.warmup} s warm-up; ${sorted.length} latency samples (${result.probe_seen_pct}% of the edits the probes should see)`],
			['edit-to-peer p50 / p95 / p99 / max', `${result.p50_ms} / ${result.p95_ms} / ${result.p99_ms} / ${result.max_ms} ms`],
			['edits sent', `${result.edits_per_s}/s`],
			['updates delivered', `${result.updates_per_s}/s (edit × recipient; ${result.delivered_pct}% of ${Math.round(expectedDeliveries / seconds)}/s expected)`],
			['relay messages', `${result.relay_messages_per_s}/s to all clients = ${r1(relays / seconds / totalClients)}/s per client (${r1(deliveries / Math.max(1, relays))} edits per message)`],
			['presence messages', `${result.presence_messages_per_s}/s to all clients = ${r1(presence / seconds / totalClients)}/s per client (every client renews its presence every 15 s)`],
			['server CPU (node)', `${result.server_cpu_s} s in ${seconds} s = ${result.server_cpu_pct}% of a core; peak RSS ${result.rss_mb} MB (now ${Math.round(rssNowMb)} MB)`],
			['embedded Postgres CPU', `${result.postgres_cpu_s} s (${Math.round((100 * pgCpu) / seconds)}% of a core)`],
			['server event-loop delay', `worst second: p99 ${r1(serverLoop.p99)} ms, max ${r1(serverLoop.max)} ms`],
			['client process CPU', `${result.client_cpu_s} s (${Math.round((100 * result.client_cpu_s) / seconds)}% of a core, all threads); peak RSS ${result.client_rss_mb} MB`],
			['client event-loop delay', clientLoops.map((l, i) => `${i === 0 ? 'probes' : `crowd ${i}`} p99 ${r1(l.p99)} / max ${r1(l.max)} ms`).join('; ')],
			['machine', `${navigatorCores()} cores, ${Math.round(machineBusy)}% busy in the window (steal ${r1(machineSteal)}%); load average ${load0} → ${load1}`],
			['unexpected closes', closes.length ? `${closes.length}: ${[...new Set(closes.map((c) => c.split(': ')[1]))].join(', ')}` : 'none']
		];
		const width = Math.max(...rows.map((r) => r[0].length));
		console.log('');
		for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
		const serverErrors = server.log.join('').split('\n').filter((l) => /error|fail/i.test(l));
		if (serverErrors.length) console.log(`server log: ${serverErrors.slice(0, 5).join(' | ')}`);
		await cleanup();
		server = null;
		if (profile) {
			const file = path.join(options.profile, `server-${options.boards}x${options.editors}+${options.viewers}-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(profile));
			summariseProfile(file);
		}
		console.log(JSON.stringify(result));
	} catch (error) {
		if (!interrupted) {
			console.error(error);
			if (server) console.error(server.log.join('').slice(-3000));
			await cleanup();
			process.exit(1);
		}
	}
}

/** A .cpuprofile: the functions with the most self time, and with the most total (inclusive) time. */

if (isMainThread) await main();
