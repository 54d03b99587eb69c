import * as Y from 'yjs';
import { checkBoardUpdate, type GuardResult } from '$lib/domain/board/update-guard';
import type { Access } from './access';
import type { Room } from './room';

const MAX_UPDATE_BYTES = 1024 * 1024;
const CONTROL_ROOTS = new Set(['boards', 'session']);

/** The rules each kind of document holds its updates to, before anything is applied. */
export function checkUpdate(room: Room, update: Uint8Array, access: Access): GuardResult {
	if (update.length > MAX_UPDATE_BYTES) return { ok: false, reason: 'too_large' };
	switch (access.doc.kind) {
		case 'board':
		case 'draft':
			return checkBoardUpdate(room.doc, update, { memberId: access.user.memberId, maxBytes: MAX_UPDATE_BYTES });
		case 'control':
			return checkControlUpdate(update);
	}
}

/** Control documents are written by facilitators only; they are held to shape and size. */
function checkControlUpdate(update: Uint8Array): GuardResult {
	if (update.length > 64 * 1024) return { ok: false, reason: 'too_large' };
	try {
		const { structs } = Y.decodeUpdate(update);
		for (const struct of structs) {
			if (!(struct instanceof Y.Item)) continue;
			if (typeof struct.parent === 'string' && !CONTROL_ROOTS.has(struct.parent)) return { ok: false, reason: 'unknown_root' };
			const content = struct.content;
			if (content instanceof Y.ContentDoc || content instanceof Y.ContentBinary || content instanceof Y.ContentEmbed) {
				return { ok: false, reason: 'forbidden_content' };
			}
		}
		return { ok: true };
	} catch {
		return { ok: false, reason: 'malformed' };
	}
}
