// The simulated clients: lightweight protocol clients (read every message, apply nothing),
// full clients (a real provider with its own Y.Doc), the latency samples, and a set of either
// kind run at a rate. Used by the crowd threads (crowd-thread.mjs) and runLoad (clients.mjs).
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import {
	now,
	addressOf,
	syncMessage,
	awarenessMessage,
	readMessage,
	createCard,
	HOCUSPOCUS_PONG,
	hocuspocusAuthMessage,
	edit,
	TIME,
	STAMP_WIDTH,
	preparedEdit,
	PLACEHOLDER_BYTES
} from './protocol.mjs';

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
					} else if (m.kind === 'awareness') counters.presence++;
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
