import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Access } from './access';
import type { Room } from './room';
import {
	MESSAGE_AUTH,
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SYNC,
	SYNC_STEP_1,
	SYNC_STEP_2,
	SYNC_UPDATE,
	awarenessMessage,
	decodeAwareness,
	encodeAwareness,
	permissionDeniedMessage,
	syncMessage
} from './protocol';
import { REMOTE } from './relay';
import { TokenBucket } from './token-bucket';

/** What the sync core needs of a websocket; the transport adapts `ws` to it. */
export interface Socket {
	send(data: Uint8Array): void;
	/**
	 * Sends a message that goes to a whole room: the transport frames it once for all its
	 * connections (`frame` is filled by the first one), rather than once per connection.
	 */
	sendShared?(shared: SharedMessage): void;
	close(code: number, reason: string): void;
	readonly bufferedAmount: number;
}

/** One message on its way to every connection of a room, framed at most once. */
export interface SharedMessage {
	readonly message: Uint8Array;
	frame: Uint8Array | null;
}

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
	malformed: 4400,
	refused: 4403,
	tooSlow: 4408,
	tooLarge: 4413,
	tooMany: 4429,
	loadFailed: 4500,
	unavailable: 4503
} as const;

export interface ConnectionHost {
	submit(connection: Connection, update: Uint8Array): void;
	/** Why this connection may not write now, beyond its role and the lock (null: it may). */
	writeRefusal(connection: Connection): string | null;
	maxBufferedBytes: number;
	/** Updates one connection may send: a burst, then a sustained rate (see SyncOptions). */
	updateRate: { burst: number; perSecond: number };
}

const MAX_AWARENESS_STATE = 4096;
const MAX_CLIENT_IDS = 4;

export class Connection {
	readonly clientIds = new Set<number>();
	closed = false;
	/**
	 * The client's answer to our sync step 1 has arrived. Before it, an update may build on
	 * edits the server does not have yet (made offline, or lost with a crashed server): the
	 * client sends updates as soon as the socket opens, and only its step 2 brings the rest.
	 */
	answeredSync = false;
	/** Every accepted update is a row in board_updates: one connection may not write without bound. */
	readonly #updates: TokenBucket;

	constructor(
		readonly socket: Socket,
		readonly access: Access,
		readonly room: Room,
		private readonly host: ConnectionHost
	) {
		this.#updates = new TokenBucket({ capacity: host.updateRate.burst, perSecond: host.updateRate.perSecond });
	}

	get canWrite(): boolean {
		return this.access.writer && !this.access.locked;
	}

