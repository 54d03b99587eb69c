import * as Y from 'yjs';

/** y-protocols sync message subtypes (what the server sends after the y-websocket type byte). */
export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

interface DeleteRange {
	client: number;
	clock: number;
	len: number;
}

/** One local change the server has not confirmed yet. */
interface Unsaved {
	at: number;
	/** Per client, the clock just past the structs this change created. */
	ends: Map<number, number>;
	/** What it deleted, still to be confirmed. */
	deletes: DeleteRange[];
}

/**
 * Which of this device's changes are not in the server's database yet.
 *
 * The sync server relays an update only after committing it, and relays it to its sender
 * too; its greeting (sync step 1) announces the state it has committed and its sync reply
 * (step 2) carries every deletion it holds. So a change is saved once the server has sent
 * its structs back, or announced a state that includes them, and has sent its deletions
 * back. No protocol of our own: just what the server says anyway, read as it arrives.
 *
 * Only changes made on this page count: what IndexedDB brings back from an earlier visit
 * was made under another client id and is re-sent by the provider's sync anyway.
 */
export class SaveTracker {
	readonly #doc: Y.Doc;
	readonly #isLocal: (origin: unknown) => boolean;
	readonly #changed: () => void;
	readonly #now: () => number;
	#unsaved: Unsaved[] = [];
	/** Per client, the clock up to which the server has said it holds that client's structs. */
	readonly #confirmed = new Map<number, number>();

	constructor(doc: Y.Doc, options: { isLocal: (origin: unknown) => boolean; changed: () => void; now?: () => number }) {
		this.#doc = doc;
		this.#isLocal = options.isLocal;
		this.#changed = options.changed;
		this.#now = options.now ?? Date.now;
		doc.on('afterTransaction', this.#afterTransaction);
	}

	/** When the oldest change not yet confirmed was made; null when everything is saved. */
	get unsavedSince(): number | null {
		return this.#unsaved[0]?.at ?? null;
	}

	#afterTransaction = (transaction: Y.Transaction) => {
		if (!this.#isLocal(transaction.origin)) return;
		const ends = new Map<number, number>();
		for (const [client, clock] of transaction.afterState) {
			if (clock > (transaction.beforeState.get(client) ?? 0)) ends.set(client, clock);
		}
		const deletes: DeleteRange[] = [];
		for (const [client, items] of transaction.deleteSet.clients) for (const d of items) deletes.push({ client, clock: d.clock, len: d.len });
		if (ends.size === 0 && deletes.length === 0) return;
		this.#unsaved.push({ at: this.#now(), ends, deletes });
		if (this.#unsaved.length === 1) this.#changed();
	};

	/** Every sync message from the server, before the provider applies it. */
	observe(subtype: number, payload: Uint8Array): void {
		if (this.#unsaved.length === 0) return;
		if (subtype === SYNC_STEP_1) {
			for (const [client, clock] of Y.decodeStateVector(payload)) this.#confirm(client, clock);
		} else if (subtype === SYNC_STEP_2 || subtype === SYNC_UPDATE) {
			for (const [client, clock] of Y.parseUpdateMeta(payload).to) this.#confirm(client, clock);
			if (this.#unsaved.some((u) => u.deletes.length > 0)) {
				const { ds } = Y.decodeUpdate(payload);
				for (const u of this.#unsaved) if (u.deletes.length) u.deletes = u.deletes.filter((d) => !covers(ds, d));
			}
		} else return;
		const before = this.#unsaved.length;
		this.#unsaved = this.#unsaved.filter((u) => u.deletes.length > 0 || [...u.ends].some(([client, end]) => (this.#confirmed.get(client) ?? 0) < end));
		if (this.#unsaved.length !== before) this.#changed();
	}

	#confirm(client: number, clock: number): void {
		if (clock > (this.#confirmed.get(client) ?? 0)) this.#confirmed.set(client, clock);
	}

	destroy(): void {
		this.#doc.off('afterTransaction', this.#afterTransaction);
		this.#unsaved = [];
	}
}

/** True when the deletions in `ds` include the whole range (in one or several adjacent items). */
function covers(ds: ReturnType<typeof Y.decodeUpdate>['ds'], range: DeleteRange): boolean {
	const items = [...(ds.clients.get(range.client) ?? [])].sort((a, b) => a.clock - b.clock);
	let at = range.clock;
	const end = range.clock + range.len;
	for (const item of items) {
		if (item.clock > at) break;
		at = Math.max(at, item.clock + item.len);
		if (at >= end) return true;
	}
	return at >= end;
}
