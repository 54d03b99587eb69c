import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Access, BoardSettings } from './access';
import { DEFAULT_RIGHTS } from '$lib/domain/board/board-rights';
import { Connection, CLOSE, type ConnectionHost, type Socket } from './connection';
import type { CardAuthor, DocumentStore, PendingWrite } from './persistence';
import { cardsOf } from '$lib/domain/board/board-model';
import { ACCEPTED, STORED, Room } from './room';
import { decodeAwareness, encodeAwareness, syncMessage, SYNC_UPDATE } from './protocol';
import { REMOTE, type ControlMessage, type Relay } from './relay';
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
	/**
	 * Several instances (REDIS_URL): committed updates, presence and rights changes are shared
	 * with the other instances through this relay (see CONTEXT.md). Closed with the server.
	 */
	relay?: Relay;
	/** How long a load waits for the relay's subscription before going ahead (it re-reads the store once subscribed). */
	relaySubscribeWaitMs?: number;
	/** How often this instance tells the others it is alive (and who is connected to it). */
	relayHeartbeatMs?: number;
	/**
	 * With a relay: the rights of live connections as the database has them now, re-read after
	 * Redis was away (a lock or a role change published meanwhile is lost with it).
	 */
	currentRights?: (input: {
		boards: string[];
		members: string[];
	}) => Promise<{ locked: Map<string, boolean>; settings?: Map<string, BoardSettings>; roles: Map<string, Access['user']['role']> }>;
	log?: (message: string, error?: unknown) => void;
}

type Presence = Access['user'];

