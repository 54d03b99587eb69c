import * as Y from 'yjs';
import type { Access } from './access';
import { Connection, CLOSE, type ConnectionHost, type Socket } from './connection';
import type { DocumentStore, PendingWrite } from './persistence';
import { ACCEPTED, STORED, Room } from './room';
import { syncMessage, SYNC_UPDATE } from './protocol';
import { checkUpdate } from './update-rules';

export interface SyncOptions {
	store: DocumentStore;
	/** Compact a document's log past this many bytes or updates. */
	compactAfterBytes?: number;
	compactAfterUpdates?: number;
	/** Unload a document this long after its last connection left. */
	unloadAfterMs?: number;
	/** Close a connection whose unsent data exceeds this. */
	maxBufferedBytes?: number;
	/** Largest document (stored state + log) before further growth is refused. */
	maxDocumentBytes?: number;
	/** Minimum time between two presence broadcasts of one room. */
	awarenessIntervalMs?: number;
	log?: (message: string, error?: unknown) => void;
}

interface Queued {
	room: Room;
	update: Uint8Array;
}

/**
 * The y-websocket protocol over any socket, with durable-before-visible relay: an
 * accepted update is checked, applied to the room's document, and queued; the queue is
 * written to the store in one transaction per turn, and only after that commit is the
 * update sent to the room, merged into one message per room per batch. While a room has
 * uncommitted updates, nobody is sent its document. A document that fails to load is
 * never created empty.
 */
export class SyncServer implements ConnectionHost {
	readonly maxBufferedBytes: number;
	readonly #store: DocumentStore;
	readonly #rooms = new Map<string, Promise<Room>>();
	readonly #options: Required<Omit<SyncOptions, 'store' | 'log'>>;
	readonly #log: (message: string, error?: unknown) => void;
	#queue: Queued[] = [];
	#flushing = false;
	#flushScheduled = false;
	#retryMs = 0;
	#closed = false;
	/** Set while the store refuses writes; the interface may show it. */
	storeFailing = false;

