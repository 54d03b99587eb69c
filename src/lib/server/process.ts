import { MAIN_VARIANT, readBoard } from '#lib/domain/board/board-model.js';
import { diffText, type Change } from '#lib/exports/diff.js';
import type { Sql, Viewer } from './db/client';
import type { Meeting } from '#lib/domain/workshop/meetings.js';
import { meetingBoards, meetingChain } from './repositories/workshops';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';

/** How one board's statement moved on from the previous meeting to this one. */
export interface StatementChange {
	boardId: string;
	title: string;
	before: string;
	after: string;
	/** Word by word; only 'same' runs when the statement was kept as it was. */
	words: Change[];
}

export interface ProcessView {
	meetings: Meeting[];
	/** Per meeting (by id), the boards that continue one of the previous meeting's and carry a statement there or here. */
	changes: Record<string, StatementChange[]>;
}

/**
 * The process page (issue #19): the meetings in order, and for each meeting after the first,
 * how each continued board's statement changed since the meeting before. The database decides
 * what the viewer may see (`meeting_chain`, `meeting_boards`: its members only); the statements
 * are read from the board documents as they stand.
 */
export async function processView(sql: Sql, sync: SyncServer, viewer: Viewer): Promise<ProcessView> {
	const [meetings, boards] = await Promise.all([meetingChain(sql, viewer), meetingBoards(sql, viewer)]);
	const byId = new Map(boards.map((b) => [b.id, b]));
	// A board of a middle meeting is compared twice (with the one before and the one after): read once.
	const read = new Map<string, Promise<string>>();
	const statement = (boardId: string) => {
		if (!read.has(boardId)) {
			const board = byId.get(boardId)!;
			read.set(
				boardId,
				sync
					.read({ doc: parseDocName(`board/${boardId}`)!, workshopId: board.workshopId })
					.then((doc) => readBoard(doc).variants.find((v) => v.id === MAIN_VARIANT)?.text ?? '')
			);
		}
		return read.get(boardId)!;
	};
	const changes: Record<string, StatementChange[]> = {};
	for (const board of boards) {
		if (!board.continues || !byId.has(board.continues)) continue;
		const [before, after] = await Promise.all([statement(board.continues), statement(board.id)]);
		if (!before.trim() && !after.trim()) continue;
		(changes[board.workshopId] ??= []).push({ boardId: board.id, title: board.title, before, after, words: diffText(before, after) });
	}
	return { meetings, changes };
}
