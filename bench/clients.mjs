// The simulated clients and the measured window, shared by bench/sync.mjs, bench/compare.mjs
// and bench/soak.mjs: full clients (a real provider with its own Y.Doc), lightweight protocol
// clients (read every message, apply nothing), the crowd threads, the latency samples, and the
// server's CPU and memory from /proc. Two servers are spoken to:
//
//   protocol 'roundtable'  — the y-websocket protocol of the app's sync server (`/sync/<doc>`,
//                            session cookie), full clients are y-websocket WebsocketProviders;
//   protocol 'hocuspocus'  — Hocuspocus's protocol (every message starts with the document
//                            name; an Auth message first), full clients are HocuspocusProvider
//                            on a HocuspocusProviderWebsocket.
//
// The edits, their timestamps and the way latency is taken are the same for both.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { createWorkshop, join, startProfiler } from './app.mjs';

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The version HocuspocusProvider announces in its Auth message (the package does not export its package.json).
const HOCUSPOCUS_PROVIDER_VERSION = JSON.parse(
	readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@hocuspocus/provider')), '..', 'package.json'), 'utf8')
).version;

// ── protocol bits shared by the main thread and the crowd threads ──────────────

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const HOCUSPOCUS_PING = 9;
const HOCUSPOCUS_PONG = 10;

/** Hocuspocus addresses every message: the document name first (a var string). */
export function addressOf(docName) {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, docName);
	return encoding.toUint8Array(e);
}

function startMessage(prefix) {
	const e = encoding.createEncoder();
	if (prefix) encoding.writeUint8Array(e, prefix);
	return e;
}

export function syncMessage(subtype, payload, prefix = null) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, subtype);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

export function awarenessMessage(clientId, clock, state, prefix = null) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/** What HocuspocusProvider sends first for a document: its token (and its version). */
function hocuspocusAuthMessage(prefix, token) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_AUTH);
	encoding.writeVarUint(e, 0); // AuthMessageType.Token
	encoding.writeVarString(e, token);
	encoding.writeVarString(e, HOCUSPOCUS_PROVIDER_VERSION);
	return encoding.toUint8Array(e);
}

/**
 * Reads a whole message as a client must (address, type, subtype, payload) and returns how
 * many clients' edits a relayed update carries: the first varuint of a v1 update is the number
 * of per-client sections, and every edit of this benchmark comes from one client.
 */
export function readMessage(bytes, addressed = false) {
	if (addressed && bytes.length === 1 && bytes[0] === HOCUSPOCUS_PING) return { kind: 'ping', edits: 0 };
	const d = decoding.createDecoder(bytes);
	if (addressed) decoding.readVarString(d);
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
	// Hocuspocus: Auth (2), SyncStatus (8, the acknowledgement of each update), Close (7), …
	return { kind: 'other', edits: 0 };
}

