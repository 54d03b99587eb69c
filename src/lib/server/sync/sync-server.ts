import * as Y from 'yjs';
import type { Access, BoardSettings, Presence } from './access';
import { DEFAULT_RIGHTS } from '#lib/domain/board/board-rights.js';
import { Connection, CLOSE, type ConnectionHost, type Socket } from './connection';
import type { CardAuthor, DocumentStore } from './persistence';
import { cardsOf } from '#lib/domain/board/board-model.js';
import { ACCEPTED, STORED, Room } from './room';
import type { ControlMessage } from './relay';
import { checkUpdate, writeRefusal } from './update-rules';
import { parseDocName } from './doc-name';
import type { GuardResult } from '#lib/domain/board/update-guard.js';
import { SyncHooks, type ClusterLink, type Committed, type PresenceChange } from './hooks';
import { changeOf } from './change-of';
import { limitsOf, type Limits, type SyncOptions } from './options';
import { CommitLoop } from './commit-loop';
import { applyRights, isRightsChange, type LiveRooms, type RightsChange } from './live-rights';

export type { SyncOptions } from './options';

/**
 * The y-websocket protocol over any socket, with durable-before-visible relay: an
 * accepted update is checked, applied to the room's document, and queued; the queue is
 * written to the store in one transaction per turn, and only after that commit is the
 * update sent to the room, merged into one message per room per batch (`CommitLoop`). While a
 * room has uncommitted updates, nobody is sent its document. A document that fails to load is
 * never created empty.
 */
export class SyncServer extends SyncHooks implements ConnectionHost {
	readonly maxBufferedBytes: number;
	readonly updateRate: { burst: number; perSecond: number };
	readonly #store: DocumentStore;
	/** Every room by document name, loading or loaded; and those whose load is done. */
	readonly #live: LiveRooms = { all: new Map(), loaded: new Map() };
	readonly #options: Limits;
	readonly #commits: CommitLoop;
	/** Several instances: the cluster attached through the hooks below (cluster.ts). */
	#cluster: ClusterLink | null = null;
	readonly #log: (message: string, error?: unknown) => void;
	#closed = false;