	constructor(options: SyncOptions) {
		this.#store = options.store;
		this.#log = options.log ?? ((message, error) => console.error(`[sync] ${message}`, error ?? ''));
		this.#options = {
			compactAfterBytes: options.compactAfterBytes ?? 512 * 1024,
			compactAfterUpdates: options.compactAfterUpdates ?? 500,
			unloadAfterMs: options.unloadAfterMs ?? 30_000,
			maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
			maxDocumentBytes: options.maxDocumentBytes ?? 16 * 1024 * 1024,
			awarenessIntervalMs: options.awarenessIntervalMs ?? 50
		};
		this.maxBufferedBytes = this.#options.maxBufferedBytes;
	}

	/** Attaches an authorised socket to its document; returns the message and close handlers. */
	async attach(socket: Socket, access: Access): Promise<{ receive: (data: Uint8Array) => void; closed: () => void } | null> {
		let room: Room;
		try {
			room = await this.#room(access);
		} catch (error) {
			this.#log(`loading ${access.doc.name} failed`, error);
			socket.close(CLOSE.loadFailed, 'document could not be loaded');
			return null;
		}
		const connection = new Connection(socket, access, room, this);
		if (room.unloadTimer) clearTimeout(room.unloadTimer);
		room.unloadTimer = null;
		room.connections.add(connection);
		connection.start();
		return {
			receive: (data) => connection.receive(data),
			closed: () => {
				connection.detach();
				room.connections.delete(connection);
				if (room.connections.size === 0) this.#scheduleUnload(room);
			}
		};
	}

	/** Changes whether a board is locked, for everyone connected to it, at once. */
	setBoardLocked(boardId: string, locked: boolean): void {
		void this.#rooms.get(`board/${boardId}`)?.then((room) => {
			for (const c of room.connections) c.access.locked = locked;
		});
	}

	/**
	 * A member's role changed: their open connections get the new rights at once, rather
	 * than at their next reconnect (a member made observer stops writing now).
	 */
	setMemberRole(workshopId: string, memberId: string, role: Access['user']['role']): void {
		for (const pending of this.#rooms.values()) {
			void pending.then((room) => {
				if (room.workshopId !== workshopId) return;
				for (const c of room.connections) {
					if (c.access.user.memberId !== memberId) continue;
					c.access.user = { ...c.access.user, role };
					c.access.writer = room.name.kind === 'control' ? role === 'facilitator' : role !== 'observer';
				}
			}, () => {});
		}
	}

	/** Who has any document of the workshop open now (one entry per member), as the sessions say. */
	async onlineMembers(workshopId: string): Promise<Map<string, Access['user']>> {
		const online = new Map<string, Access['user']>();
		for (const settled of await Promise.allSettled(this.#rooms.values())) {
			if (settled.status !== 'fulfilled' || settled.value.workshopId !== workshopId) continue;
			for (const c of settled.value.connections) online.set(c.access.user.memberId, c.access.user);
		}
		return online;
	}

	/** A write by the server itself (not a client), through the same commit path. */
	async write(access: Pick<Access, 'doc' | 'workshopId'>, fn: (doc: Y.Doc) => void): Promise<void> {
		const room = await this.#room(access);
		const scratch = new Y.Doc();
		Y.applyUpdate(scratch, Y.encodeStateAsUpdate(room.doc));
		const before = Y.encodeStateVector(scratch);
		fn(scratch);
		const update = Y.encodeStateAsUpdate(scratch, before);
		scratch.destroy();
		this.#accept(room, update);
		await new Promise<void>((resolve) => room.whenCommitted(resolve));
		if (room.connections.size === 0) this.#scheduleUnload(room);
	}

	/** The room's document as committed (for snapshots and tests); loads it if needed. */
	async read(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Y.Doc> {
		const room = await this.#room(access);
		await new Promise<void>((resolve) => room.whenCommitted(resolve));
		if (room.connections.size === 0) this.#scheduleUnload(room);
		return room.doc;
	}

	get roomCount(): number {
		return this.#rooms.size;
	}

	submit(connection: Connection, update: Uint8Array): void {
		const room = connection.room;
		if (room.storedBytes + room.logBytes + update.length > this.#options.maxDocumentBytes) {
			connection.close(CLOSE.tooLarge, 'document too large');
			return;
		}
		const verdict = checkUpdate(room, update, connection.access);
		// An update that builds on what the server lacks, sent before the client's sync step 2:
		// that step 2 carries it and everything it needs, so it is dropped, not refused (a
		// refusal stops a browser for good, and reconnecting while typing is ordinary).
		if (!verdict.ok && verdict.reason === 'unresolved' && !connection.answeredSync) return;
		if (!verdict.ok) {
			if (process.env.SYNC_DEBUG) this.#log(`refused ${verdict.reason} from ${connection.access.user.memberId}`);
			connection.close(verdict.reason === 'too_large' ? CLOSE.tooLarge : CLOSE.refused, `update refused: ${verdict.reason}`);
			return;
		}
		this.#accept(room, update);
	}

	#accept(room: Room, update: Uint8Array): void {
		if (this.#closed) return;
		Y.applyUpdate(room.doc, update, ACCEPTED);
		room.pending++;
		this.#queue.push({ room, update });
		this.#scheduleFlush();
	}

	#scheduleFlush(): void {
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
		const writes: PendingWrite[] = batch.map(({ room, update }) => ({ workshopId: room.workshopId, doc: room.name.name, update }));
		let seq: number;
		try {
			seq = await this.#store.append(writes);
		} catch (error) {
			// Nothing is relayed without its commit: keep the batch, retry with backoff.
			this.#queue.unshift(...batch);
			this.#retryMs = Math.min(Math.max(this.#retryMs * 2, 100), 2000);
			if (!this.storeFailing) this.#log('writing updates failed; retrying', error);
			this.storeFailing = true;
			this.#flushing = false;
			this.#scheduleFlush();
			return;
		}
		this.#retryMs = 0;
		this.storeFailing = false;
		const byRoom = new Map<Room, Uint8Array[]>();
		for (const { room, update } of batch) {
			const list = byRoom.get(room) ?? [];
			list.push(update);
			byRoom.set(room, list);
		}
		for (const [room, updates] of byRoom) {
			try {
				const merged = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
				room.appliedSeq = seq;
				room.logBytes += updates.reduce((n, u) => n + u.length, 0);
				room.logCount += updates.length;
				room.broadcast(syncMessage(SYNC_UPDATE, merged));
			} catch (error) {
				this.#log(`relaying to ${room.name.name} failed`, error);
			} finally {
				room.committed(updates.length);
			}
			if (room.logBytes > this.#options.compactAfterBytes || room.logCount > this.#options.compactAfterUpdates) void this.#compact(room);
		}
		this.#flushing = false;
		this.#scheduleFlush();
	}

	async #compact(room: Room): Promise<void> {
		// The state must hold committed content only: compact between commits.
		if (room.compacting || room.pending > 0) return;
		room.compacting = true;
		const upto = room.appliedSeq;
		const state = Y.encodeStateAsUpdateV2(room.doc);
		const { logBytes, logCount } = room;
		try {
			await this.#store.compact({ workshopId: room.workshopId, doc: room.name.name, state, upto });
			room.storedBytes = state.length;
			room.logBytes -= logBytes;
			room.logCount -= logCount;
		} catch (error) {
			this.#log(`compacting ${room.name.name} failed`, error);
		} finally {
			room.compacting = false;
		}
	}

	#room(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		const name = access.doc.name;
		let room = this.#rooms.get(name);
		if (!room) {
			room = this.#load(access);
			this.#rooms.set(name, room);
			// A failed load is forgotten, so that the next attempt loads again rather than
			// serving (and later storing) an empty document.
			room.catch(() => this.#rooms.delete(name));
		}
		return room;
	}

	async #load(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		const stored = await this.#store.load(access.doc.name);
		const room = new Room(
			access.doc,
			access.workshopId,
			{
				appliedSeq: stored.upto,
				storedBytes: stored.state?.length ?? 0,
				logBytes: stored.logBytes,
				logCount: stored.updates.length
			},
			this.#options.awarenessIntervalMs
		);
		try {
			room.doc.transact(() => {
				if (stored.state) Y.applyUpdateV2(room.doc, stored.state, STORED);
				for (const update of stored.updates) Y.applyUpdate(room.doc, update, STORED);
			}, STORED);
		} catch (error) {
			room.destroy();
			throw error;
		}
		return room;
	}

	#scheduleUnload(room: Room): void {
		if (room.unloadTimer) clearTimeout(room.unloadTimer);
		room.unloadTimer = setTimeout(() => void this.#unload(room), this.#options.unloadAfterMs);
		room.unloadTimer.unref?.();
	}

	async #unload(room: Room): Promise<void> {
		if (room.connections.size > 0 || room.pending > 0) return this.#scheduleUnload(room);
		if (room.logCount > 0) await this.#compact(room);
		if (room.connections.size > 0) return;
		this.#rooms.delete(room.name.name);
		room.destroy();
	}

	/** Waits for queued writes (bounded), then closes every connection. */
	async close(timeoutMs = 5000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while ((this.#queue.length || this.#flushing) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
		this.#closed = true;
		for (const room of await Promise.allSettled(this.#rooms.values())) {
			if (room.status !== 'fulfilled') continue;
			for (const c of room.value.connections) c.close(1001, 'server shutting down');
			room.value.destroy();
		}
		this.#rooms.clear();
	}
}
