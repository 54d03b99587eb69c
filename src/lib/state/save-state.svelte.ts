import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { WebsocketProvider } from 'y-websocket';
import { SaveTracker } from './save-tracker';
import { saveStage, shouldProbe, type SaveStage } from './save-stage';

export type { SaveStage } from './save-stage';

/** y-websocket's message types: sync, and the query for everyone's presence (answered at once). */
const MESSAGE_SYNC = 0;
const MESSAGE_QUERY_AWARENESS = 3;
const TICK_MS = 250;

/**
 * Whether this device's changes to one document are in the server's database yet, for the
 * interface: `unsaved`, `unsavedSince` (when the oldest unsaved change was made), `unsavedFor`
 * and the stage to show (save-stage.ts: a change made offline is late only once the
 * connection has synced and sent it; while one is late, the server is asked for presence each
 * second, so that a server that answers but cannot save is told from one that is not there).
 * The server relays only what it committed, to the sender too (see save-tracker.ts).
 */
export class SaveState {
	readonly #tracker: SaveTracker;
	readonly #provider: WebsocketProvider;
	#since = $state<number | null>(null);
	#syncedSince = $state<number | null>(null);
	#now = $state(Date.now());
	/** When the server last sent anything on this connection. */
	#heardAt = $state<number | null>(null);
	#probedAt: number | null = null;
	#tick: ReturnType<typeof setInterval> | null = null;

	readonly unsaved = $derived(this.#since !== null);
	readonly unsavedSince = $derived(this.#since);
	readonly unsavedFor = $derived(this.#since === null ? 0 : Math.max(0, this.#now - this.#since));
	readonly stage: SaveStage = $derived(saveStage(this.#now, this.#since, this.#syncedSince, this.#heardAt));

	constructor(provider: WebsocketProvider) {
		this.#provider = provider;
		this.#syncedSince = provider.synced ? Date.now() : null;
		provider.on('sync', this.#synced);
		this.#tracker = new SaveTracker(provider.doc, {
			// Remote updates carry the provider as origin; IndexedDB's reload of an earlier visit is not this page's.
			isLocal: (origin) => origin !== provider && !(origin instanceof IndexeddbPersistence),
			changed: this.#changed
		});
		const handle = provider.messageHandlers[MESSAGE_SYNC];
		provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, p, emitSynced, messageType) => {
			try {
				const peek = decoding.clone(decoder);
				this.#tracker.observe(decoding.readVarUint(peek), decoding.readVarUint8Array(peek));
			} catch {
				// The provider's own handler decides what a malformed message means.
			}
			handle(encoder, decoder, p, emitSynced, messageType);
		};
	}

	#synced = (synced: boolean) => {
		this.#syncedSince = synced ? Date.now() : null;
		this.#now = Date.now();
	};

	#changed = () => {
		this.#since = this.#tracker.unsavedSince;
		this.#update();
		if (this.#since !== null && !this.#tick) this.#tick = setInterval(this.#update, TICK_MS);
		if (this.#since === null && this.#tick) {
			clearInterval(this.#tick);
			this.#tick = null;
			this.#probedAt = null;
		}
	};

	#update = () => {
		const now = Date.now();
		this.#now = now;
		const provider = this.#provider;
		this.#heardAt = provider.wsLastMessageReceived || null;
		if (!provider.wsconnected || !provider.ws || !shouldProbe(now, this.#since, this.#syncedSince, this.#probedAt)) return;
		this.#probedAt = now;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
		try {
			provider.ws.send(encoding.toUint8Array(encoder));
		} catch {
			// A socket closing under us: the provider reconnects, the stage says so meanwhile.
		}
	};

	destroy(): void {
		this.#provider.off('sync', this.#synced);
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
		this.#tracker.destroy();
	}
}
