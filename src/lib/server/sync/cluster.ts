import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { isPresence, type Presence } from './access';
import { Connection } from './connection';
import type { DocumentStore } from './persistence';
import { decodeAwareness, encodeAwareness, syncMessage, SYNC_UPDATE } from './protocol';
import { REMOTE, type ControlMessage, type Relay } from './relay';
import type { Room } from './room';
import { isRightsChange, readRightsChange } from './live-rights';
import type { CurrentRights, PresenceChange } from './hooks';
import type { ClusterOptions } from './cluster-options';
import type { SyncServer } from './sync-server';

/** What this instance knows of another: when it was last heard of, who is connected to it. */
interface Peer {
	seen: number;
	workshops: Map<string, Presence[]> | null;
}

/** A document this instance subscribed to, from the start of its load to its unload. */
interface Subscription {
	/** Null while the room loads; what arrives meanwhile waits in `early`. */
	room: Room | null;
	early: { kind: 'update' | 'awareness'; bytes: Uint8Array; from: string }[];
	/** Which instance each remote presence client id came from. */
	sources: Map<number, string>;
	/** Client ids whose presence changed on this instance, to publish. */
	out: Set<number>;
}

/**
 * Several instances (REDIS_URL): attaches to a sync server through its hooks and shares its
 * rooms with the other instances through a relay (see CLUSTER.md).
 * The sync server works alone without it; nothing here is on its commit path.
 */
export class Cluster {
	readonly #sync: SyncServer;
	readonly #relay: Relay;
	readonly #store: DocumentStore;
	readonly #options: Required<Pick<ClusterOptions, 'subscribeWaitMs' | 'heartbeatMs' | 'presenceBatchMs'>>;
	readonly #currentRights: CurrentRights | null;
	readonly #log: (message: string, error?: unknown) => void;
	/** Other instances, by instance id. */
	readonly #peers = new Map<string, Peer>();
	readonly #subscriptions = new Map<string, Subscription>();
	#presenceTimer: ReturnType<typeof setTimeout> | null = null;
	#heartbeat: ReturnType<typeof setInterval> | null = null;
	#onlineTimer: ReturnType<typeof setTimeout> | null = null;
	#onlineChanged = true;
	#closed = false;

