import type { BoardSettings, Presence } from './access';
import type { CardAuthor } from './persistence';
import type { ControlMessage } from './relay';
import type { Room } from './room';

/** A room's presence change, as y-protocols reports it. */
export interface PresenceChange {
	added: number[];
	updated: number[];
	removed: number[];
}

/** What one commit of a room carried: its updates merged, and the anonymous cards' authors per update. */
export interface Committed {
	update: Uint8Array;
	cardAuthors: CardAuthor[][];
}

/** What the cluster (cluster.ts) lends the sync server once attached: its way out to the other instances. */
export interface ClusterLink {
	publishControl(message: ControlMessage): void;
	/** Who is connected to the other instances in a workshop, as their last message said. */
	online(workshopId: string): Presence[];
	close(): Promise<void>;
}

/** The rights of live connections as the database has them now (`access.currentRights`). */
export type CurrentRights = (input: {
	boards: string[];
	members: string[];
}) => Promise<{ locked: Map<string, boolean>; settings?: Map<string, BoardSettings>; roles: Map<string, Presence['role']> }>;

/**
 * What the sync server lets others attach to: the cluster (cluster.ts) and the app's services
 * (live-control.ts, voting.ts). Handlers run in the order they were added.
 */
export class SyncHooks {
	protected readonly handlers = {
		control: [] as ((message: ControlMessage) => void)[],
		committed: [] as ((room: Room, committed: Committed) => void)[],
		loading: [] as ((name: string) => Promise<void>)[],
		loaded: [] as ((room: Room) => void)[],
		unloaded: [] as ((name: string) => void)[],
		presence: [] as ((room: Room, change: PresenceChange, origin: unknown) => void)[],
		connections: [] as ((room: Room) => void)[]
	};

	/** Control messages from other instances that the sync server does not handle itself (round and lock timers). */
	onControl(handler: (message: ControlMessage) => void): void {
		this.handlers.control.push(handler);
	}

	/** After each commit of a room's updates on this instance (the server's own writes included), never before. */
	onCommitted(handler: (room: Room, committed: Committed) => void): void {
		this.handlers.committed.push(handler);
	}

	/** Before a room's document is read from the store; the load waits for it. */
	onLoading(handler: (name: string) => Promise<void>): void {
		this.handlers.loading.push(handler);
	}

	/** Once a room is loaded, before anyone is attached to it. */
	onLoaded(handler: (room: Room) => void): void {
		this.handlers.loaded.push(handler);
	}

	/** When a room unloads, or its load failed after `onLoading`. */
	onUnloaded(handler: (name: string) => void): void {
		this.handlers.unloaded.push(handler);
	}

	/** Every presence change of a loaded room, with its origin (a `Connection`: one of this instance's clients). */
	onPresence(handler: (room: Room, change: PresenceChange, origin: unknown) => void): void {
		this.handlers.presence.push(handler);
	}

	/** When a connection joins or leaves a room. */
	onConnections(handler: (room: Room) => void): void {
		this.handlers.connections.push(handler);
	}
}
