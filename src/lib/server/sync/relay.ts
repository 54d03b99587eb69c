import type { Presence } from './access';
import type { MemberRole } from '#lib/domain/workshop/roles.js';
import type { BoardRights } from '#lib/domain/board/board-rights.js';

/**
 * How several app instances share their live rooms (redis-relay.ts is the implementation;
 * without REDIS_URL there is no relay and nothing of this runs). The sync server publishes
 * what it committed and the presence its own clients sent, and receives the same from the
 * other instances. Messages from the instance itself never come back to it.
 */
export interface Relay {
	/** This instance's id, as other instances see it. */
	readonly instanceId: string;
	/** Connected and subscribed now (false while Redis is away: a load need not wait for it). */
	readonly ready: boolean;
	/**
	 * Starts receiving one document's updates and presence. Resolves once the subscription is
	 * active, so that a load from the store started afterwards misses nothing (an update
	 * committed before it is in the store, one committed after it arrives here).
	 */
	subscribe(doc: string, handlers: RelayRoomHandlers): Promise<void>;
	unsubscribe(doc: string): void;
	/** A committed update of the document (never an uncommitted one). */
	publish(doc: string, update: Uint8Array): void;
	/** Presence of this instance's own clients (y-protocols awareness update, stamped by the server). */
	publishAwareness(doc: string, update: Uint8Array): void;
	/** Asks the instances that have the document loaded for their clients' presence (a room just loaded here). */
	queryPresence(doc: string): void;
	/** Rights and instance-wide state; see ControlMessage. */
	publishControl(message: ControlMessage): void;
	onControl(handler: (message: ControlMessage, from: string) => void): void;
	/**
	 * Called when messages may have been missed: the subscriptions were lost and are active
	 * again (Redis restarted, the network came back), or another instance could not publish
	 * for a while. The sync server then re-reads its rooms from the store.
	 */
	onResync(handler: () => void): void;
	close(): Promise<void>;
}

export interface RelayRoomHandlers {
	update(update: Uint8Array, from: string): void;
	awareness(update: Uint8Array, from: string): void;
	/** Another instance loaded the room and asks for the presence of this instance's clients. */
	presenceQuery(from: string): void;
}

export type ControlMessage =
	/** A board was locked or unlocked: live connections on every instance follow. */
	| { type: 'lock'; boardId: string; locked: boolean }
	/** A member's role changed: their live connections on every instance get the new rights. */
	| { type: 'role'; workshopId: string; memberId: string; role: MemberRole }
	/** A board's rights or anonymity changed: live connections on every instance follow. */
	| { type: 'board-settings'; boardId: string; rights: BoardRights; anonymous: boolean }
	/** Cards recorded as a member's on an anonymous board: their live connections on every instance may edit them. */
	| { type: 'own-cards'; boardId: string; memberId: string; cardIds: string[] }
	/** A member's (or the presenter screen's) access ended: their live connections on every instance close. */
	| { type: 'disconnect'; workshopId: string; memberId: string }
	/**
	 * Who is connected to this instance, per workshop: in full when it changed, otherwise as a
	 * bare heartbeat. An instance not heard of for a few heartbeats is gone (killed, cut off).
	 */
	| { type: 'online'; workshops?: Record<string, Presence[]> }
	/** An instance started and wants everyone's full `online` (theirs carries no `workshops` when unchanged). */
	| { type: 'hello' }
	/** An instance is shutting down: forget its presence now rather than when its heartbeats stop. */
	| { type: 'bye' }
	/** A timed voting round: every instance closes it at its deadline (closing is idempotent). */
	| { type: 'round-timer'; roundId: string; closesAt: number }
	/** A facilitator's countdown that locks its board at zero: every instance arms it (locking is idempotent). */
	| { type: 'lock-timer'; memberId: string; workshopId: string; boardId: string; end: number };

/** Origin of updates and presence applied from another instance: never stored, never published again. */
export const REMOTE = Symbol('remote');