/** The card of board-model.ts (addCard), as Y operations. */
export function createCard(doc, { cardId, memberId, name, organisation }, text = `${name}: t=${now().toFixed(3)}`) {
	doc.transact(() => {
		const card = new Y.Map();
		const ytext = new Y.Text();
		ytext.insert(0, text);
		card.set('text', ytext);
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

/** Whether edit n also moves the card: every `moveEvery`-th edit (4 unless the spec says). */
const moves = (spec, n) => spec.groups.length > 0 && n % (spec.moveEvery ?? 4) === (spec.moveEvery ?? 4) - 1;

/**
 * One edit: the card's text carries the send time; every fourth edit (`spec.moveEvery`) also
 * moves the card to another group (board-model moveCard: group + order), as people do while
 * clustering.
 */
function edit(doc, spec, n) {
	const card = doc.getMap('cards').get(spec.cardId);
	if (!card) return;
	doc.transact(() => {
		replaceText(card.get('text'), `${spec.name}: t=${now().toFixed(3)}`);
		if (moves(spec, n)) {
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
		if (moves(spec, n)) {
			card.set('group', spec.groups[n % spec.groups.length]);
			card.set('order', n);
		}
	});
}
const PLACEHOLDER_BYTES = new TextEncoder().encode(PLACEHOLDER);

// ── a lightweight client: speaks the protocol, reads everything, applies nothing ─

export class LightClient {
	constructor(spec, counters) {
		this.spec = spec;
		this.counters = counters;
		this.hocuspocus = spec.protocol === 'hocuspocus';
		this.prefix = this.hocuspocus ? addressOf(spec.docName) : null;
		this.doc = new Y.Doc(); // only this client's own card: its edits, never anyone else's
		this.synced = false;
		this.closed = null;
		this.edits = 0;
		this.awarenessClock = 0;
		this.prepared = null;
		this.doc.on('update', (update) => {
			if (this.prepared) {
				const message = syncMessage(2, update, this.prefix);
				const at = Buffer.from(message.buffer, message.byteOffset, message.length).indexOf(PLACEHOLDER_BYTES);
				this.prepared.push({ message, at });
			} else this.send(syncMessage(2, update, this.prefix));
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
			const headers = this.spec.cookie ? { cookie: this.spec.cookie } : {};
			const ws = new WebSocket(this.spec.url, { headers, perMessageDeflate: false });
			this.ws = ws;
			ws.binaryType = 'nodebuffer';
			const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no sync within 60 s`)), 60_000);
			ws.on('open', () => {
				// What a provider sends first: (Hocuspocus: its token,) our state vector, then our presence.
				if (this.hocuspocus) ws.send(hocuspocusAuthMessage(this.prefix, ''));
				ws.send(syncMessage(0, Y.encodeStateVector(this.doc), this.prefix));
				this.sendAwareness();
			});
			ws.on('message', (data) => {
				const c = this.counters;
				c.messages++;
				c.bytes += data.length;
				const m = readMessage(data, this.hocuspocus);
				if (m.kind === 'awareness') {
					if (c.counting) c.presence++;
				} else if (m.kind === 'update') {
					if (c.counting) {
						c.deliveries += m.edits;
						c.relays++;
					}
				} else if (m.kind === 'step1') {
					ws.send(syncMessage(1, Y.encodeStateAsUpdate(this.doc, m.payload), this.prefix));
				} else if (m.kind === 'step2' && !this.synced) {
					this.synced = true;
					clearTimeout(timer);
					resolve();
				} else if (m.kind === 'ping') {
					ws.send(new Uint8Array([HOCUSPOCUS_PONG]));
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
		this.send(awarenessMessage(this.doc.clientID, ++this.awarenessClock, { name: this.spec.name, cursor: null }, this.prefix));
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

// ── a full client: the real provider with its own Y.Doc ─────────────────────────

/** `ws` with the member's cookie, counting (and, while counting, classifying) every message. */
export function countingWebSocket(cookie, counters, addressed = false) {
	return class extends WebSocket {
		constructor(url, protocols) {
			super(url, protocols, { headers: cookie ? { cookie } : {}, perMessageDeflate: false });
			this.addEventListener('message', (event) => {
				const bytes = new Uint8Array(event.data);
				counters.messages++;
				counters.bytes += bytes.length;
				if (counters.counting) {
					const m = readMessage(bytes, addressed);
					if (m.kind === 'update') {
						counters.deliveries += m.edits;
						counters.relays++;
					}
					else if (m.kind === 'awareness') counters.presence++;
				}
			});
		}
	};
}

/**
 * A real provider on its own socket: y-websocket's WebsocketProvider for Roundtable,
 * HocuspocusProvider on its own HocuspocusProviderWebsocket for Hocuspocus. `whenSynced`
 * resolves at the provider's own "synced" event (after it applied the server's step 2).
 */
export function openProvider(spec, doc, counters = newCounters()) {
	if (spec.protocol === 'hocuspocus') {
		const socket = new HocuspocusProviderWebsocket({
			url: spec.baseUrl,
			WebSocketPolyfill: countingWebSocket(null, counters, true),
			maxDelay: 1000
		});
		const provider = new HocuspocusProvider({ websocketProvider: socket, name: spec.docName, document: doc, token: '' });
		provider.attach();
		const whenSynced = new Promise((resolve) => provider.on('synced', resolve));
		return {
			provider,
			awareness: provider.awareness,
			whenSynced,
			onClose: (fn) => provider.on('close', ({ event }) => fn(event)),
			isSynced: () => provider.isSynced,
			destroy: () => {
				provider.destroy();
				socket.destroy();
			}
		};
	}
	const provider = new WebsocketProvider(spec.baseUrl, spec.docName, doc, {
		WebSocketPolyfill: countingWebSocket(spec.cookie, counters),
		disableBc: true,
		maxBackoffTime: 1000
	});
	const whenSynced = new Promise((resolve) => provider.once('sync', resolve));
	return {
		provider,
		awareness: provider.awareness,
		whenSynced,
		onClose: (fn) => provider.on('connection-close', fn),
		isSynced: () => provider.synced,
		destroy: () => provider.destroy()
	};
}

export class FullClient {
	constructor(spec, counters, samples) {
		this.spec = spec;
		this.counters = counters;
		this.samples = samples;
		this.edits = 0;
		this.doc = new Y.Doc();
	}

	connect() {
		this.open = openProvider(this.spec, this.doc, this.counters);
		this.open.awareness.setLocalStateField('name', this.spec.name);
		this.open.onClose((event) => {
			if (!this.counters.stopping && this.open.isSynced()) this.counters.closes.push(`${this.spec.name}: ${event?.code} ${event?.reason}`);
			if (process.env.BENCH_DEBUG) console.error(`[close] ${this.spec.name} ${event?.code} ${event?.reason} at ${(now() - (this.samples?.from ?? 0)) / 1000}`);
		});
		if (this.spec.measure) {
			// Edit-to-peer latency: every remote change of a card's text carries its send time.
			this.doc.getMap('cards').observeDeep((events, transaction) => {
				if (transaction.local) return;
				const at = now();
				for (const event of events) {
					if (!(event.target instanceof Y.Text)) continue;
					const text = event.target.toString();
					const m = TIME.exec(text);
					if (!m) continue;
					// --instances: was the edit made on another instance than this probe's? (Editors
					// are spread round-robin by their index: "Editor <board>.<index + 1>: t=…".)
					const sender = this.spec.instances > 1 ? /^Editor \d+\.(\d+):/.exec(text) : null;
					const cross = sender ? (Number(sender[1]) - 1) % this.spec.instances !== this.spec.instance : undefined;
					this.samples.record(Number(m[1]), at, cross);
				}
			});
		}
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no sync within 60 s`)), 60_000);
			this.open.whenSynced.then(() => {
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
		this.open?.destroy();
		this.doc.destroy();
	}
}

export class Samples {
	constructor() {
		this.values = new Float64Array(1 << 16);
		this.sent = new Float64Array(1 << 16);
		this.length = 0;
		this.from = Infinity;
		this.to = -Infinity;
		/** --instances: latencies of edits made on another instance than the probe's. */
		this.cross = [];
	}

	record(sentAt, seenAt, cross) {
		if (sentAt < this.from || sentAt >= this.to) return;
		if (cross) this.cross.push(seenAt - sentAt);
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

export function newCounters() {
	return { messages: 0, bytes: 0, deliveries: 0, relays: 0, presence: 0, counting: false, stopping: false, closes: [] };
}

export async function inBatches(items, size, fn) {
	for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * Runs a set of clients: connect, create cards, then edit at the given rate between
 * `start` and `stop` (epoch ms), each editor at its own phase. Used by crowd threads and
 * by the main thread (for the full clients).
 */
export class ClientSet {
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
		// Timer handles of past ticks are dropped now and then, so that a long run does not keep them all.
		this.pruner = setInterval(() => {
			if (this.timers.length > 10_000) this.timers = this.timers.filter((t) => !t._destroyed);
		}, 10_000);
	}

	close() {
		this.counters.stopping = true;
		clearInterval(this.pruner);
		for (const t of this.timers) clearTimeout(t);
		for (const c of this.clients) c.close();
	}
}

// ── crowd thread ───────────────────────────────────────────────────────────────

if (!isMainThread && workerData?.crowd) {
	const counters = newCounters();
	// A probe thread: full clients that measure (each a device of its own, so that one probe's
	// work on a relay does not delay the next probe's reading of it as it would in one thread).
	const samples = workerData.probes ? new Samples() : null;
	const set = new ClientSet(workerData.specs, { full: Boolean(workerData.probes), rate: workerData.rate, counters, samples });
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
				if (samples) {
					samples.from = msg.windowFrom;
					samples.to = msg.windowTo;
				}
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
					loop: counters.loop,
					probes: Boolean(samples),
					samples: samples && { values: samples.values.slice(0, samples.length), sent: samples.sent.slice(0, samples.length), cross: samples.cross }
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

// ── what the server uses: /proc ────────────────────────────────────────────────

/** /proc/<pid>/stat: utime + stime in seconds (fields 14 and 15) and the parent pid. */
export function procStat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
	} catch {
		return null;
	}
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM, …). */
export function procStatus(pid, field) {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : null;
	} catch {
		return null;
	}
}

/** Every process under `pid` (embedded Postgres: postmaster, backends, background workers). */
export function descendants(pid) {
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

export function cpuOf(pids) {
	const out = new Map();
	for (const p of pids) {
		const s = procStat(p);
		if (s) out.set(p, s.cpu);
	}
	return out;
}

/** CPU seconds the processes of `before` (from cpuOf) used since, plus any new ones under `pid`. */
export function cpuSince(before, pids) {
	let total = 0;
	for (const [p, c] of cpuOf(pids)) total += c - (before.get(p) ?? 0);
	return total;
}

/** All CPUs together, from /proc/stat: busy, steal and total jiffies. */
export function machineCpu() {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
	const total = user + nice + system + idle + iowait + irq + softirq + steal;
	return { busy: user + nice + system + irq + softirq, steal, total };
}

export function navigatorCores() {
	return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
}

export function percentile(sorted, p) {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const r1 = (x) => Math.round(x * 10) / 10;
export const r2 = (x) => Math.round(x * 100) / 100;

// ── setting up a load: boards, groups and members ──────────────────────────────

/** Three groups on a board, written by `spec`'s provider, so that cards can move. */
async function addGroups(spec) {
	const doc = new Y.Doc();
	const open = openProvider(spec, doc);
	await open.whenSynced;
	const groups = [];
	doc.transact(() => {
		for (const [i, title] of ['Cooperation', 'Services', 'Skills'].entries()) {
			const id = crypto.randomUUID();
			const g = new Y.Map();
			g.set('title', title);
			g.set('order', i + 1);
			doc.getMap('groups').set(id, g);
			groups.push(id);
		}
	});
	// wait until the server has it (our own update comes back as part of nothing; a round trip does)
	await sleep(200);
	open.destroy();
	doc.destroy();
	return groups;
}

/**
 * Roundtable: workshops (template *workgroups*, 6 boards each) through `POST /new`, three
 * groups per board from its facilitator, members through `POST /j/<code>` (viewers as
 * observers), each with its own session cookie. Returns one spec per member.
 */
export async function roundtableSpecs(port, options, log = () => {}) {
	const base = `http://127.0.0.1:${port}`;
	const perBoard = options.editors + options.viewers;
	const workshops = [];
	for (let i = 0; workshops.length * 6 < options.boards; i++) workshops.push(await createWorkshop(base, i));
	const boards = [];
	for (const w of workshops) for (const id of w.boards) if (boards.length < options.boards) boards.push({ id, workshop: w });
	log(`${workshops.length} workshop(s), ${boards.length} board(s)`);

	await inBatches(boards, 16, async (board) => {
		board.groups = await addGroups({ protocol: 'roundtable', cookie: board.workshop.cookie, baseUrl: `ws://127.0.0.1:${port}/sync`, docName: `board/${board.id}` });
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
			protocol: 'roundtable',
			name,
			organisation,
			editor,
			board: b,
			index: i,
			memberId: member.memberId,
			cookie: member.cookie,
			cardId: crypto.randomUUID(),
			groups: board.groups,
			baseUrl: `ws://127.0.0.1:${port}/sync`,
			docName: `board/${board.id}`,
			url: `ws://127.0.0.1:${port}/sync/board/${board.id}`,
			full: false,
			measure: false
		});
		if (++joined % 1000 === 0 && joined < joins.length) log(`${joined} members joined`);
	});
	specs.sort((a, b) => a.board - b.board || a.index - b.index);
	log(`${specs.length} members joined`);
	return specs;
}

/**
 * Hocuspocus: the same boards, groups and people, without accounts (the peer server has no
 * authentication configured): one document per board, the same names, organisations and
 * card shape (`author` is a random id standing for a member).
 */
export async function hocuspocusSpecs(port, options, log = () => {}) {
	const perBoard = options.editors + options.viewers;
	const baseUrl = `ws://127.0.0.1:${port}`;
	const boards = Array.from({ length: options.boards }, () => ({ id: crypto.randomUUID() }));
	await inBatches(boards, 16, async (board) => {
		board.groups = await addGroups({ protocol: 'hocuspocus', baseUrl, docName: `board/${board.id}` });
	});
	log(`${boards.length} document(s) with their groups`);
	const specs = [];
	for (const [b, board] of boards.entries()) {
		for (let i = 0; i < perBoard; i++) {
			const editor = i < options.editors;
			specs.push({
				protocol: 'hocuspocus',
				name: editor ? `Editor ${b + 1}.${i + 1}` : `Viewer ${b + 1}.${i + 1 - options.editors}`,
				organisation: `Cluster ${(i % 25) + 1}`,
				editor,
				board: b,
				index: i,
				memberId: crypto.randomUUID(),
				cookie: null,
				cardId: crypto.randomUUID(),
				groups: board.groups,
				baseUrl,
				docName: `board/${board.id}`,
				url: baseUrl,
				full: false,
				measure: false
			});
		}
	}
	return specs;
}

// ── the measured window ─────────────────────────────────────────────────────────

/**
 * Connects every client of `specs` to the running `server` (a child process: `server.child`),
 * lets editors edit at `options.rate` for `options.warmup` + `options.seconds`, and measures the
 * window: latency from the probes, server and Postgres CPU from /proc, peak RSS, machine load.
 * `statsFile` is the server's bench/server-stats.mjs output. Closes its clients before returning
 * `{ result, rows, profile, samples, rssSeries, window }`. `track` receives the client set and threads (for
 * clean-up on Ctrl-C); `options.rssEveryMs` samples the server's VmRSS during the run;
 * `hooks.windowStart` / `hooks.windowEnd` (async) run as the window opens and closes.
 */
export async function runLoad({ server, statsFile, specs, options, log = () => {}, track = {}, hooks = {} }) {
	const perBoard = options.editors + options.viewers;
	const totalClients = specs.length;
	const full = options.crowd === 'full';
	const probes = full ? specs.filter((s) => s.editor).length : Math.min(options.probes, options.boards * options.editors);
	const workers = [];
	let mainSet = null;
	const serverPid = server.child.pid;
	// --instances: every app process (the first owns the embedded Postgres), and redis-server.
	const instances = server.instances ?? [{ child: server.child, statsFile }];
	const pids = instances.map((i) => i.child.pid);
	const redisPid = server.redis?.child.pid ?? null;
	const rssSeries = [];
	let rssTimer = null;
	try {
		// Probes: full clients among the editors, spread over the boards.
		if (full)
			for (const s of specs) {
				s.full = true;
				s.measure = true;
			}
		else {
			const editorsByBoard = Array.from({ length: options.boards }, (_, b) => specs.filter((s) => s.board === b && s.editor));
			for (let k = 0; k < probes; k++) {
				const s = editorsByBoard[k % options.boards][Math.floor(k / options.boards)];
				s.full = true;
				s.measure = true;
			}
		}
		const samples = new Samples();
		const mainCounters = newCounters();
		// Probes in threads of their own (--probe-threads, default 4), unless every client is full.
		const probeSpecs = specs.filter((s) => s.full);
		const probeThreads = full ? 0 : Math.min(options.probeThreads ?? 4, probeSpecs.length);
		mainSet = new ClientSet(probeThreads ? [] : probeSpecs, { full: true, rate: options.rate, counters: mainCounters, samples });
		track.mainSet = mainSet;
		track.workers = workers;
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
			workers.push(new Worker(fileURLToPath(import.meta.url), { workerData: { crowd: true, specs: mine, rate: options.rate } }));
		}
		for (let t = 0; t < probeThreads; t++) {
			const mine = probeSpecs.filter((_, i) => i % probeThreads === t);
			workers.push(new Worker(fileURLToPath(import.meta.url), { workerData: { crowd: true, probes: true, specs: mine, rate: options.rate } }));
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
		// bench:soak --snapshots: a heap snapshot of the server now (it pauses the server: diagnosis only)
		if (hooks.windowStart) await hooks.windowStart();
		if (options.rssEveryMs) {
			const sample = () => rssSeries.push({ t_s: r1((now() - windowFrom) / 1000), rss_mb: r1(procStatus(serverPid, 'VmRSS')) });
			sample();
			rssTimer = setInterval(sample, options.rssEveryMs);
		}
		const pgPids = descendants(serverPid);
		const profiler = options.profile ? await startProfiler(server) : null;
		const instanceCpu0 = pids.map((p) => procStat(p).cpu);
		const redisCpu0 = redisPid ? procStat(redisPid)?.cpu ?? 0 : 0;
		const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const cpuTimes0 = machineCpu();
		const pgCpu0 = cpuOf(pgPids);
		const clientCpu0 = process.cpuUsage();
		await sleep(windowTo - now());
		if (hooks.windowEnd) await hooks.windowEnd();
		if (rssTimer) {
			clearInterval(rssTimer);
			rssSeries.push({ t_s: r1((now() - windowFrom) / 1000), rss_mb: r1(procStatus(serverPid, 'VmRSS')) });
		}
		const instanceCpu = pids.map((p, i) => procStat(p).cpu - instanceCpu0[i]);
		const redisCpu = redisPid ? (procStat(redisPid)?.cpu ?? 0) - redisCpu0 : 0;
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
		for (const r of reports) {
			if (!r.samples) continue;
			for (let i = 0; i < r.samples.values.length; i++) samples.record(r.samples.sent[i], r.samples.sent[i] + r.samples.values[i], false);
			samples.cross.push(...r.samples.cross);
		}
		const crowdReports = reports.filter((r) => !r.probes);
		const probeLoops = probeThreads ? reports.filter((r) => r.probes).map((r) => r.loop).filter(Boolean) : [mainCounters.loop].filter(Boolean);
		const instanceRss = pids.map((p) => procStatus(p, 'VmHWM'));
		const rssMb = instanceRss.reduce((a, b) => a + b, 0);
		const serverLoop = { p99: 0, max: 0 };
		for (const instance of instances) {
			try {
				for (const line of readFileSync(instance.statsFile, 'utf8').split('\n')) {
					if (!line) continue;
					const s = JSON.parse(line);
					if (s.t <= windowFrom + 1000 || s.t > windowTo + 1000) continue;
					serverLoop.p99 = Math.max(serverLoop.p99, s.loop_p99_ms);
					serverLoop.max = Math.max(serverLoop.max, s.loop_max_ms);
				}
			} catch {}
		}
		const probeLoop = probeLoops.length ? { p99: Math.max(...probeLoops.map((l) => l.p99)), max: Math.max(...probeLoops.map((l) => l.max)) } : { p99: NaN, max: NaN };
		const rssNowMb = pids.reduce((n, p) => n + procStatus(p, 'VmRSS'), 0);
		const clientRssMb = process.resourceUsage().maxRSS / 1024;

		const deliveries = mainCounters.deliveries + reports.reduce((n, r) => n + r.deliveries, 0);
		const relays = mainCounters.relays + reports.reduce((n, r) => n + r.relays, 0);
		const presence = mainCounters.presence + reports.reduce((n, r) => n + r.presence, 0);
		const editsInWindow = mainSet.editsInWindow + reports.reduce((n, r) => n + r.editsInWindow, 0);
		const closes = [...mainCounters.closes, ...reports.flatMap((r) => r.closes)];
		const expectedDeliveries = editsInWindow * (perBoard - 1);
		const sorted = Array.from(samples.values.subarray(0, samples.length)).sort((a, b) => a - b);
		// What the probes should have seen: every edit of every other editor on their board.
		const measuring = specs.filter((s) => s.measure);
		const expectedSamples = measuring.reduce((n, s) => n + (s.editor ? options.editors - 1 : options.editors), 0) * options.rate * options.seconds;
		const seconds = options.seconds;
		const result = {
			clients: totalClients,
			boards: options.boards,
			editors: options.boards * options.editors,
			viewers: options.boards * options.viewers,
			rate: options.rate,
			seconds,
			crowd: full ? 'full' : 'lightweight',
			probes: measuring.length,
			probe_threads: probeThreads,
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
			server_cpu_s: r2(instanceCpu.reduce((a, b) => a + b, 0)),
			server_cpu_pct: Math.round((100 * instanceCpu.reduce((a, b) => a + b, 0)) / seconds),
			...(instances.length > 1
				? {
						instances: instances.length,
						instance_cpu_s: instanceCpu.map(r2),
						instance_rss_mb: instanceRss.map(Math.round),
						redis_cpu_s: r2(redisCpu),
						cross_samples: samples.cross.length,
						cross_p50_ms: r2(percentile([...samples.cross].sort((x, y) => x - y), 50)),
						cross_p99_ms: r2(percentile([...samples.cross].sort((x, y) => x - y), 99))
					}
				: {}),
			postgres_cpu_s: r2(pgCpu),
			client_cpu_s: r2((clientCpu1.user + clientCpu1.system) / 1e6),
			client_rss_mb: Math.round(clientRssMb),
			machine_busy_pct: Math.round(machineBusy),
			server_loop_delay_p99_ms: r1(serverLoop.p99),
			probe_loop_delay_p99_ms: r1(probeLoop.p99),
			closes: closes.length
		};
		const hocuspocus = specs[0]?.protocol === 'hocuspocus';
		const rows = [
			['load', `${options.boards} board(s) × (${options.editors} editors + ${options.viewers} viewers) = ${totalClients} connections, ${options.rate} edit/s per editor`],
			['clients', full ? `all ${totalClients} full (${hocuspocus ? 'HocuspocusProvider' : 'y-websocket provider'} + Y.Doc); all measure latency` : `${measuring.length} full probes (${hocuspocus ? 'HocuspocusProvider' : 'provider'} + Y.Doc, among the editors) measure latency, ${probeThreads ? `in ${probeThreads} thread(s)` : 'in the main thread'}; ${crowd.length} lightweight (protocol only, read every message, apply nothing) in ${threads} thread(s)`],
			['window', `${seconds} s after ${options.warmup} s warm-up; ${sorted.length} latency samples (${result.probe_seen_pct}% of the edits the probes should see)`],
			['edit-to-peer p50 / p95 / p99 / max', `${result.p50_ms} / ${result.p95_ms} / ${result.p99_ms} / ${result.max_ms} ms`],
			['edits sent', `${result.edits_per_s}/s`],
			['updates delivered', `${result.updates_per_s}/s (edit × recipient; ${result.delivered_pct}% of ${Math.round(expectedDeliveries / seconds)}/s expected)`],
			['relay messages', `${result.relay_messages_per_s}/s to all clients = ${r1(relays / seconds / totalClients)}/s per client (${r1(deliveries / Math.max(1, relays))} edits per message)`],
			['presence messages', `${result.presence_messages_per_s}/s to all clients = ${r1(presence / seconds / totalClients)}/s per client (every client renews its presence every 15 s)`],
			['server CPU (node)', `${result.server_cpu_s} s in ${seconds} s = ${result.server_cpu_pct}% of a core; peak RSS ${result.rss_mb} MB (now ${Math.round(rssNowMb)} MB)${instances.length > 1 ? ' — all instances summed' : ''}`],
			...(instances.length > 1
				? [
						['per instance', instances.map((_, i) => `#${i + 1}: CPU ${r2(instanceCpu[i])} s, peak RSS ${Math.round(instanceRss[i])} MB`).join('; ') + `; redis-server CPU ${r2(redisCpu)} s`],
						['edits from the other instance', `${result.cross_samples} samples: p50 ${result.cross_p50_ms} / p99 ${result.cross_p99_ms} ms`]
					]
				: []),
			['embedded Postgres CPU', `${result.postgres_cpu_s} s (${Math.round((100 * pgCpu) / seconds)}% of a core)`],
			['server event-loop delay', `worst second: p99 ${r1(serverLoop.p99)} ms, max ${r1(serverLoop.max)} ms`],
			['client process CPU', `${result.client_cpu_s} s (${Math.round((100 * result.client_cpu_s) / seconds)}% of a core, all threads); peak RSS ${result.client_rss_mb} MB`],
			['client event-loop delay', [`probes p99 ${r1(probeLoop.p99)} / max ${r1(probeLoop.max)} ms (worst thread)`, ...crowdReports.map((r, i) => r.loop && `crowd ${i + 1} p99 ${r1(r.loop.p99)} / max ${r1(r.loop.max)} ms`)].filter(Boolean).join('; ')],
			['machine', `${navigatorCores()} cores, ${Math.round(machineBusy)}% busy in the window (steal ${r1(machineSteal)}%); load average ${load0} → ${load1}`],
			['unexpected closes', closes.length ? `${closes.length}: ${[...new Set(closes.map((c) => c.split(': ')[1]))].join(', ')}` : 'none']
		];
		return { result, rows, profile, samples, rssSeries, window: { from: windowFrom, to: windowTo } };
	} finally {
		if (rssTimer) clearInterval(rssTimer);
		mainSet?.close();
		for (const w of workers) await w.terminate().catch(() => {});
		track.mainSet = null;
		track.workers = [];
	}
}
