import * as Y from 'yjs';
import { writerFor, type Access, type BoardSettings } from './access';
import { DEFAULT_RIGHTS } from '$lib/domain/board/board-rights';
import { Connection, CLOSE, type ConnectionHost, type Socket } from './connection';
import type { CardAuthor, DocumentStore, PendingWrite } from './persistence';
import { cardsOf } from '$lib/domain/board/board-model';
import { ACCEPTED, STORED, Room } from './room';
import type { ControlMessage } from './relay';
import { checkUpdate, writeRefusal } from './update-rules';
import { parseDocName } from './doc-name';
import type { GuardResult } from '$lib/domain/board/update-guard';

export interface SyncOptions {
	store: DocumentStore;
	/** Compact a document's log past this many bytes or updates. */
	compactAfterBytes?: number;
	compactAfterUpdates?: number;
	/** Unload a document this long after its last connection left. */
	unloadAfterMs?: number;
	/** Close a connection whose unsent data exceeds this. */
	maxBufferedBytes?: number;
	/**
	 * Updates one connection may send (each accepted one is a row in board_updates): `updateBurst`
	 * at once, then `updatesPerSecond` sustained; past that the connection is closed (4429) and the
	 * update not applied. Measured in Chromium with the real client (y-websocket provider, board
	 * page, Playwright typing 132 characters into a card): one update message per keystroke and
	 * nothing else — 13 a second at 60 ms between keys (a very fast typist), 22 at 30 ms, 56 with
	 * no delay at all (no person). A held key repeats at up to ~30/s (the fastest OS setting;
	 * not measured here). 100 at once and 40/s leave all people untouched and stop a flood.
	 */
	updateBurst?: number;
	updatesPerSecond?: number;
	/** Largest document (stored state + log) before further growth is refused. */
	maxDocumentBytes?: number;
	/** Minimum time between two presence broadcasts of one room. */
	awarenessIntervalMs?: number;
	/**
	 * Largest share of time a room's relays may take (0 < share ≤ 1): after a relay to a room
	 * that took d ms, its next waits d × (1/share − 1) ms (see Room.relayUpdate), so that a room
	 * of a thousand people gets fewer, fuller messages instead of a relay loop that never stops.
	 * Small rooms relay in well under a millisecond and are not held back.
	 */
	relayShare?: number;
	log?: (message: string, error?: unknown) => void;
}

type Presence = Access['user'];

/** The rights of live connections as the database has them now (`access.currentRights`). */
export type CurrentRights = (input: {
	boards: string[];
	members: string[];
}) => Promise<{ locked: Map<string, boolean>; settings?: Map<string, BoardSettings>; roles: Map<string, Access['user']['role']> }>;

/** A room's presence change, as y-protocols reports it. */
export interface PresenceChange {
	added: number[];
	updated: number[];
	removed: number[];
}

/** What a room's commit carried: its updates merged, and the anonymous cards' authors per update. */
export interface Committed {
	update: Uint8Array;
	cardAuthors: CardAuthor[][];
}

/** What the cluster (cluster.ts) lends the sync server once attached: the way out to the other instances. */
export interface ClusterLink {
	publishControl(message: ControlMessage): void;
	/** Who is connected to the other instances in a workshop, as their last message said. */
	online(workshopId: string): Presence[];
	close(): Promise<void>;
}

