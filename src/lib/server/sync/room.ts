import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { DocName } from './doc-name';
import type { Connection, SharedMessage } from './connection';
import { awarenessMessage, syncMessage, SYNC_UPDATE } from './protocol';
import type { REMOTE } from './relay';

/** Origin of updates loaded from the store: the server never stores these twice. */
export const STORED = Symbol('stored');
/** Origin of accepted updates applied while their commit is under way. */
export const ACCEPTED = Symbol('accepted');

/** One live document in memory: what is committed, who is connected, their presence. */
export class Room {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness: awarenessProtocol.Awareness;
	readonly connections = new Set<Connection>();
	/** Which connection speaks for each presence client id (REMOTE: a client of another instance). */
	readonly awarenessOwners = new Map<number, Connection | typeof REMOTE>();
	/** Highest seq of the log that `doc` includes: a compaction from memory folds the log up to it. */
	#appliedSeq: number;
	/** Bytes of stored state plus log, to bound the document's size. */
	#storedBytes: number;
	#logBytes: number;
	#logCount: number;
	#compacting = false;
	/**
	 * Accepted updates not yet committed. They are in `doc` (so that the next update of
	 * the same client, which builds on them, can be checked), but nobody receives the
	 * document while any are pending: relays and replies to sync requests wait for the commit.
	 */
	#pending = 0;
	#whenCommitted: (() => void)[] = [];
	#unloadTimer: ReturnType<typeof setTimeout> | null = null;
	/**
	 * A draft's workshop control document, kept loaded while the draft is: whether the draft takes
	 * writes is read from it (private brainstorming on its board), synchronously, per update.
	 */
	#control: Room | null = null;
	/** Draft rooms holding this (control) room loaded. */
	#holders = 0;
	/** Committed updates waiting for the room's next relay (pacing), and its timer. */
	#held: Uint8Array[] = [];
	#relayTimer: ReturnType<typeof setTimeout> | null = null;
	/** performance.now() before which the room is not relayed to again. */
	#relayNotBefore = 0;
	#awarenessChanged = new Set<number>();
	#awarenessTimer: ReturnType<typeof setTimeout> | null = null;
	#lastAwarenessFlush = 0;

