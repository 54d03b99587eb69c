import { checkBoardUpdate, type GuardResult } from '#lib/domain/board/update-guard.js';
import { checkControlUpdate } from '#lib/domain/workshop/control-guard.js';
import { readBoardControl } from '#lib/domain/workshop/control-model.js';
import { NO_AUTHOR } from '#lib/domain/board/board-model.js';
import type { Access } from './access';
import type { Room } from './room';

const MAX_UPDATE_BYTES = 1024 * 1024;

/** The rules each kind of document holds its updates to, before anything is applied. */
export function checkUpdate(room: Room, update: Uint8Array, access: Access): GuardResult {
	if (update.length > MAX_UPDATE_BYTES) return { ok: false, reason: 'too_large' };
	// Name and organisation as the member row had them when this connection was authorised.
	const { memberId, name, organisation, role } = access.user;
	switch (access.doc.kind) {
		case 'board':
			return checkBoardUpdate(room.doc, update, {
				// an anonymous board's cards name nobody: the server records their author (card_authors)
				author: access.anonymous ? NO_AUTHOR : { memberId, name, organisation },
				writer: { memberId, role, rights: access.rights, ownCards: access.ownCards ?? undefined },
				maxBytes: MAX_UPDATE_BYTES
			});
		case 'draft':
			// a member's own draft: every card in it is theirs, and the reveal signs them anew
			return checkBoardUpdate(room.doc, update, { author: { memberId, name, organisation }, maxBytes: MAX_UPDATE_BYTES });
		case 'control':
			// facilitators only (access.ts), and only within what control-model.ts lets clients write
			return checkControlUpdate(room.doc, update);
	}
}

/**
 * Why a connection may not write this document now, beyond its role and locks (null: it may).
 * A draft takes writes only while its board is in private brainstorming, as the workshop's
 * control document says: outside it a draft is a place to read one's cards back, not a second
 * board that no limit of the reveal would see filling up.
 */
export function writeRefusal(room: Room, access: Access): string | null {
	if (access.doc.kind !== 'draft') return null;
	if (room.control && readBoardControl(room.control.doc, access.doc.boardId).private) return null;
	return 'draft closed: the board is not in private brainstorming';
}
