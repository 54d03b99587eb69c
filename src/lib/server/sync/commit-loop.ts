import * as Y from 'yjs';
import type { Committed } from './hooks';
import type { CardAuthor, DocumentStore, PendingWrite } from './persistence';
import type { Room } from './room';

export interface CommitLoopOptions {
	store: DocumentStore;
	compactAfterBytes: number;
	compactAfterUpdates: number;
	/** Several instances write the logs: a compaction merges from the store itself. */
	shared: () => boolean;
	/** After each commit of a room's updates, once they are relayed to its connections. */
	committed: (room: Room, committed: Committed) => void;
	log: (message: string, error?: unknown) => void;
}

interface Queued {
	room: Room;
	update: Uint8Array;
	cardAuthors?: CardAuthor[];
}

/**
 * Durable before visible: what was accepted in one turn of the event loop is written to the
 * store in one transaction, and only after that commit relayed, merged into one message per
 * room. A failed write keeps the batch and retries with backoff; nothing is relayed meanwhile.
 */
export class CommitLoop {
	/** Set while the store refuses writes; the interface may show it. */
	storeFailing = false;
	#queue: Queued[] = [];
	#flushing = false;
	#flushScheduled = false;
	#retryMs = 0;

	constructor(private readonly options: CommitLoopOptions) {}

	/** Updates accepted and not yet committed, or a commit under way. */
	get busy(): boolean {
		return this.#queue.length > 0 || this.#flushing;
	}

	/** An update already applied to `room.doc`: nobody receives the room's document until it commits. */
	push(room: Room, update: Uint8Array, cardAuthors?: CardAuthor[]): void {
		room.accepted();
		this.#queue.push({ room, update, cardAuthors });
		this.#schedule();
	}

	#schedule(): void {
		if (this.#flushing || this.#flushScheduled || this.#queue.length === 0) return;
		this.#flushScheduled = true;
		// setImmediate: everything that arrived in this turn of the event loop goes in one commit.
		const run = () => {
			this.#flushScheduled = false;
			void this.#flush();
		};
		if (this.#retryMs) setTimeout(run, this.#retryMs);
		else setImmediate(run);
	}

	async #flush(): Promise<void> {
		if (this.#flushing || this.#queue.length === 0) return;
		this.#flushing = true;
		const batch = this.#queue.splice(0, 2000);
		const writes: PendingWrite[] = batch.map(({ room, update, cardAuthors }) => ({ workshopId: room.workshopId, doc: room.name.name, update, cardAuthors }));
		let seq: number;
		try {
			seq = await this.options.store.append(writes);
		} catch (error) {
			// Nothing is relayed without its commit: keep the batch, retry with backoff.
			this.#queue.unshift(...batch);
			this.#retryMs = Math.min(Math.max(this.#retryMs * 2, 100), 2000);
			if (!this.storeFailing) this.options.log('writing updates failed; retrying', error);
			this.storeFailing = true;
			this.#flushing = false;
			this.#schedule();
			return;
		}
		this.#retryMs = 0;
		this.storeFailing = false;
		const byRoom = new Map<Room, { updates: Uint8Array[]; cardAuthors: CardAuthor[][] }>();
		for (const { room, update, cardAuthors } of batch) {
			const entry = byRoom.get(room) ?? { updates: [], cardAuthors: [] };
			entry.updates.push(update);
			if (cardAuthors?.length) entry.cardAuthors.push(cardAuthors);
			byRoom.set(room, entry);
		}
		for (const [room, { updates, cardAuthors }] of byRoom) {
			let merged: Uint8Array | null = null;
			try {
				merged = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
				room.relayUpdate(merged);
			} catch (error) {
				this.options.log(`relaying to ${room.name.name} failed`, error);
			} finally {
				room.committed({ count: updates.length, bytes: updates.reduce((n, u) => n + u.length, 0), seq });
			}
			// Committed: the hooks (the other instances among them) may have it now, never before.
			if (merged) this.options.committed(room, { update: merged, cardAuthors });
			if (room.logExceeds(this.options.compactAfterBytes, this.options.compactAfterUpdates)) void this.compact(room);
		}
		this.#flushing = false;
		this.#schedule();
	}

	/** Folds the room's log into its stored state (between commits: see Room.compact). */
	async compact(room: Room): Promise<void> {
		const store = this.options.store;
		try {
			await room.compact(async (upto) => {
				// Several instances write this document's log: what this one holds in memory may lack
				// an update another committed a moment ago, so the state is merged from the store itself.
				if (this.options.shared() && store.compactStored) return (await store.compactStored({ workshopId: room.workshopId, doc: room.name.name })).stateBytes;
				const state = Y.encodeStateAsUpdateV2(room.doc);
				await store.compact({ workshopId: room.workshopId, doc: room.name.name, state, upto });
				return state.length;
			});
		} catch (error) {
			this.options.log(`compacting ${room.name.name} failed`, error);
		}
	}
}
