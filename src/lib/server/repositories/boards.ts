import type { Sql, Viewer } from '../db/client';
import { asMember } from '../db/client';
import type { BoardKind } from '#lib/domain/workshop/templates.js';
import type { BoardRights } from '#lib/domain/board/board-rights.js';
import type { AgendaBoard } from '#lib/domain/workshop/templates.js';

export type Board = AgendaBoard;

/**
 * A workshop's boards: the agenda's rows. Writes run as the member, so row-level security
 * decides (facilitators change boards; members read their workshop's).
 */

export async function addBoard(sql: Sql, viewer: Viewer, b: { kind: BoardKind; title: string; prompt: string }): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		insert into public.boards (workshop_id, position, kind, title, prompt)
		select ${viewer.workshopId}, coalesce(max(position) + 1, 0), ${b.kind}, ${b.title}, ${b.prompt}
		from public.boards where workshop_id = ${viewer.workshopId}`
	);
	return r.count === 1;
}

/**
 * Changes a board's title, prompt and settings as the member (RLS: facilitators). `check` runs
 * inside the transaction, after the row is locked and RLS let the update through, with the
 * anonymity it had; throwing there leaves the board as it was.
 */
export async function updateBoard(
	sql: Sql,
	viewer: Viewer,
	boardId: string,
	b: { title: string; prompt: string; rights: BoardRights; anonymous: boolean },
	check: (before: { anonymous: boolean }) => Promise<void> | void = () => {}
): Promise<boolean> {
	return asMember(sql, viewer, async (tx) => {
		const [before] = await tx<{ anonymous: boolean }[]>`
			select anonymous from public.boards where id = ${boardId} and workshop_id = ${viewer.workshopId} for update`;
		if (!before) return false;
		const r = await tx`
			update public.boards set title = ${b.title}, prompt = ${b.prompt},
				participants_edit_others = ${b.rights.editOthers}, participants_manage_groups = ${b.rights.manageGroups},
				participants_delete_wordings = ${b.rights.deleteWordings}, anonymous = ${b.anonymous}
			where id = ${boardId} and workshop_id = ${viewer.workshopId}`;
		if (r.count !== 1) return false;
		await check(before);
		return true;
	});
}

export async function removeBoard(sql: Sql, viewer: Viewer, boardId: string): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		delete from public.boards where id = ${boardId} and workshop_id = ${viewer.workshopId}`
	);
	return r.count === 1;
}

/** Moves a board one place up (-1) or down (+1) by swapping positions with its neighbour. */
export async function moveBoard(sql: Sql, viewer: Viewer, boardId: string, direction: -1 | 1): Promise<boolean> {
	return asMember(sql, viewer, async (tx) => {
		const boards = await tx<{ id: string }[]>`
			select id from public.boards where workshop_id = ${viewer.workshopId} order by position, created_at for update`;
		const ids = boards.map((b) => b.id);
		const from = ids.indexOf(boardId);
		const to = from + direction;
		if (from < 0 || to < 0 || to >= ids.length) return false;
		[ids[from], ids[to]] = [ids[to], ids[from]];
		const r = await tx`
			update public.boards b set position = o.position
			from unnest(${ids}::uuid[]) with ordinality as o(id, position)
			where b.id = o.id`;
		return r.count === ids.length;
	});
}

export async function setBoardLocked(sql: Sql, viewer: Viewer, boardId: string, locked: boolean): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		update public.boards set locked = ${locked} where id = ${boardId} and workshop_id = ${viewer.workshopId}`
	);
	return r.count === 1;
}

/** Whether `boardId` is a board of the viewer's workshop, as the member may read it. */
export async function isBoardOf(sql: Sql, viewer: Viewer, boardId: string): Promise<boolean> {
	const rows = await asMember(sql, viewer, (tx) => tx`select 1 from public.boards where id = ${boardId} and workshop_id = ${viewer.workshopId}`);
	return rows.length === 1;
}

/** On an anonymous board: the cards this member wrote (row-level security lets only them read their rows). */
export async function ownCards(sql: Sql, viewer: Viewer, boardId: string): Promise<string[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ card_id: string }[]>`
		select card_id from public.card_authors where board_id = ${boardId} and member_id = ${viewer.memberId}`
	);
	return rows.map((r) => r.card_id);
}

/** Whether the board takes a snapshot at every phase change. */
export async function snapshotsOnPhase(sql: Sql, viewer: Viewer, boardId: string): Promise<boolean> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ on: boolean }[]>`select snapshot_on_phase as on from public.boards where id = ${boardId}`);
	return row?.on ?? false;
}

export async function setSnapshotsOnPhase(sql: Sql, viewer: Viewer, boardId: string, on: boolean): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		update public.boards set snapshot_on_phase = ${on} where id = ${boardId} and public.is_facilitator(workshop_id)`
	);
	return r.count === 1;
}

/** A board with its workshop's title, language, date and venue: what a rendering of it is headed by. Read by the server. */
export async function boardHeading(sql: Sql, workshopId: string, boardId: string) {
	const [row] = await sql<
		{ title: string; language: 'en' | 'hu'; starts_on: string | null; venue: string; kind: BoardKind; board_title: string; prompt: string }[]
	>`
		select w.title, w.language, w.starts_on, w.venue, b.kind, b.title as board_title, b.prompt
		from public.boards b join public.workshops w on w.id = b.workshop_id
		where b.id = ${boardId} and b.workshop_id = ${workshopId}`;
	return row ?? null;
}

/** A workshop's board ids in agenda order. Read by the server. */
export async function boardIds(sql: Sql, workshopId: string): Promise<string[]> {
	const rows = await sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshopId} order by position`;
	return rows.map((r) => r.id);
}