	constructor(
		readonly name: DocName,
		readonly workshopId: string,
		loaded: { appliedSeq: number; storedBytes: number; logBytes: number; logCount: number },
		private readonly awarenessIntervalMs: number,
		/** Largest share of time this room's relays may take (SyncOptions.relayShare, defaulted there). */
		private readonly relayShare: number
	) {
		this.#appliedSeq = loaded.appliedSeq;
		this.#storedBytes = loaded.storedBytes;
		this.#logBytes = loaded.logBytes;
		this.#logCount = loaded.logCount;
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
			for (const id of [...added, ...updated, ...removed]) this.#awarenessChanged.add(id);
			this.#scheduleAwareness();
		});
	}

	/** Bytes of the document as stored (state plus log). */
	get size(): number {
		return this.#storedBytes + this.#logBytes;
	}

	/** The log has grown past either bound: time to fold it into the stored state. */
	logExceeds(bytes: number, updates: number): boolean {
		return this.#logBytes > bytes || this.#logCount > updates;
	}

	/** No accepted update waits for its commit. */
	get settled(): boolean {
		return this.#pending === 0;
	}

	get hasLog(): boolean {
		return this.#logCount > 0;
	}

	/** An update was applied to `doc` and queued: until it commits, nobody is sent the document. */
	accepted(): void {
		this.#pending++;
	}

	/** Runs `fn` now if nothing is pending, else right after the pending updates commit. */
	whenCommitted(fn: () => void): void {
		if (this.#pending === 0) fn();
		else this.#whenCommitted.push(fn);
	}

	/** `count` accepted updates (`bytes` in all) are committed, the last of them as `seq`. */
	committed({ count, bytes, seq }: { count: number; bytes: number; seq: number }): void {
		this.#appliedSeq = seq;
		this.#logBytes += bytes;
		this.#logCount += count;
		this.#pending -= count;
		if (this.#pending === 0) {
			for (const fn of this.#whenCommitted.splice(0)) {
				try {
					fn();
				} catch {
					// One waiter's failure (a closed socket) must not stop the others or the commit loop.
				}
			}
		}
	}

	/**
	 * Folds the log into the stored state: `write` stores it (from memory up to `upto`, or from
	 * the store itself) and resolves with the state's size. Only between commits, as the state
	 * must hold committed content only; one at a time. A failed write changes nothing here.
	 */
	async compact(write: (upto: number) => Promise<number>): Promise<void> {
		if (this.#compacting || this.#pending > 0) return;
		this.#compacting = true;
		const logBytes = this.#logBytes;
		const logCount = this.#logCount;
		try {
			this.#storedBytes = await write(this.#appliedSeq);
			this.#logBytes -= logBytes;
			this.#logCount -= logCount;
		} finally {
			this.#compacting = false;
		}
	}

	/** Unloads the room after `ms` unless scheduled again or cancelled. */
	scheduleUnload(ms: number, unload: () => void): void {
		this.cancelUnload();
		this.#unloadTimer = setTimeout(unload, ms);
		this.#unloadTimer.unref?.();
	}

	cancelUnload(): void {
		if (this.#unloadTimer) clearTimeout(this.#unloadTimer);
		this.#unloadTimer = null;
	}

	get control(): Room | null {
		return this.#control;
	}

	/** A draft keeps its workshop's control room loaded (`hold`) for as long as it is. */
	keepControl(control: Room): void {
		this.#control = control;
	}

	/** The draft unloads: its control room, if any, to release. */
	dropControl(): Room | null {
		const control = this.#control;
		this.#control = null;
		return control;
	}

	hold(): void {
		this.#holders++;
	}

	/** Returns whether any draft still holds the room. */
	release(): boolean {
		this.#holders--;
		return this.#holders > 0;
	}

	get held(): boolean {
		return this.#holders > 0;
	}

	/**
	 * Relays a committed update to the room. A relay costs one socket write per connection: after
	 * one that took d ms, the room's next waits d × (1/relayShare − 1) ms, and what is committed
	 * meanwhile goes out merged in it. A room of 1,000 (15–30 ms a relay) then gets fewer, fuller
	 * messages and leaves the server time to read; a room of 25 (< 1 ms) is not held back.
	 */
	relayUpdate(update: Uint8Array): void {
		this.#held.push(update);
		if (this.#relayTimer) return;
		const wait = this.#relayNotBefore - performance.now();
		if (wait >= 1) this.#relayTimer = setTimeout(() => this.#relayHeld(), wait);
		else this.#relayHeld();
	}

	#relayHeld(): void {
		this.#relayTimer = null;
		const updates = this.#held.splice(0);
		if (updates.length === 0) return;
		const started = performance.now();
		let merged: Uint8Array[];
		try {
			merged = [updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)];
		} catch {
			// Runs from a timer too: nothing may throw out of here. Unmerged, they go one by one.
			merged = updates;
		}
		for (const update of merged) this.broadcast(syncMessage(SYNC_UPDATE, update));
		const ended = performance.now();
		this.#relayNotBefore = ended + (ended - started) * (1 / this.relayShare - 1);
	}

	/** Sends to every connection of the room; slow ones are dropped by the connection. */
	broadcast(message: Uint8Array): void {
		const shared: SharedMessage = { message, frame: null };
		for (const connection of this.connections) connection.send(message, shared);
	}

	/**
	 * Presence goes out at most once per interval for the whole room, as one message
	 * carrying every change since the last: however many people move their cursor at
	 * once, each client receives at most 1000/interval presence messages a second.
	 */
	#scheduleAwareness(): void {
		if (this.#awarenessTimer) return;
		// Each broadcast costs one write per connection: a big room hears presence less often
		// (every 50 ms up to 200 people, then 1 ms more per 4 people: 1,000 people → 250 ms).
		const interval = Math.max(this.awarenessIntervalMs, this.connections.size / 4);
		const wait = Math.max(0, this.#lastAwarenessFlush + interval - Date.now());
		this.#awarenessTimer = setTimeout(() => {
			this.#awarenessTimer = null;
			this.#lastAwarenessFlush = Date.now();
			const changed = [...this.#awarenessChanged];
			this.#awarenessChanged.clear();
			if (changed.length === 0) return;
			this.broadcast(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)));
		}, wait);
	}

	destroy(): void {
		if (this.#awarenessTimer) clearTimeout(this.#awarenessTimer);
		this.cancelUnload();
		if (this.#relayTimer) clearTimeout(this.#relayTimer);
		this.awareness.destroy();
		this.doc.destroy();
	}
}
