import type { Sql } from './db/client';
import { Refusal } from './refusal';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';
import { updateBoard } from './repositories/boards';
import type { Viewer } from './db/client';
import { cardCount } from '#lib/domain/board/board-model.js';
import type { BoardRights } from '#lib/domain/board/board-rights.js';
import { setSettingsMirror } from '#lib/domain/workshop/control-model.js';

/** A change the board's state does not allow, with the code the interface translates. */
export class BoardSettingsRefusal extends Refusal {
	constructor(code: 'anonymous_has_cards') {
		super(code);
	}
}

/**
 * A facilitator edits a board: its title, prompt, rights and anonymity.
 *
 * Authorise: the update runs as the member, so RLS lets only facilitators through. Validate:
 * anonymity changes only while the board has no cards: once a card was written its author has
 * gone out to every client (or, on an anonymous board, people wrote trusting nobody would see
 * it). Resolve: live connections are held to the new settings at once (on every instance), and
 * the control document mirrors them so that every screen hides what would now be refused.
 */
export async function updateBoardSettings(
	sql: Sql,
	sync: SyncServer,
	viewer: Viewer,
	boardId: string,
	input: { title: string; prompt: string; rights: BoardRights; anonymous: boolean }
): Promise<boolean> {
	const settings = { rights: input.rights, anonymous: input.anonymous };
	const done = await updateBoard(sql, viewer, boardId, input, async (before) => {
		if (before.anonymous !== input.anonymous) {
			const doc = await sync.read({ doc: parseDocName(`board/${boardId}`)!, workshopId: viewer.workshopId });
			if (cardCount(doc) > 0) throw new BoardSettingsRefusal('anonymous_has_cards');
		}
		// Nothing awaited between the check and this: no card can be accepted in between.
		sync.setBoardSettings(boardId, settings);
	});
	if (done)
		await sync.write({ doc: parseDocName(`control/${viewer.workshopId}`)!, workshopId: viewer.workshopId }, (doc) => setSettingsMirror(doc, boardId, settings));
	return done;
}