	constructor(options: ClusterOptions) {
		this.#sync = options.sync;
		this.#relay = options.relay;
		this.#store = options.store;
		this.#currentRights = options.currentRights ?? null;
		this.#log = options.log ?? ((message, error) => console.error(`[sync] ${message}`, error ?? ''));
		this.#options = {
			subscribeWaitMs: options.subscribeWaitMs ?? 2000,
			heartbeatMs: options.heartbeatMs ?? 2000,
			presenceBatchMs: options.presenceBatchMs ?? 25
		};
		const sync = this.#sync;
		sync.onLoading((name) => this.#subscribe(name));
		sync.onLoaded((room) => this.#loaded(room));
		sync.onUnloaded((name) => this.#unsubscribe(name));
		sync.onCommitted((room, committed) => {
			// Committed: the other instances may have it now, never before.
			this.#relay.publish(room.name.name, committed.update);
			for (const authors of committed.cardAuthors) {
				const [{ boardId, memberId }] = authors;
				this.#relay.publishControl({ type: 'own-cards', boardId, memberId, cardIds: authors.map((a) => a.cardId) });
			}
		});
		sync.onPresence((room, change, origin) => this.#presenceChanged(room, change, origin));
		sync.onConnections(() => this.#onlineChange());
		sync.link({ publishControl: (message) => this.#relay.publishControl(message), online: (id) => this.#online(id), close: () => this.#close() });
		const relay = this.#relay;
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
			this.#publishOnline(this.#onlineChanged);
			this.#expirePeers();
		}, this.#options.heartbeatMs);
		this.#heartbeat.unref?.();
	}

	async #close(): Promise<void> {
		this.#closed = true;
		if (this.#heartbeat) clearInterval(this.#heartbeat);
		if (this.#onlineTimer) clearTimeout(this.#onlineTimer);
		if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
		this.#relay.publishControl({ type: 'bye' });
		await this.#relay.close();
	}

	/**
	 * Subscribe first, load second, and keep what arrives in between until the load is done
	 * (updates are idempotent): nothing committed elsewhere falls between the two.
	 */
	async #subscribe(name: string): Promise<void> {
		const entry: Subscription = { room: null, early: [], sources: new Map(), out: new Set() };
		this.#subscriptions.set(name, entry);
		const subscribed = this.#relay.subscribe(name, {
			update: (bytes, from) => (entry.room ? this.#remoteUpdate(entry.room, bytes) : entry.early.push({ kind: 'update', bytes, from })),
			awareness: (bytes, from) => (entry.room ? this.#remoteAwareness(entry, bytes, from) : entry.early.push({ kind: 'awareness', bytes, from })),
			presenceQuery: () => entry.room && this.#answerPresenceQuery(entry.room)
		});
		let timer: ReturnType<typeof setTimeout> | undefined;
		const inTime =
			this.#relay.ready &&
			(await Promise.race([
				subscribed.then(
					() => true,
					() => false
				),
				new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.#options.subscribeWaitMs)))
			]));
		clearTimeout(timer);
		// Redis is away: load anyway (this instance keeps serving), and re-read once subscribed.
		if (!inTime)
			subscribed.then(
				() => entry.room && this.#subscriptions.get(name) === entry && void this.#catchUp(entry.room),
				() => {}
			);
	}

	#loaded(room: Room): void {
		const entry = this.#subscriptions.get(room.name.name);
		if (!entry) return;
		entry.room = room;
		for (const { kind, bytes, from } of entry.early.splice(0)) {
			if (kind === 'update') this.#remoteUpdate(room, bytes);
			else this.#remoteAwareness(entry, bytes, from);
		}
		// Presence is not in the store: the instances that have this room tell who is there.
		this.#relay.queryPresence(room.name.name);
	}

	/** The room unloaded (or its load failed). */
	#unsubscribe(name: string): void {
		this.#subscriptions.delete(name);
		this.#relay.unsubscribe(name);
	}

	#control(message: ControlMessage, from: string): void {
		switch (message.type) {
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
					this.#relay.publishControl({ type: 'hello' });
				}
				return;
			}
			case 'hello':
				this.#onlineChanged = true;
				this.#publishOnline(true);
				return;
			case 'bye':
				this.#peerGone(from, false);
				return;
			default: {
				if (!isRightsChange(message)) return this.#sync.applyControl(message);
				const change = readRightsChange(message);
				if (change) this.#sync.applyControl(change);
			}
		}
	}

	/** Who is connected to the other instances, per workshop, as their last message said. */
	#online(workshopId: string): Presence[] {
		return [...this.#peers.values()].flatMap((peer) => peer.workshops?.get(workshopId) ?? []);
	}

