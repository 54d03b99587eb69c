import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { ControlMessage, Relay, RelayRoomHandlers } from './relay';

/**
 * The relay over Redis pub/sub (REDIS_URL). One channel per document
 * (`<prefix>:doc:<name>`, only instances that have the room loaded subscribe) and one control
 * channel. Every message is binary: a kind byte, the sender's 8-byte instance id, the payload
 * (a Yjs update, an awareness update, nothing for a presence query, JSON for control messages). Two connections: one
 * subscribes (its commands wait while Redis is away and it resubscribes by itself), one
 * publishes (its commands fail at once while Redis is away: nothing piles up in memory; the
 * other instances are told to re-read from Postgres when it is back).
 *
 * Redis being down never stops an instance: it keeps serving its own clients, the clients
 * reconnect with backoff, and every error is logged once per outage, not thrown.
 */

const KIND_UPDATE = 1;
const KIND_AWARENESS = 2;
const KIND_CONTROL = 3;
const KIND_PRESENCE_QUERY = 4;
const ID_BYTES = 8;
const HEADER = 1 + ID_BYTES;

export interface RedisRelayOptions {
	url: string;
	/** Channel prefix, so that several deployments can share one Redis. */
	prefix?: string;
	log?: (message: string, error?: unknown) => void;
}

/** Backoff for reconnecting: 100 ms doubling to 5 s, with jitter; never gives up. */
export function reconnectDelay(retries: number): number {
	return Math.min(100 * 2 ** Math.min(retries, 10), 5000) + Math.floor(Math.random() * 100);
}

export class RedisRelay implements Relay {
	readonly instanceId: string;
	readonly #id: Buffer;
	readonly #prefix: string;
	readonly #log: (message: string, error?: unknown) => void;
	readonly #pub: ReturnType<typeof createClient>;
	readonly #sub: ReturnType<typeof createClient>;
	readonly #rooms = new Map<string, RelayRoomHandlers>();
	readonly #control: ((message: ControlMessage, from: string) => void)[] = [];
	readonly #resync: (() => void)[] = [];
	readonly #listener = (message: Buffer, channel: Buffer) => this.#receive(message, channel);
	/** Set when a publication failed: the others are asked to re-read once Redis is back. */
	#missed = false;
	#closed = false;
	readonly #down = { pub: false, sub: false };
	readonly #ready = { pub: false, sub: false };