interface Queued {
	room: Room;
	update: Uint8Array;
	cardAuthors?: CardAuthor[];
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
	readonly updateRate: { burst: number; perSecond: number };
	readonly #store: DocumentStore;
	readonly #rooms = new Map<string, Promise<Room>>();
	/** The rooms whose load is done, by document name. */
	readonly #loaded = new Map<string, Room>();
	readonly #options: Required<Omit<SyncOptions, 'store' | 'log'>>;
	/** Several instances: the cluster attached through the hooks below (cluster.ts). */
	#cluster: ClusterLink | null = null;
	readonly #controlHandlers: ((message: ControlMessage) => void)[] = [];
	readonly #committedHandlers: ((room: Room, committed: Committed) => void)[] = [];
	readonly #loadingHandlers: ((name: string) => Promise<void>)[] = [];
	readonly #loadedHandlers: ((room: Room) => void)[] = [];
	readonly #unloadedHandlers: ((name: string) => void)[] = [];
	readonly #presenceHandlers: ((room: Room, change: PresenceChange, origin: unknown) => void)[] = [];
	readonly #connectionsHandlers: ((room: Room) => void)[] = [];
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
			updateBurst: options.updateBurst ?? 100,
			updatesPerSecond: options.updatesPerSecond ?? 40,
			maxDocumentBytes: options.maxDocumentBytes ?? 16 * 1024 * 1024,
			awarenessIntervalMs: options.awarenessIntervalMs ?? 50,
			relayShare: Math.min(1, Math.max(0.05, options.relayShare ?? 0.5))
		};
		this.maxBufferedBytes = this.#options.maxBufferedBytes;
		this.updateRate = { burst: this.#options.updateBurst, perSecond: this.#options.updatesPerSecond };
	}

	/** True when this server shares its rooms with other instances. */
	get shared(): boolean {
		return this.#cluster !== null;
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
		for (const handler of this.#connectionsHandlers) handler(room);
		return {
			receive: (data) => connection.receive(data),
			closed: () => {
				connection.detach();
				room.connections.delete(connection);
				if (room.connections.size === 0) this.#scheduleUnload(room);
				for (const handler of this.#connectionsHandlers) handler(room);
			}
		};
	}

	/** Changes whether a board is locked, for everyone connected to it (on every instance), at once. */
	setBoardLocked(boardId: string, locked: boolean): void {
		this.#lockHere(boardId, locked);
		this.#cluster?.publishControl({ type: 'lock', boardId, locked });
	}

	#lockHere(boardId: string, locked: boolean): void {
		void this.#rooms.get(`board/${boardId}`)?.then((room) => {
			for (const c of room.connections) c.access.locked = locked;
		}, () => {});
	}

	/**
	 * A board's rights or anonymity changed: live connections (on every instance) are held to
	 * the new settings from their next update on. Applied here before this returns, so that a
	 * caller that just checked the document (anonymity: no cards yet) leaves no gap.
	 */
	setBoardSettings(boardId: string, settings: BoardSettings): void {
		this.#settingsHere(boardId, settings);
		this.#cluster?.publishControl({ type: 'board-settings', boardId, ...settings });
	}

	#settingsHere(boardId: string, settings: BoardSettings): void {
		const apply = (room: Room) => {
			for (const c of room.connections) {
				c.access.rights = settings.rights;
				if (c.access.anonymous !== settings.anonymous) c.access.ownCards = settings.anonymous ? new Set() : null;
				c.access.anonymous = settings.anonymous;
			}
		};
		const name = `board/${boardId}`;
		const loaded = this.#loaded.get(name);
		if (loaded) apply(loaded);
		else void this.#rooms.get(name)?.then(apply, () => {});
	}

	/**
	 * Cards recorded as a member's on an anonymous board (their own new cards, a reveal of their
	 * draft): that member's live connections may edit them (on every instance).
	 */
	addOwnCards(boardId: string, memberId: string, cardIds: string[]): void {
		this.#ownCardsHere(boardId, memberId, cardIds);
		this.#cluster?.publishControl({ type: 'own-cards', boardId, memberId, cardIds });
	}

	#ownCardsHere(boardId: string, memberId: string, cardIds: string[]): void {
		const room = this.#loaded.get(`board/${boardId}`);
		for (const c of room?.connections ?? []) if (c.access.user.memberId === memberId) for (const id of cardIds) c.access.ownCards?.add(id);
	}

	/**
	 * A member's role changed: their open connections (on every instance) get the new rights
	 * at once, rather than at their next reconnect (a member made observer stops writing now).
	 */
	setMemberRole(workshopId: string, memberId: string, role: Access['user']['role']): void {
		this.#roleHere(workshopId, memberId, role);
		this.#cluster?.publishControl({ type: 'role', workshopId, memberId, role });
	}

	/** Closes every live connection of a member (a revoked screen link), on every instance. */
	disconnect(workshopId: string, memberId: string): void {
		this.#disconnectHere(workshopId, memberId);
		this.#cluster?.publishControl({ type: 'disconnect', workshopId, memberId });
	}

	#disconnectHere(workshopId: string, memberId: string): void {
		for (const pending of this.#rooms.values()) {
			void pending.then((room) => {
				if (room.workshopId !== workshopId) return;
				for (const c of [...room.connections]) if (c.access.user.memberId === memberId) c.close(CLOSE.refused, 'access revoked');
			}, () => {});
		}
	}

	#roleHere(workshopId: string, memberId: string, role: Access['user']['role']): void {
		for (const pending of this.#rooms.values()) {
			void pending.then((room) => {
				if (room.workshopId !== workshopId) return;
				for (const c of room.connections) {
					if (c.access.user.memberId !== memberId) continue;
					c.access.user = { ...c.access.user, role };
					c.access.writer = writerFor(room.name, role);
				}
			}, () => {});
		}
	}

	/**
	 * Who has any document of the workshop open now (one entry per member), as the sessions
	 * say: on this instance, and on the others as their last heartbeat said.
	 */
	async onlineMembers(workshopId: string): Promise<Map<string, Access['user']>> {
		const online = new Map<string, Access['user']>();
		for (const user of this.#cluster?.online(workshopId) ?? []) online.set(user.memberId, user);
		for (const settled of await Promise.allSettled(this.#rooms.values())) {
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

	get roomCount(): number {
		return this.#rooms.size;
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
			if (cardAuthors) this.#ownCardsHere(boardId, author, cardAuthors.map((a) => a.cardId));
		} else {
			Y.applyUpdate(room.doc, update, ACCEPTED);
		}
		room.accepted();
		this.#queue.push({ room, update, cardAuthors });
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
		const writes: PendingWrite[] = batch.map(({ room, update, cardAuthors }) => ({ workshopId: room.workshopId, doc: room.name.name, update, cardAuthors }));
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
				this.#log(`relaying to ${room.name.name} failed`, error);
			} finally {
				room.committed({ count: updates.length, bytes: updates.reduce((n, u) => n + u.length, 0), seq });
			}
			// Committed: the hooks (the other instances among them) may have it now, never before.
			if (merged) this.#committed(room, { update: merged, cardAuthors });
			if (room.logExceeds(this.#options.compactAfterBytes, this.#options.compactAfterUpdates)) void this.#compact(room);
		}
		this.#flushing = false;
		this.#scheduleFlush();
	}

	async #compact(room: Room): Promise<void> {
		const store = this.#store;
		try {
			await room.compact(async (upto) => {
				// Several instances write this document's log: what this one holds in memory may lack
				// an update another committed a moment ago, so the state is merged from the store itself.
				if (this.#cluster && store.compactStored) return (await store.compactStored({ workshopId: room.workshopId, doc: room.name.name })).stateBytes;
				const state = Y.encodeStateAsUpdateV2(room.doc);
				await store.compact({ workshopId: room.workshopId, doc: room.name.name, state, upto });
				return state.length;
			});
		} catch (error) {
			this.#log(`compacting ${room.name.name} failed`, error);
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
		for (const handler of this.#loadingHandlers) await handler(name);
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
		this.#loaded.set(name, room);
		if (this.#presenceHandlers.length) {
			room.awareness.on('update', (change: PresenceChange, origin: unknown) => {
				for (const handler of this.#presenceHandlers) handler(room, change, origin);
			});
		}
		for (const handler of this.#loadedHandlers) handler(room);
		return room;
	}

	#scheduleUnload(room: Room): void {
		room.scheduleUnload(this.#options.unloadAfterMs, () => void this.#unload(room));
	}

	async #unload(room: Room): Promise<void> {
		if (room.connections.size > 0 || !room.settled) return this.#scheduleUnload(room);
		// Held by a loaded draft: that draft's unload schedules this one again.
		if (room.held) return;
		if (room.hasLog) await this.#compact(room);
		if (room.connections.size > 0 || room.held) return;
		const control = room.dropControl();
		if (control) this.#release(control);
		this.#rooms.delete(room.name.name);
		this.#loaded.delete(room.name.name);
		this.#unloaded(room.name.name);
		room.destroy();
	}

	/** Waits for queued writes (bounded), then closes every connection. */
	async close(timeoutMs = 5000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while ((this.#queue.length || this.#flushing) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
		this.#closed = true;
		await this.#cluster?.close();
		for (const room of await Promise.allSettled(this.#rooms.values())) {
			if (room.status !== 'fulfilled') continue;
			for (const c of room.value.connections) c.close(1001, 'server shutting down');
			room.value.destroy();
		}
		this.#rooms.clear();
		this.#loaded.clear();
	}

	// ── hooks: what the cluster (cluster.ts) and the app's services attach to ──────────

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
		switch (message.type) {
			case 'lock':
				return this.#lockHere(message.boardId, message.locked);
			case 'role':
				return this.#roleHere(message.workshopId, message.memberId, message.role);
			case 'disconnect':
				return this.#disconnectHere(message.workshopId, message.memberId);
			case 'board-settings':
				return this.#settingsHere(message.boardId, { rights: message.rights, anonymous: message.anonymous });
			case 'own-cards':
				return this.#ownCardsHere(message.boardId, message.memberId, message.cardIds);
			default:
				for (const handler of this.#controlHandlers) handler(message);
		}
	}

	/** Control messages from other instances that the sync server does not handle itself (round timers). */
	onControl(handler: (message: ControlMessage) => void): void {
		this.#controlHandlers.push(handler);
	}

	/** Called after each commit of a room's updates on this instance (the server's own writes included). */
	onCommitted(handler: (room: Room, committed: Committed) => void): void {
		this.#committedHandlers.push(handler);
	}

	/** Called before a room's document is read from the store; the load waits for it. */
	onLoading(handler: (name: string) => Promise<void>): void {
		this.#loadingHandlers.push(handler);
	}

	/** Called once a room is loaded, before anyone is attached to it. */
	onLoaded(handler: (room: Room) => void): void {
		this.#loadedHandlers.push(handler);
	}

	/** Called when a room unloads, or its load failed after `onLoading`. */
	onUnloaded(handler: (name: string) => void): void {
		this.#unloadedHandlers.push(handler);
	}

	/** Called on every presence change of a loaded room, with its origin (a `Connection`: one of this instance's clients). */
	onPresence(handler: (room: Room, change: PresenceChange, origin: unknown) => void): void {
		this.#presenceHandlers.push(handler);
	}

	/** Called when a connection joins or leaves a room. */
	onConnections(handler: (room: Room) => void): void {
		this.#connectionsHandlers.push(handler);
	}

	#committed(room: Room, committed: Committed): void {
		for (const handler of this.#committedHandlers) {
			try {
				handler(room, committed);
			} catch (error) {
				this.#log(`a commit hook of ${room.name.name} failed`, error);
			}
		}
	}

	#unloaded(name: string): void {
		for (const handler of this.#unloadedHandlers) handler(name);
	}
}

/** The update `fn` makes to a copy of `doc` (null when it changes nothing); `doc` itself is untouched. */
function changeOf(doc: Y.Doc, fn: (doc: Y.Doc) => void): Uint8Array | null {
	const scratch = new Y.Doc();
	Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(scratch);
	let changed = false;
	scratch.on('update', () => (changed = true));
	try {
		fn(scratch);
		return changed ? Y.encodeStateAsUpdate(scratch, before) : null;
	} finally {
		scratch.destroy();
	}
}