	/** Who is connected here changed: tell the other instances soon (at most every 250 ms). */
	#onlineChange(): void {
		this.#onlineChanged = true;
		if (this.#onlineTimer) return;
		this.#onlineTimer = setTimeout(() => {
			this.#onlineTimer = null;
			this.#publishOnline(true);
		}, 250);
		this.#onlineTimer.unref?.();
	}

	#publishOnline(full: boolean): void {
		if (this.#closed) return;
		if (!full) return this.#relay.publishControl({ type: 'online' });
		this.#onlineChanged = false;
		const workshops: Record<string, Presence[]> = {};
		const seen = new Set<string>();
		for (const room of this.#rooms()) {
			for (const c of room.connections) {
				const key = `${room.workshopId} ${c.access.user.memberId}`;
				if (seen.has(key)) continue;
				seen.add(key);
				(workshops[room.workshopId] ??= []).push(c.access.user);
			}
		}
		this.#relay.publishControl({ type: 'online', workshops });
	}

	/** The rooms loaded here. */
	#rooms(): Room[] {
		return [...this.#subscriptions.values()].flatMap((entry) => (entry.room ? [entry.room] : []));
	}

	/** Instances not heard of for three heartbeats and a half are gone. */
	#expirePeers(): void {
		const limit = Date.now() - this.#options.heartbeatMs * 3.5;
		for (const [id, peer] of this.#peers) if (peer.seen < limit) this.#peerGone(id, true);
	}

	/**
	 * Another instance stopped (shut down, or silent: killed, cut off). Its clients' presence
	 * leaves every room now; a silent one may have died between a commit and its publication,
	 * so the rooms re-read the store.
	 */
	#peerGone(id: string, silent: boolean): void {
		if (!this.#peers.delete(id) && !silent) return;
		for (const { room, sources } of this.#subscriptions.values()) {
			if (!room) continue;
			const ids = [...sources].filter(([, instance]) => instance === id).map(([clientId]) => clientId);
			for (const clientId of ids) sources.delete(clientId);
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
	#remoteAwareness(entry: Subscription, update: Uint8Array, from: string): void {
		const room = entry.room;
		if (this.#closed || !room) return;
		try {
			const owners = room.awarenessOwners;
			const entries = decodeAwareness(update).filter((e) => !(owners.get(e.clientId) instanceof Connection));
			if (entries.length === 0) return;
			awarenessProtocol.applyAwarenessUpdate(room.awareness, encodeAwareness(entries), REMOTE);
			const states = room.awareness.getStates();
			for (const { clientId } of entries) {
				if (states.has(clientId)) {
					if (!owners.has(clientId)) owners.set(clientId, REMOTE);
					if (owners.get(clientId) === REMOTE) entry.sources.set(clientId, from);
				} else {
					entry.sources.delete(clientId);
				}
			}
		} catch (error) {
			this.#log(`presence of ${room.name.name} from another instance could not be read`, error);
		}
	}

	/** Presence that this instance's clients changed goes to the others, batched. */
	#presenceChanged(room: Room, { added, updated, removed }: PresenceChange, origin: unknown): void {
		const entry = this.#subscriptions.get(room.name.name);
		if (!entry || entry.room !== room) return;
		// A remote id that left (removed, or timed out: y-protocols drops presence not renewed for 30 s) is free again.
		for (const id of removed) {
			if (room.awarenessOwners.get(id) === REMOTE) room.awarenessOwners.delete(id);
			entry.sources.delete(id);
		}
		if (!(origin instanceof Connection)) return;
		for (const id of [...added, ...updated, ...removed]) entry.out.add(id);
		if (!this.#presenceTimer) {
			this.#presenceTimer = setTimeout(() => this.#publishPresence(), Math.max(1, this.#options.presenceBatchMs));
			this.#presenceTimer.unref?.();
		}
	}

	/** Another instance just loaded this room: the presence of this instance's own clients, at once. */
	#answerPresenceQuery(room: Room): void {
		if (this.#closed) return;
		const ids = [...room.awarenessOwners].filter(([id, owner]) => owner instanceof Connection && room.awareness.getStates().has(id)).map(([id]) => id);
		if (ids.length) this.#relay.publishAwareness(room.name.name, awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids));
	}

	#publishPresence(): void {
		this.#presenceTimer = null;
		if (this.#closed) return;
		for (const { room, out } of this.#subscriptions.values()) {
			if (!room || out.size === 0) continue;
			try {
				this.#relay.publishAwareness(room.name.name, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...out]));
			} catch (error) {
				this.#log(`publishing presence of ${room.name.name} failed`, error);
			}
			out.clear();
		}
	}

	/** A lock or a role change published while Redis was away is lost with it: the database says. */
	async #refreshRights(): Promise<void> {
		if (!this.#currentRights || this.#closed) return;
		const boards = new Set<string>();
		const members = new Set<string>();
		for (const room of this.#rooms()) {
			if (room.name.kind === 'board') boards.add(room.name.boardId);
			for (const c of room.connections) members.add(c.access.user.memberId);
		}
		let rights: Awaited<ReturnType<CurrentRights>>;
		try {
			rights = await this.#currentRights({ boards: [...boards], members: [...members] });
		} catch (error) {
			this.#log('re-reading the rights of live connections failed', error);
			return;
		}
		for (const [boardId, locked] of rights.locked) this.#sync.applyControl({ type: 'lock', boardId, locked });
		for (const [boardId, settings] of rights.settings ?? []) this.#sync.applyControl({ type: 'board-settings', boardId, ...settings });
		for (const room of this.#rooms()) {
			for (const c of room.connections) {
				const role = rights.roles.get(c.access.user.memberId);
				if (role && role !== c.access.user.role) this.#sync.applyControl({ type: 'role', workshopId: room.workshopId, memberId: c.access.user.memberId, role });
			}
		}
	}

	/**
	 * Messages from the other instances may have been lost (Redis was away, an instance died
	 * between a commit and its publication): every live room re-reads the store and relays
	 * what it lacked to its connections.
	 */
	async #catchUpAll(): Promise<void> {
		for (const room of this.#rooms()) await this.#catchUp(room);
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
		if (this.#closed || this.#subscriptions.get(room.name.name)?.room !== room) return;
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