	constructor(options: SyncOptions) {
		super();
		this.#store = options.store;
		this.#log = options.log ?? ((message, error) => console.error(`[sync] ${message}`, error ?? ''));
		this.#options = limitsOf(options);
		this.maxBufferedBytes = this.#options.maxBufferedBytes;
		this.updateRate = { burst: this.#options.updateBurst, perSecond: this.#options.updatesPerSecond };
		this.#commits = new CommitLoop({
			store: this.#store,
			compactAfterBytes: this.#options.compactAfterBytes,
			compactAfterUpdates: this.#options.compactAfterUpdates,
			shared: () => this.shared,
			committed: (room, committed) => this.#committed(room, committed),
			log: this.#log
		});
	}

	/** True when this server shares its rooms with other instances. */
	get shared(): boolean {
		return this.#cluster !== null;
	}

	/** Set while the store refuses writes; the interface may show it. */
	get storeFailing(): boolean {
		return this.#commits.storeFailing;
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
		room.cancelUnload();
		room.connections.add(connection);
		connection.start();
		for (const handler of this.handlers.connections) handler(room);
		return {
			receive: (data) => connection.receive(data),
			closed: () => {
				connection.detach();
				room.connections.delete(connection);
				if (room.connections.size === 0) this.#scheduleUnload(room);
				for (const handler of this.handlers.connections) handler(room);
			}
		};
	}

	/** Changes whether a board is locked, for everyone connected to it (on every instance), at once. */
	setBoardLocked(boardId: string, locked: boolean): void {
		this.#changeRights({ type: 'lock', boardId, locked });
	}

	/**
	 * A board's rights or anonymity changed: live connections (on every instance) are held to
	 * the new settings from their next update on; here before this returns.
	 */
	setBoardSettings(boardId: string, settings: BoardSettings): void {
		this.#changeRights({ type: 'board-settings', boardId, ...settings });
	}

	/**
	 * Cards recorded as a member's on an anonymous board (their own new cards, a reveal of their
	 * draft): that member's live connections may edit them (on every instance).
	 */
	addOwnCards(boardId: string, memberId: string, cardIds: string[]): void {
		this.#changeRights({ type: 'own-cards', boardId, memberId, cardIds });
	}

	/**
	 * A member's role changed: their open connections (on every instance) get the new rights
	 * at once, rather than at their next reconnect (a member made observer stops writing now).
	 */
	setMemberRole(workshopId: string, memberId: string, role: Presence['role']): void {
		this.#changeRights({ type: 'role', workshopId, memberId, role });
	}

	/** Closes every live connection of a member (a revoked screen link), on every instance. */
	disconnect(workshopId: string, memberId: string): void {
		this.#changeRights({ type: 'disconnect', workshopId, memberId });
	}

	#changeRights(change: RightsChange): void {
		applyRights(this.#live, change);
		this.#cluster?.publishControl(change);
	}

	/**
	 * Who has any document of the workshop open now (one entry per member), as the sessions
	 * say: on this instance, and on the others as their last heartbeat said.
	 */
	async onlineMembers(workshopId: string): Promise<Map<string, Presence>> {
		const online = new Map<string, Presence>();
		for (const user of this.#cluster?.online(workshopId) ?? []) online.set(user.memberId, user);
		for (const settled of await Promise.allSettled(this.#live.all.values())) {
			if (settled.status !== 'fulfilled' || settled.value.workshopId !== workshopId) continue;
			for (const c of settled.value.connections) online.set(c.access.user.memberId, c.access.user);
		}
		return online;
	}

	/** A write by the server itself (not a client), through the same commit path. */
	async write(access: Pick<Access, 'doc' | 'workshopId'>, fn: (doc: Y.Doc) => void): Promise<void> {
		const room = await this.#room(access);
		const update = changeOf(room.doc, fn);
		// Nothing changed (a roster already current, a count already right): no row, no relay.
		if (update) {
			this.#accept(room, update);
			await new Promise<void>((resolve) => room.whenCommitted(resolve));
		}
		if (room.connections.size === 0) this.#scheduleUnload(room);
	}

	/**
	 * A write by the server on a member's behalf (the reveal of their draft), held to the rules of
	 * that member's own edits: the document size limit and the update guard, signed as them.
	 * A refused write changes nothing and says why.
	 */
	async writeAs(
		access: Pick<Access, 'doc' | 'workshopId'>,
		author: Pick<Presence, 'memberId' | 'name' | 'organisation'>,
		fn: (doc: Y.Doc) => void,
		options: { anonymous?: boolean } = {}
	): Promise<GuardResult> {
		const room = await this.#room(access);
		const update = changeOf(room.doc, fn);
		let verdict: GuardResult = { ok: true };
		if (update && room.size + update.length > this.#options.maxDocumentBytes) verdict = { ok: false, reason: 'too_large' };
		else if (update) {
			const as: Access = {
				doc: access.doc,
				workshopId: access.workshopId,
				user: { ...author, colour: '', role: 'participant' },
				writer: true,
				locked: false,
				rights: DEFAULT_RIGHTS,
				anonymous: options.anonymous ?? false,
				ownCards: null
			};
			verdict = checkUpdate(room, update, as);
		}
		if (update && verdict.ok) {
			this.#accept(room, update);
			await new Promise<void>((resolve) => room.whenCommitted(resolve));
		}
		if (room.connections.size === 0) this.#scheduleUnload(room);
		return verdict;
	}

	/** The room's document as committed (for snapshots and tests); loads it if needed. */
	async read(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Y.Doc> {
		const room = await this.#room(access);
		await new Promise<void>((resolve) => room.whenCommitted(resolve));
		if (room.connections.size === 0) this.#scheduleUnload(room);
		return room.doc;
	}

	/** The stored documents whose names start with `prefix` (a board's drafts: `draft/<board>/`). */
	listDocs(prefix: string): Promise<string[]> {
		return this.#store.listDocs(prefix);
	}

	get roomCount(): number {
		return this.#live.all.size;
	}

	writeRefusal(connection: Connection): string | null {
		return writeRefusal(connection.room, connection.access);
	}

	submit(connection: Connection, update: Uint8Array): void {
		const room = connection.room;
		if (room.size + update.length > this.#options.maxDocumentBytes) {
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
		const anonymous = room.name.kind === 'board' && connection.access.anonymous;
		this.#accept(room, update, anonymous ? connection.access.user.memberId : null);
	}

	/**
	 * `author`: an anonymous board's writer. The cards the update creates (a key of `cards` set
	 * to a new card; the guard allowed nothing else there) are recorded as theirs, committed in
	 * the same statement as the update, and their live connections may edit them from now on.
	 */
	#accept(room: Room, update: Uint8Array, author: string | null = null): void {
		if (this.#closed) return;
		let cardAuthors: CardAuthor[] | undefined;
		if (author !== null && room.name.kind === 'board') {
			const cards = cardsOf(room.doc);
			const boardId = room.name.boardId;
			const record = (transaction: Y.Transaction) => {
				const keys = transaction.changed.get(cards as never);
				const created = [...(keys ?? [])].filter((key): key is string => key !== null && cards.has(key));
				if (created.length) cardAuthors = created.map((cardId) => ({ boardId, cardId, memberId: author }));
			};
			room.doc.on('afterTransaction', record);
			try {
				Y.applyUpdate(room.doc, update, ACCEPTED);
			} finally {
				room.doc.off('afterTransaction', record);
			}
			if (cardAuthors) applyRights(this.#live, { type: 'own-cards', boardId, memberId: author, cardIds: cardAuthors.map((a) => a.cardId) });
		} else {
			Y.applyUpdate(room.doc, update, ACCEPTED);
		}
		this.#commits.push(room, update, cardAuthors);
	}

	#room(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		const name = access.doc.name;
		let room = this.#live.all.get(name);
		if (!room) {
			room = this.#load(access);
			this.#live.all.set(name, room);
			// A failed load is forgotten, so that the next attempt loads again rather than
			// serving (and later storing) an empty document.
			room.catch(() => this.#live.all.delete(name));
		}
		return room;
	}

	async #load(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		// A draft's writability is read from its workshop's control document: loaded first, held while the draft is.
		if (access.doc.kind === 'draft') {
			const control = await this.#room({ doc: parseDocName(`control/${access.workshopId}`)!, workshopId: access.workshopId });
			control.hold();
			try {
				const room = await this.#loadRoom(access);
				room.keepControl(control);
				return room;
			} catch (error) {
				this.#release(control);
				throw error;
			}
		}
		return this.#loadRoom(access);
	}

	#release(control: Room): void {
		if (!control.release() && control.connections.size === 0) this.#scheduleUnload(control);
	}

	async #loadRoom(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		const name = access.doc.name;
		// The cluster subscribes to the document's updates here, before the store is read.
		for (const handler of this.handlers.loading) await handler(name);
		let stored: Awaited<ReturnType<DocumentStore['load']>>;
		try {
			stored = await this.#store.load(name);
		} catch (error) {
			this.#unloaded(name);
			throw error;
		}
		const room = new Room(
			access.doc,
			access.workshopId,
			{
				appliedSeq: stored.upto,
				storedBytes: stored.state?.length ?? 0,
				logBytes: stored.logBytes,
				logCount: stored.updates.length
			},
			this.#options.awarenessIntervalMs,
			this.#options.relayShare
		);
		try {
			room.doc.transact(() => {
				if (stored.state) Y.applyUpdateV2(room.doc, stored.state, STORED);
				for (const update of stored.updates) Y.applyUpdate(room.doc, update, STORED);
			}, STORED);
		} catch (error) {
			room.destroy();
			this.#unloaded(name);
			throw error;
		}
		this.#live.loaded.set(name, room);
		if (this.handlers.presence.length) {
			room.awareness.on('update', (change: PresenceChange, origin: unknown) => {
				for (const handler of this.handlers.presence) handler(room, change, origin);
			});
		}
		for (const handler of this.handlers.loaded) handler(room);
		return room;
	}

	#scheduleUnload(room: Room): void {
		room.scheduleUnload(this.#options.unloadAfterMs, () => void this.#unload(room));
	}

	async #unload(room: Room): Promise<void> {
		if (room.connections.size > 0 || !room.settled) return this.#scheduleUnload(room);
		// Held by a loaded draft: that draft's unload schedules this one again.
		if (room.held) return;
		if (room.hasLog) await this.#commits.compact(room);
		if (room.connections.size > 0 || room.held) return;
		const control = room.dropControl();
		if (control) this.#release(control);
		this.#live.all.delete(room.name.name);
		this.#live.loaded.delete(room.name.name);
		this.#unloaded(room.name.name);
		room.destroy();
	}

	/** Waits for queued writes (bounded), then closes every connection. */
	async close(timeoutMs = 5000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while (this.#commits.busy && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
		this.#closed = true;
		await this.#cluster?.close();
		for (const room of await Promise.allSettled(this.#live.all.values())) {
			if (room.status !== 'fulfilled') continue;
			for (const c of room.value.connections) c.close(1001, 'server shutting down');
			room.value.destroy();
		}
		this.#live.all.clear();
		this.#live.loaded.clear();
	}

	// ── the cluster, and control messages (the hooks themselves are SyncHooks) ──────────

	/** A control message for the other instances (nothing happens without a cluster). */
	publishControl(message: ControlMessage): void {
		this.#cluster?.publishControl(message);
	}

	/** Attaches the cluster: control messages go out through it, and it is closed with the server. */
	link(cluster: ClusterLink): void {
		this.#cluster = cluster;
	}

	/**
	 * A control message from another instance (or the database re-read after one may have been
	 * lost), already validated: applied to the connections here only. Kinds the sync server does
	 * not handle itself (round and lock timers) go to the `onControl` handlers.
	 */
	applyControl(message: ControlMessage): void {
		if (isRightsChange(message)) applyRights(this.#live, message);
		else for (const handler of this.handlers.control) handler(message);
	}

	#committed(room: Room, committed: Committed): void {
		for (const handler of this.handlers.committed) {
			try {
				handler(room, committed);
			} catch (error) {
				this.#log(`a commit hook of ${room.name.name} failed`, error);
			}
		}
	}

	#unloaded(name: string): void {
		for (const handler of this.handlers.unloaded) handler(name);
	}
}
