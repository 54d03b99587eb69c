import { writerFor } from './access';
import { CLOSE } from './connection';
import type { ControlMessage } from './relay';
import type { Room } from './room';
import type { BoardRights } from '#lib/domain/board/board-rights.js';

/** The control messages that change what live connections may do. */
export type RightsChange = Extract<ControlMessage, { type: 'lock' | 'role' | 'board-settings' | 'own-cards' | 'disconnect' }>;

const KINDS: readonly string[] = ['lock', 'role', 'board-settings', 'own-cards', 'disconnect'];

export function isRightsChange(message: ControlMessage): message is RightsChange {
	return KINDS.includes(message.type);
}

/** A rights change from another instance as it should be (null when it is not): trusted, but read with care. */
export function readRightsChange(change: RightsChange): RightsChange | null {
	const text = (...values: unknown[]) => values.every((v) => typeof v === 'string');
	switch (change.type) {
		case 'lock':
			return text(change.boardId) && typeof change.locked === 'boolean' ? change : null;
		case 'role':
			return text(change.workshopId, change.memberId) && ['facilitator', 'participant', 'observer'].includes(change.role) ? change : null;
		case 'disconnect':
			return text(change.workshopId, change.memberId) ? change : null;
		case 'board-settings': {
			const r = change.rights as Partial<BoardRights> | undefined;
			if (!text(change.boardId) || typeof change.anonymous !== 'boolean' || !r) return null;
			if (![r.editOthers, r.manageGroups, r.deleteWordings].every((x) => typeof x === 'boolean')) return null;
			const rights = { editOthers: r.editOthers!, manageGroups: r.manageGroups!, deleteWordings: r.deleteWordings! };
			return { type: 'board-settings', boardId: change.boardId, rights, anonymous: change.anonymous };
		}
		case 'own-cards':
			if (!text(change.boardId, change.memberId) || !Array.isArray(change.cardIds)) return null;
			return { ...change, cardIds: change.cardIds.filter((id): id is string => typeof id === 'string') };
	}
}

/** A sync server's rooms: every one by document name, loading (a promise) or loaded. */
export interface LiveRooms {
	all: Map<string, Promise<Room>>;
	loaded: Map<string, Room>;
}

/**
 * Applies a change of rights to this instance's live connections. A room still loading gets it
 * once loaded (its connections were authorised before the change, against the database).
 */
export function applyRights(rooms: LiveRooms, change: RightsChange): void {
	const forEach = (apply: (room: Room) => void) => {
		for (const pending of rooms.all.values()) void pending.then(apply, () => {});
	};
	switch (change.type) {
		case 'lock':
			void rooms.all.get(`board/${change.boardId}`)?.then(
				(room) => {
					for (const c of room.connections) c.access.locked = change.locked;
				},
				() => {}
			);
			return;
		case 'board-settings': {
			// Applied before this returns when the room is loaded, so that a caller that just checked
			// the document (anonymity: no cards yet) leaves no gap.
			const apply = (room: Room) => {
				for (const c of room.connections) {
					c.access.rights = change.rights;
					if (c.access.anonymous !== change.anonymous) c.access.ownCards = change.anonymous ? new Set() : null;
					c.access.anonymous = change.anonymous;
				}
			};
			const name = `board/${change.boardId}`;
			const loaded = rooms.loaded.get(name);
			if (loaded) apply(loaded);
			else void rooms.all.get(name)?.then(apply, () => {});
			return;
		}
		case 'own-cards': {
			const room = rooms.loaded.get(`board/${change.boardId}`);
			for (const c of room?.connections ?? []) if (c.access.user.memberId === change.memberId) for (const id of change.cardIds) c.access.ownCards?.add(id);
			return;
		}
		case 'role':
			return forEach((room) => {
				if (room.workshopId !== change.workshopId) return;
				for (const c of room.connections) {
					if (c.access.user.memberId !== change.memberId) continue;
					c.access.user = { ...c.access.user, role: change.role };
					c.access.writer = writerFor(room.name, change.role);
				}
			});
		case 'disconnect':
			return forEach((room) => {
				if (room.workshopId !== change.workshopId) return;
				for (const c of [...room.connections]) if (c.access.user.memberId === change.memberId) c.close(CLOSE.refused, 'access revoked');
			});
	}
}
