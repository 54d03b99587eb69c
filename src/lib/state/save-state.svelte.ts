import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { WebsocketProvider } from 'y-websocket';
import { SaveTracker } from './save-tracker';

/** y-websocket's sync message type. */
const MESSAGE_SYNC = 0;
/** Past this, an unsaved change is worth a word ("Saving…"); the server's echo normally takes milliseconds. */
export const SAVING_AFTER_MS = 1000;
/** Past this, while connected, the server is not committing: the interface says so. */
export const WAITING_AFTER_MS = 3000;
const TICK_MS = 250;

/** saved: nothing pending for long; saving: a change is on its way; waiting: the server has not saved it for a while. */
export type SaveStage = 'saved' | 'saving' | 'waiting';

/**
 * Whether this device's changes to one document are in the server's database yet, for the
 * interface: `unsaved`, `unsavedFor` (ms since the oldest unsaved change) and the stage to show.
 * The server relays only what it committed, to the sender too (see save-tracker.ts).
 */
export class SaveState {
	readonly #tracker: SaveTracker;
	#since = $state<number | null>(null);
	#now = $state(Date.now());
	#tick: ReturnType<typeof setInterval> | null = null;

	readonly unsaved = $derived(this.#since !== null);
	readonly unsavedFor = $derived(this.#since === null ? 0 : Math.max(0, this.#now - this.#since));
	readonly stage: SaveStage = $derived(this.unsavedFor >= WAITING_AFTER_MS ? 'waiting' : this.unsavedFor >= SAVING_AFTER_MS ? 'saving' : 'saved');

	constructor(provider: WebsocketProvider) {
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

	#changed = () => {
		this.#since = this.#tracker.unsavedSince;
		this.#now = Date.now();
		if (this.#since !== null && !this.#tick) this.#tick = setInterval(() => (this.#now = Date.now()), TICK_MS);
		if (this.#since === null && this.#tick) {
			clearInterval(this.#tick);
			this.#tick = null;
		}
	};

	destroy(): void {
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
		this.#tracker.destroy();
	}
}