	constructor(options: RedisRelayOptions) {
		this.#id = randomBytes(ID_BYTES);
		this.instanceId = this.#id.toString('hex');
		this.#prefix = options.prefix ?? 'roundtable';
		this.#log = options.log ?? ((message, error) => console.error(`[relay] ${message}`, error ?? ''));
		this.#pub = createClient({
			url: options.url,
			disableOfflineQueue: true,
			socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5000 }
		});
		this.#sub = this.#pub.duplicate({ disableOfflineQueue: false });
		this.#watch('pub', this.#pub);
		this.#watch('sub', this.#sub);
	}

	#watch(which: 'pub' | 'sub', client: ReturnType<typeof createClient>): void {
		client.on('error', (error: unknown) => {
			if (this.#closed) return;
			if (!this.#down[which]) this.#log(`Redis connection (${which === 'pub' ? 'publishing' : 'subscribed'}) lost; retrying`, error);
			this.#down[which] = true;
		});
		client.on('ready', () => {
			const wasDown = this.#down[which] || !this.#ready[which];
			const first = !this.#ready[which];
			this.#ready[which] = true;
			this.#down[which] = false;
			if (!wasDown || this.#closed) return;
			if (!first) this.#log(`Redis connection (${which === 'pub' ? 'publishing' : 'subscribed'}) back`);
			// Resubscribed (node-redis does it before 'ready'): what was published meanwhile is lost.
			// (At the first connection this is rooms loaded while Redis was not reachable yet.)
			if (which === 'sub') this.#runResync();
			if (which === 'pub' && this.#missed) {
				this.#missed = false;
				this.#send(this.#controlChannel(), KIND_CONTROL, Buffer.from(JSON.stringify({ type: 'resync' })));
			}
		});
	}

	/** Connects both clients; resolves when both are ready or after `waitMs` (they keep trying). */
	async start(waitMs = 3000): Promise<void> {
		// node-redis keeps trying (reconnectDelay) until Redis answers: the instance does not wait for it.
		const ready = Promise.all([this.#pub.connect(), this.#sub.connect()]).then(() => this.#sub.subscribe(this.#controlChannel(), this.#listener, true));
		ready.catch((error) => this.#log('connecting to Redis failed', error));
		let timer: ReturnType<typeof setTimeout> | undefined;
		const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
		const outcome = await Promise.race([
			ready.then(
				() => 'ok' as const,
				() => 'late' as const
			),
			late
		]);
		clearTimeout(timer);
		if (outcome === 'late') this.#log(`Redis not reachable yet; serving this instance's clients alone until it is`);
	}

	#docChannel(doc: string): string {
		return `${this.#prefix}:doc:${doc}`;
	}

	#controlChannel(): string {
		return `${this.#prefix}:control`;
	}

	get ready(): boolean {
		return this.#sub.isReady;
	}

	subscribe(doc: string, handlers: RelayRoomHandlers): Promise<void> {
		this.#rooms.set(doc, handlers);
		return this.#sub.subscribe(this.#docChannel(doc), this.#listener, true);
	}

	unsubscribe(doc: string): void {
		this.#rooms.delete(doc);
		if (this.#closed) return;
		this.#sub.unsubscribe(this.#docChannel(doc), this.#listener, true).catch(() => {
			// Redis away: the subscription went with the connection (the listener is gone, so it is not renewed).
		});
	}

	publish(doc: string, update: Uint8Array): void {
		this.#send(this.#docChannel(doc), KIND_UPDATE, update);
	}

	publishAwareness(doc: string, update: Uint8Array): void {
		this.#send(this.#docChannel(doc), KIND_AWARENESS, update);
	}

	queryPresence(doc: string): void {
		this.#send(this.#docChannel(doc), KIND_PRESENCE_QUERY, new Uint8Array(0));
	}

	publishControl(message: ControlMessage): void {
		this.#send(this.#controlChannel(), KIND_CONTROL, Buffer.from(JSON.stringify(message)));
	}

	onControl(handler: (message: ControlMessage, from: string) => void): void {
		this.#control.push(handler);
	}

	onResync(handler: () => void): void {
		this.#resync.push(handler);
	}

	#send(channel: string, kind: number, payload: Uint8Array): void {
		if (this.#closed) return;
		const frame = Buffer.allocUnsafe(HEADER + payload.length);
		frame[0] = kind;
		this.#id.copy(frame, 1);
		frame.set(payload, HEADER);
		// A lost update is what the others must re-read from Postgres; lost presence renews itself.
		const matters = kind === KIND_UPDATE;
		if (!this.#pub.isReady) {
			if (matters) this.#missed = true;
			return;
		}
		this.#pub.publish(channel, frame).catch((error: unknown) => {
			if (!this.#missed && !this.#down.pub) this.#log('publishing to Redis failed', error);
			if (matters) this.#missed = true;
		});
	}

	/** Every message from Redis. Another instance is trusted, but a malformed frame is dropped, never thrown. */
	#receive(message: Buffer, channel: Buffer): void {
		try {
			if (!Buffer.isBuffer(message) || message.length < HEADER) return;
			if (message.compare(this.#id, 0, ID_BYTES, 1, HEADER) === 0) return; // our own
			const from = message.subarray(1, HEADER).toString('hex');
			const payload = new Uint8Array(message.buffer, message.byteOffset + HEADER, message.length - HEADER);
			const kind = message[0];
			if (kind === KIND_CONTROL) {
				const parsed: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
				if (!parsed || typeof parsed !== 'object' || typeof (parsed as { type?: unknown }).type !== 'string') return;
				if ((parsed as { type: string }).type === 'resync') return this.#runResync();
				for (const handler of this.#control) handler(parsed as ControlMessage, from);
				return;
			}
			const name = channel.toString('utf8');
			const prefix = `${this.#prefix}:doc:`;
			if (!name.startsWith(prefix)) return;
			const handlers = this.#rooms.get(name.slice(prefix.length));
			if (!handlers) return;
			// A copy: the handlers keep updates (buffers until a load is done), Redis reuses nothing, but be sure.
			const bytes = Uint8Array.from(payload);
			if (kind === KIND_UPDATE) handlers.update(bytes, from);
			else if (kind === KIND_AWARENESS) handlers.awareness(bytes, from);
			else if (kind === KIND_PRESENCE_QUERY) handlers.presenceQuery(from);
		} catch (error) {
			this.#log('a message from Redis could not be read; dropped', error);
		}
	}

	#runResync(): void {
		for (const handler of this.#resync) {
			try {
				handler();
			} catch (error) {
				this.#log('re-reading after a Redis outage failed', error);
			}
		}
	}

	async close(): Promise<void> {
		this.#closed = true;
		this.#rooms.clear();
		await Promise.allSettled(
			[this.#pub, this.#sub].map(async (client) => {
				if (!client.isOpen) return;
				try {
					await Promise.race([client.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
				} catch {
					client.destroy();
				}
			})
		);
	}
}