	/** Greets as y-websocket servers do: our state vector, then everyone's presence. */
	start(): void {
		this.room.whenCommitted(() => this.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(this.room.doc))));
		const states = [...this.room.awareness.getStates().keys()];
		if (states.length) this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, states)));
	}

	send(message: Uint8Array, shared?: SharedMessage): void {
		if (this.closed) return;
		// A client that reads nothing must not make the server hold the room's traffic for it.
		if (this.socket.bufferedAmount > this.host.maxBufferedBytes) {
			this.close(CLOSE.tooSlow, 'connection too slow');
			return;
		}
		try {
			if (shared && this.socket.sendShared) this.socket.sendShared(shared);
			else this.socket.send(message);
		} catch {
			this.close(CLOSE.unavailable, 'send failed');
		}
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		try {
			this.socket.close(code, reason);
		} catch {
			// already gone
		}
	}

	/** Every message from the client. Anything malformed closes this connection only. */
	receive(data: Uint8Array): void {
		if (this.closed) return;
		try {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			switch (type) {
				case MESSAGE_SYNC: {
					const subtype = decoding.readVarUint(decoder);
					const payload = decoding.readVarUint8Array(decoder);
					if (subtype === SYNC_STEP_1) {
						// Decoded now, so that a malformed state vector fails here and closes this
						// connection, not later inside the commit path.
						const stateVector = Y.decodeStateVector(payload);
						const encoded = Y.encodeStateVector(stateVector);
						// Only committed content leaves the server.
						this.room.whenCommitted(() => this.send(syncMessage(SYNC_STEP_2, Y.encodeStateAsUpdate(this.room.doc, encoded))));
					} else if (subtype === SYNC_STEP_2 || subtype === SYNC_UPDATE) {
						// Over the rate, the update is not applied; the provider reconnects and its sync step 2
						// brings everything it holds as one message, so an honest client loses nothing.
						if (!this.#updates.take()) {
							this.close(CLOSE.tooMany, 'too many updates');
							return;
						}
						if (subtype === SYNC_STEP_2) this.answeredSync = true;
						this.#receiveUpdate(payload);
					} else {
						this.close(CLOSE.malformed, 'unknown sync message');
					}
					break;
				}
				case MESSAGE_AWARENESS:
					this.#receiveAwareness(decoding.readVarUint8Array(decoder));
					break;
				case MESSAGE_QUERY_AWARENESS: {
					const states = [...this.room.awareness.getStates().keys()];
					this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, states)));
					break;
				}
				case MESSAGE_AUTH:
					break;
				default:
					this.close(CLOSE.malformed, 'unknown message type');
			}
		} catch {
			this.close(CLOSE.malformed, 'malformed message');
		}
	}

	#receiveUpdate(update: Uint8Array): void {
		// A client syncing what the server already has (its step 2 after a reconnect) writes nothing.
		if (addsNothing(this.room.doc, update)) return;
		if (!this.canWrite) {
			this.send(permissionDeniedMessage(this.access.locked ? 'board is locked' : 'read-only access'));
			return;
		}
		const refusal = this.host.writeRefusal(this);
		if (refusal) {
			this.send(permissionDeniedMessage(refusal));
			return;
		}
		this.host.submit(this, update);
	}

	/**
	 * Presence is stamped by the server: whatever a client claims as `user` is replaced
	 * by who the session says it is, and a connection speaks only for its own client ids.
	 */
	#receiveAwareness(update: Uint8Array): void {
		const entries = decodeAwareness(update);
		const accepted = [];
		const owners = this.room.awarenessOwners;
		for (const entry of entries) {
			if (!this.clientIds.has(entry.clientId)) {
				// y-websocket providers relay every presence change they receive, so most entries
				// for other ids are echoes: ignore them. An id is taken only by announcing a newer
				// state than the server has (an echo, or an echoed removal, never takes the id of
				// someone who is away), when no connection holds it, at most MAX_CLIENT_IDS each.
				if (entry.state === 'null' || this.clientIds.size >= MAX_CLIENT_IDS) continue;
				const owner = owners.get(entry.clientId);
				if (owner === REMOTE) {
					// Presence relayed from another instance: only the member it belongs to takes it over
					// here (they reconnected to this instance); nobody else may speak for them.
					if (!this.#isOwnPresence(entry.clientId)) continue;
				} else {
					if (owner) continue;
					if (entry.clock <= (this.room.awareness.meta.get(entry.clientId)?.clock ?? -1)) continue;
				}
				this.clientIds.add(entry.clientId);
				owners.set(entry.clientId, this);
			}
			if (entry.state.length > MAX_AWARENESS_STATE) continue;
			let state: unknown = JSON.parse(entry.state);
			if (state !== null) {
				if (typeof state !== 'object' || Array.isArray(state)) continue;
				state = { ...(state as object), user: this.access.user };
				// On an anonymous board the card someone writes in would say whose it is.
				if (this.access.anonymous) (state as Record<string, unknown>).editing = null;
			}
			accepted.push({ clientId: entry.clientId, clock: entry.clock, state: JSON.stringify(state) });
		}
		if (accepted.length) awarenessProtocol.applyAwarenessUpdate(this.room.awareness, encodeAwareness(accepted), this);
	}

	/** Whether the presence held for `clientId` was stamped (by any instance) with this connection's member. */
	#isOwnPresence(clientId: number): boolean {
		const state = this.room.awareness.getStates().get(clientId) as { user?: { memberId?: unknown } } | undefined;
		return state?.user?.memberId === this.access.user.memberId;
	}

	/** Called when the socket is gone: this client's presence goes with it. */
	detach(): void {
		this.closed = true;
		for (const id of this.clientIds) if (this.room.awarenessOwners.get(id) === this) this.room.awarenessOwners.delete(id);
		if (this.clientIds.size) awarenessProtocol.removeAwarenessStates(this.room.awareness, [...this.clientIds], this);
	}
}

/** True when an update holds nothing the document lacks (no new structs, no new deletions). */
function addsNothing(doc: Y.Doc, update: Uint8Array): boolean {
	const { structs, ds } = Y.decodeUpdate(update);
	for (const struct of structs) {
		if (struct instanceof Y.Skip) continue;
		if (Y.getState(doc.store, struct.id.client) < struct.id.clock + struct.length) return false;
	}
	if (ds.clients.size === 0) return true;
	const known = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, deletes] of ds.clients) {
		for (const d of deletes) {
			const last = Y.createID(client, d.clock + d.len - 1);
			if (!Y.isDeleted(known, Y.createID(client, d.clock)) || !Y.isDeleted(known, last)) return false;
		}
	}
	return true;
}