/** What this server knows of another instance: when it was last heard of, who is connected to it. */
interface Peer {
	seen: number;
	workshops: Map<string, Presence[]> | null;
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
	readonly #options: Required<Omit<SyncOptions, 'store' | 'log' | 'relay' | 'currentRights'>>;
	readonly #currentRights: SyncOptions['currentRights'] | null;
	readonly #relay: Relay | null;
	/** Other instances, by instance id (only with a relay). */
	readonly #peers = new Map<string, Peer>();
	/** Presence of which client ids came from which instance, per room (only with a relay). */
	readonly #remotePresence = new WeakMap<Room, Map<number, string>>();
	/** Client ids whose presence changed on this instance, to publish, per room. */
	readonly #presenceOut = new Map<Room, Set<number>>();
	#presenceTimer: ReturnType<typeof setTimeout> | null = null;
	#heartbeat: ReturnType<typeof setInterval> | null = null;
	#onlineTimer: ReturnType<typeof setTimeout> | null = null;
	#onlineChanged = true;
	readonly #controlHandlers: ((message: ControlMessage) => void)[] = [];
	readonly #committedHandlers: ((room: Pick<Room, 'name' | 'workshopId' | 'doc'>) => void)[] = [];
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
			relayShare: Math.min(1, Math.max(0.05, options.relayShare ?? 0.5)),
			relaySubscribeWaitMs: options.relaySubscribeWaitMs ?? 2000,
			relayHeartbeatMs: options.relayHeartbeatMs ?? 2000
		};
		this.maxBufferedBytes = this.#options.maxBufferedBytes;
		this.updateRate = { burst: this.#options.updateBurst, perSecond: this.#options.updatesPerSecond };
		this.#relay = options.relay ?? null;
		this.#currentRights = options.currentRights ?? null;
		if (this.#relay) this.#startRelay(this.#relay);
	}

	/** True when this server shares its rooms with other instances. */
	get shared(): boolean {
		return this.#relay !== null;
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
		this.#onlineChange();
		return {
			receive: (data) => connection.receive(data),
			closed: () => {
				connection.detach();
				room.connections.delete(connection);
				if (room.connections.size === 0) this.#scheduleUnload(room);
				this.#onlineChange();
			}
		};
	}

	/** Changes whether a board is locked, for everyone connected to it (on every instance), at once. */
	setBoardLocked(boardId: string, locked: boolean): void {
		this.#lockHere(boardId, locked);
		this.#relay?.publishControl({ type: 'lock', boardId, locked });
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
		this.#relay?.publishControl({ type: 'board-settings', boardId, ...settings });
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
		this.#relay?.publishControl({ type: 'own-cards', boardId, memberId, cardIds });
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
		this.#relay?.publishControl({ type: 'role', workshopId, memberId, role });
	}

	/** Closes every live connection of a member (a revoked screen link), on every instance. */
	disconnect(workshopId: string, memberId: string): void {
		this.#disconnectHere(workshopId, memberId);
		this.#relay?.publishControl({ type: 'disconnect', workshopId, memberId });
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
					c.access.writer = room.name.kind === 'control' ? role === 'facilitator' : role !== 'observer';
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
		for (const peer of this.#peers.values()) for (const user of peer.workshops?.get(workshopId) ?? []) online.set(user.memberId, user);
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
		if (update && room.storedBytes + room.logBytes + update.length > this.#options.maxDocumentBytes) verdict = { ok: false, reason: 'too_large' };
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
		room.pending++;
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
				room.relayUpdate(merged);
				// Committed: the other instances may have it now, never before.
				this.#relay?.publish(room.name.name, merged);
				for (const { cardAuthors } of batch) {
					if (cardAuthors?.length && this.#relay) {
						const [{ boardId, memberId }] = cardAuthors;
						this.#relay.publishControl({ type: 'own-cards', boardId, memberId, cardIds: cardAuthors.map((a) => a.cardId) });
					}
				}
			} catch (error) {
				this.#log(`relaying to ${room.name.name} failed`, error);
			} finally {
				room.committed(updates.length);
			}
			for (const handler of this.#committedHandlers) handler(room);
			if (room.logBytes > this.#options.compactAfterBytes || room.logCount > this.#options.compactAfterUpdates) void this.#compact(room);
		}
		this.#flushing = false;
		this.#scheduleFlush();
	}

	async #compact(room: Room): Promise<void> {
		// The state must hold committed content only: compact between commits.
		if (room.compacting || room.pending > 0) return;
		room.compacting = true;
		const { logBytes, logCount } = room;
		const store = this.#store;
		try {
			if (this.#relay && store.compactStored) {
				// Several instances write this document's log: what this one holds in memory may lack
				// an update another committed a moment ago, so the state is merged from the store itself.
				room.storedBytes = (await store.compactStored({ workshopId: room.workshopId, doc: room.name.name })).stateBytes;
			} else {
				const upto = room.appliedSeq;
				const state = Y.encodeStateAsUpdateV2(room.doc);
				await store.compact({ workshopId: room.workshopId, doc: room.name.name, state, upto });
				room.storedBytes = state.length;
			}
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
		// A draft's writability is read from its workshop's control document: loaded first, held while the draft is.
		if (access.doc.kind === 'draft') {
			const control = await this.#room({ doc: parseDocName(`control/${access.workshopId}`)!, workshopId: access.workshopId });
			control.holders++;
			try {
				const room = await this.#loadRoom(access);
				room.control = control;
				return room;
			} catch (error) {
				this.#release(control);
				throw error;
			}
		}
		return this.#loadRoom(access);
	}

	#release(control: Room): void {
		control.holders--;
		if (control.holders === 0 && control.connections.size === 0) this.#scheduleUnload(control);
	}

	async #loadRoom(access: Pick<Access, 'doc' | 'workshopId'>): Promise<Room> {
		const name = access.doc.name;
		const relay = this.#relay;
		// With a relay: subscribe first, load second, and keep what arrives in between until the
		// load is done (updates are idempotent): nothing committed elsewhere falls between the two.
		let loaded: Room | null = null;
		const early: { kind: 'update' | 'awareness'; bytes: Uint8Array; from: string }[] = [];
		if (relay) {
			const subscribed = relay.subscribe(name, {
				update: (bytes, from) => (loaded ? this.#remoteUpdate(loaded, bytes) : early.push({ kind: 'update', bytes, from })),
				awareness: (bytes, from) => (loaded ? this.#remoteAwareness(loaded, bytes, from) : early.push({ kind: 'awareness', bytes, from })),
				presenceQuery: () => loaded && this.#answerPresenceQuery(loaded)
			});
			let timer: ReturnType<typeof setTimeout> | undefined;
			const inTime =
				relay.ready &&
				(await Promise.race([
					subscribed.then(() => true, () => false),
					new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.#options.relaySubscribeWaitMs)))
				]));
			clearTimeout(timer);
			// Redis is away: load anyway (this instance keeps serving), and re-read once subscribed.
			if (!inTime) subscribed.then(() => loaded && this.#loaded.get(name) === loaded && void this.#catchUp(loaded), () => {});
		}
		let stored: Awaited<ReturnType<DocumentStore['load']>>;
		try {
			stored = await this.#store.load(name);
		} catch (error) {
			relay?.unsubscribe(name);
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
			relay?.unsubscribe(name);
			throw error;
		}
		this.#loaded.set(name, room);
		if (relay) {
			this.#watchPresence(room);
			loaded = room;
			for (const { kind, bytes, from } of early.splice(0)) {
				if (kind === 'update') this.#remoteUpdate(room, bytes);
				else this.#remoteAwareness(room, bytes, from);
			}
			// Presence is not in the store: the instances that have this room tell who is there.
			relay.queryPresence(name);
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
		// Held by a loaded draft: that draft's unload schedules this one again.
		if (room.holders > 0) return;
		if (room.logCount > 0) await this.#compact(room);
		if (room.connections.size > 0 || room.holders > 0) return;
		if (room.control) this.#release(room.control);
		room.control = null;
		this.#rooms.delete(room.name.name);
		this.#loaded.delete(room.name.name);
		this.#relay?.unsubscribe(room.name.name);
		this.#presenceOut.delete(room);
		room.destroy();
	}

	/** Waits for queued writes (bounded), then closes every connection. */
	async close(timeoutMs = 5000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while ((this.#queue.length || this.#flushing) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
		this.#closed = true;
		if (this.#heartbeat) clearInterval(this.#heartbeat);
		if (this.#onlineTimer) clearTimeout(this.#onlineTimer);
		if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
		if (this.#relay) {
			this.#relay.publishControl({ type: 'bye' });
			await this.#relay.close();
		}
		for (const room of await Promise.allSettled(this.#rooms.values())) {
			if (room.status !== 'fulfilled') continue;
			for (const c of room.value.connections) c.close(1001, 'server shutting down');
			room.value.destroy();
		}
		this.#rooms.clear();
		this.#loaded.clear();
	}

	// ── several instances: what the relay brings and what goes out through it ──────────

	/** A control message for the other instances (nothing happens without a relay). */
	publishControl(message: ControlMessage): void {
		this.#relay?.publishControl(message);
	}

	/** Control messages from other instances that the sync server does not handle itself (round timers). */
	/** Called after each commit of a room's updates on this instance (the server's own writes included). */
	onCommitted(handler: (room: Pick<Room, 'name' | 'workshopId' | 'doc'>) => void): void {
		this.#committedHandlers.push(handler);
	}

	onControl(handler: (message: ControlMessage) => void): void {
		this.#controlHandlers.push(handler);
	}

	#startRelay(relay: Relay): void {
		relay.onControl((message, from) => {
			try {
				this.#control(message, from);
			} catch (error) {
				this.#log('a control message from another instance failed', error);
			}
		});
		relay.onResync(() => {
			void this.#refreshRights();
			void this.#catchUpAll();
		});
		relay.publishControl({ type: 'hello' });
		this.#heartbeat = setInterval(() => {
			void this.#publishOnline(this.#onlineChanged);
			this.#expirePeers();
		}, this.#options.relayHeartbeatMs);
		this.#heartbeat.unref?.();
	}

	#control(message: ControlMessage, from: string): void {
		switch (message.type) {
			case 'lock':
				if (typeof message.boardId === 'string' && typeof message.locked === 'boolean') this.#lockHere(message.boardId, message.locked);
				return;
			case 'role':
				if (typeof message.workshopId === 'string' && typeof message.memberId === 'string' && ['facilitator', 'participant', 'observer'].includes(message.role)) {
					this.#roleHere(message.workshopId, message.memberId, message.role);
				}
				return;
			case 'disconnect':
				if (typeof message.workshopId === 'string' && typeof message.memberId === 'string') this.#disconnectHere(message.workshopId, message.memberId);
				return;
			case 'board-settings': {
				const r = message.rights as Partial<BoardSettings['rights']> | undefined;
				if (typeof message.boardId !== 'string' || typeof message.anonymous !== 'boolean' || !r) return;
				if (![r.editOthers, r.manageGroups, r.deleteWordings].every((x) => typeof x === 'boolean')) return;
				this.#settingsHere(message.boardId, { rights: { editOthers: r.editOthers!, manageGroups: r.manageGroups!, deleteWordings: r.deleteWordings! }, anonymous: message.anonymous });
				return;
			}
			case 'own-cards':
				if (typeof message.boardId === 'string' && typeof message.memberId === 'string' && Array.isArray(message.cardIds)) {
					this.#ownCardsHere(message.boardId, message.memberId, message.cardIds.filter((id): id is string => typeof id === 'string'));
				}
				return;
			case 'online': {
				const known = this.#peers.get(from);
				if (message.workshops && typeof message.workshops === 'object') {
					const workshops = new Map<string, Presence[]>();
					for (const [id, users] of Object.entries(message.workshops)) if (Array.isArray(users)) workshops.set(id, users.filter(isPresence));
					this.#peers.set(from, { seen: Date.now(), workshops });
				} else if (known) {
					known.seen = Date.now();
				} else {
					// A heartbeat from an instance we have not heard in full (we started after it): ask.
					this.#peers.set(from, { seen: Date.now(), workshops: null });
					this.#relay?.publishControl({ type: 'hello' });
				}
				return;
			}
			case 'hello':
				this.#onlineChanged = true;
				void this.#publishOnline(true);
				return;
			case 'bye':
				this.#peerGone(from, false);
				return;
			default:
				for (const handler of this.#controlHandlers) handler(message);
		}
	}

	/** Who is connected here changed: tell the other instances soon (at most every 250 ms). */
	#onlineChange(): void {
		if (!this.#relay) return;
		this.#onlineChanged = true;
		if (this.#onlineTimer) return;
		this.#onlineTimer = setTimeout(() => {
			this.#onlineTimer = null;
			void this.#publishOnline(true);
		}, 250);
		this.#onlineTimer.unref?.();
	}

	async #publishOnline(full: boolean): Promise<void> {
		if (!this.#relay || this.#closed) return;
		if (!full) return this.#relay.publishControl({ type: 'online' });
		this.#onlineChanged = false;
		const workshops: Record<string, Presence[]> = {};
		const seen = new Set<string>();
		for (const room of this.#loaded.values()) {
			for (const c of room.connections) {
				const key = `${room.workshopId} ${c.access.user.memberId}`;
				if (seen.has(key)) continue;
				seen.add(key);
				(workshops[room.workshopId] ??= []).push(c.access.user);
			}
		}
		this.#relay.publishControl({ type: 'online', workshops });
	}

	/** Instances not heard of for three heartbeats and a half are gone. */
	#expirePeers(): void {
		const limit = Date.now() - this.#options.relayHeartbeatMs * 3.5;
		for (const [id, peer] of this.#peers) if (peer.seen < limit) this.#peerGone(id, true);
	}

	/**
	 * Another instance stopped (shut down, or silent: killed, cut off). Its clients' presence
	 * leaves every room now; a silent one may have died between a commit and its publication,
	 * so the rooms re-read the store.
	 */
	#peerGone(id: string, silent: boolean): void {
		if (!this.#peers.delete(id) && !silent) return;
		for (const room of this.#loaded.values()) {
			const from = this.#remotePresence.get(room);
			if (!from) continue;
			const ids = [...from].filter(([, instance]) => instance === id).map(([clientId]) => clientId);
			for (const clientId of ids) from.delete(clientId);
			if (ids.length) awarenessProtocol.removeAwarenessStates(room.awareness, ids, REMOTE);
		}
		if (silent) {
			this.#log(`instance ${id} stopped answering; re-reading live rooms from the store`);
			void this.#catchUpAll();
		}
	}

	/** A committed update from another instance: apply it (never to be stored again) and relay it. */
	#remoteUpdate(room: Room, update: Uint8Array): void {
		if (this.#closed) return;
		try {
			Y.applyUpdate(room.doc, update, REMOTE);
		} catch (error) {
			this.#log(`an update of ${room.name.name} from another instance could not be applied`, error);
			return;
		}
		// Not counted in this room's log: the instance that wrote it compacts for it (two
		// instances compacting every log would take the document's lock twice as often).
		room.broadcast(syncMessage(SYNC_UPDATE, update));
	}

	/**
	 * Presence from another instance's clients (stamped by that instance). A client id held by
	 * a connection here is this instance's to speak for: entries for it are dropped.
	 */
	#remoteAwareness(room: Room, update: Uint8Array, from: string): void {
		if (this.#closed) return;
		try {
			const owners = room.awarenessOwners;
			const entries = decodeAwareness(update).filter((e) => !(owners.get(e.clientId) instanceof Connection));
			if (entries.length === 0) return;
			awarenessProtocol.applyAwarenessUpdate(room.awareness, encodeAwareness(entries), REMOTE);
			let sources = this.#remotePresence.get(room);
			if (!sources) this.#remotePresence.set(room, (sources = new Map()));
			const states = room.awareness.getStates();
			for (const { clientId } of entries) {
				if (states.has(clientId)) {
					if (!owners.has(clientId)) owners.set(clientId, REMOTE);
					if (owners.get(clientId) === REMOTE) sources.set(clientId, from);
				} else {
					sources.delete(clientId);
				}
			}
		} catch (error) {
			this.#log(`presence of ${room.name.name} from another instance could not be read`, error);
		}
	}

	/** Presence that this instance's clients changed goes to the others, batched per room. */
	#watchPresence(room: Room): void {
		room.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
			// A remote id that left (removed, or timed out: y-protocols drops presence not renewed for 30 s) is free again.
			for (const id of removed) {
				if (room.awarenessOwners.get(id) === REMOTE) room.awarenessOwners.delete(id);
				this.#remotePresence.get(room)?.delete(id);
			}
			if (!(origin instanceof Connection)) return;
			let out = this.#presenceOut.get(room);
			if (!out) this.#presenceOut.set(room, (out = new Set()));
			for (const id of [...added, ...updated, ...removed]) out.add(id);
			if (!this.#presenceTimer) {
				this.#presenceTimer = setTimeout(() => this.#publishPresence(), Math.max(1, this.#options.awarenessIntervalMs / 2));
				this.#presenceTimer.unref?.();
			}
		});
	}

	/** Another instance just loaded this room: the presence of this instance's own clients, at once. */
	#answerPresenceQuery(room: Room): void {
		if (!this.#relay || this.#closed) return;
		const ids = [...room.awarenessOwners].filter(([id, owner]) => owner instanceof Connection && room.awareness.getStates().has(id)).map(([id]) => id);
		if (ids.length) this.#relay.publishAwareness(room.name.name, awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids));
	}

	#publishPresence(): void {
		this.#presenceTimer = null;
		if (!this.#relay || this.#closed) return;
		for (const [room, ids] of this.#presenceOut) {
			try {
				this.#relay.publishAwareness(room.name.name, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...ids]));
			} catch (error) {
				this.#log(`publishing presence of ${room.name.name} failed`, error);
			}
		}
		this.#presenceOut.clear();
	}

	/**
	 * Messages from the other instances may have been lost (Redis was away, an instance died
	 * between a commit and its publication): every live room re-reads the store and relays
	 * what it lacked to its connections.
	 */
	async #refreshRights(): Promise<void> {
		if (!this.#currentRights || this.#closed) return;
		const boards = new Set<string>();
		const members = new Set<string>();
		for (const room of this.#loaded.values()) {
			if (room.name.kind === 'board') boards.add(room.name.boardId);
			for (const c of room.connections) members.add(c.access.user.memberId);
		}
		let rights: Awaited<ReturnType<NonNullable<SyncOptions['currentRights']>>>;
		try {
			rights = await this.#currentRights({ boards: [...boards], members: [...members] });
		} catch (error) {
			this.#log('re-reading the rights of live connections failed', error);
			return;
		}
		for (const [boardId, locked] of rights.locked) this.#lockHere(boardId, locked);
		for (const [boardId, settings] of rights.settings ?? []) this.#settingsHere(boardId, settings);
		for (const room of this.#loaded.values()) {
			for (const c of room.connections) {
				const role = rights.roles.get(c.access.user.memberId);
				if (role && role !== c.access.user.role) this.#roleHere(room.workshopId, c.access.user.memberId, role);
			}
		}
	}

	async #catchUpAll(): Promise<void> {
		for (const room of [...this.#loaded.values()]) await this.#catchUp(room);
	}

	async #catchUp(room: Room): Promise<void> {
		if (this.#closed) return;
		let stored: Awaited<ReturnType<DocumentStore['load']>>;
		try {
			stored = await this.#store.load(room.name.name);
		} catch (error) {
			this.#log(`re-reading ${room.name.name} failed`, error);
			return;
		}
		if (this.#closed || this.#loaded.get(room.name.name) !== room) return;
		const captured: Uint8Array[] = [];
		const listen = (update: Uint8Array, origin: unknown) => {
			if (origin === REMOTE) captured.push(update);
		};
		room.doc.on('update', listen);
		try {
			room.doc.transact(() => {
				if (stored.state) Y.applyUpdateV2(room.doc, stored.state, REMOTE);
				for (const update of stored.updates) Y.applyUpdate(room.doc, update, REMOTE);
			}, REMOTE);
		} catch (error) {
			this.#log(`re-reading ${room.name.name}: the stored document could not be applied`, error);
		} finally {
			room.doc.off('update', listen);
		}
		if (captured.length) room.broadcast(syncMessage(SYNC_UPDATE, captured.length === 1 ? captured[0] : Y.mergeUpdates(captured)));
	}
}

function isPresence(value: unknown): value is Presence {
	if (!value || typeof value !== 'object') return false;
	const v = value as Record<string, unknown>;
	return typeof v.memberId === 'string' && typeof v.role === 'string' && typeof v.organisation === 'string' && typeof v.name === 'string' && typeof v.colour === 'string';
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
