/**
 * Snapshots and shared reports as stored: rows read and written as the member (row-level
 * security: facilitators write, members read), and as `anon` for whoever holds a share token.
 */
import { randomBytes } from 'node:crypto';
import type { Sql, Viewer } from '../db/client';
import { asAnon, asMember } from '../db/client';
import type { BoardRendering, SnapshotMeta } from '#lib/domain/snapshot/types.js';

/** 32 random bytes, base64url (43 characters): far past guessing. */
export const newShareToken = () => randomBytes(32).toString('base64url');

export interface SnapshotRow extends SnapshotMeta {
	boardId: string;
	trigger: 'manual' | 'phase';
	/** Facilitators only: the database answers null to anyone else (snapshot_share_token). */
	shareToken: string | null;
	rendering: BoardRendering;
}

interface Row {
	id: string;
	board_id: string;
	title: string;
	taken_at: Date;
	trigger: 'manual' | 'phase';
	share_token: string | null;
	rendering: BoardRendering;
}

const toRow = (r: Row): SnapshotRow => ({
	id: r.id,
	boardId: r.board_id,
	title: r.title,
	takenAt: r.taken_at.getTime(),
	trigger: r.trigger,
	shareToken: r.share_token,
	rendering: r.rendering
});

export async function listSnapshots(sql: Sql, viewer: Viewer, boardId: string): Promise<SnapshotRow[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<Row[]>`
		select id, board_id, title, taken_at, trigger, public.snapshot_share_token(id) as share_token, rendering
		from public.snapshots where board_id = ${boardId} order by taken_at desc`
	);
	return rows.map(toRow);
}

export async function getSnapshot(sql: Sql, viewer: Viewer, id: string): Promise<SnapshotRow | null> {
	const [row] = await asMember(
		sql,
		viewer,
		(tx) => tx<Row[]>`
		select id, board_id, title, taken_at, trigger, public.snapshot_share_token(id) as share_token, rendering
		from public.snapshots where id = ${id}`
	);
	return row ? toRow(row) : null;
}

/** The stored Yjs state of a snapshot (v2), as the viewer may read it. */
export async function snapshotState(sql: Sql, viewer: Viewer, id: string): Promise<Uint8Array | null> {
	const [row] = await asMember(
		sql,
		viewer,
		(tx) => tx<{ state: Buffer }[]>`
		select state from public.snapshots where id = ${id}`
	);
	return row ? new Uint8Array(row.state) : null;
}

/** Gives a snapshot a new share link (facilitators); the old one, if any, stops working. */
export async function shareSnapshot(sql: Sql, viewer: Viewer, id: string): Promise<string | null> {
	const token = newShareToken();
	const r = await asMember(sql, viewer, (tx) => tx`update public.snapshots set share_token = ${token}, shared_at = now() where id = ${id}`);
	return r.count === 1 ? token : null;
}

export async function revokeSnapshot(sql: Sql, viewer: Viewer, id: string): Promise<boolean> {
	const r = await asMember(sql, viewer, (tx) => tx`update public.snapshots set share_token = null, shared_at = null where id = ${id}`);
	return r.count === 1;
}

export async function deleteSnapshot(sql: Sql, viewer: Viewer, id: string): Promise<boolean> {
	const r = await asMember(sql, viewer, (tx) => tx`delete from public.snapshots where id = ${id}`);
	return r.count === 1;
}

/** A shared snapshot, for anyone with its token (as anon). */
export async function snapshotByToken(sql: Sql, token: string): Promise<(SnapshotMeta & { rendering: BoardRendering }) | null> {
	const [row] = await asAnon(
		sql,
		(tx) => tx<{ id: string; title: string; taken_at: Date; rendering: BoardRendering }[]>`
		select * from public.snapshot_by_token(${token})`
	);
	return row ? { id: row.id, title: row.title, takenAt: row.taken_at.getTime(), rendering: row.rendering } : null;
}

export async function reportToken(sql: Sql, viewer: Viewer): Promise<string | null> {
	const [row] = await asMember(
		sql,
		viewer,
		(tx) => tx<{ share_token: string }[]>`
		select share_token from public.report_shares where workshop_id = ${viewer.workshopId}`
	);
	return row?.share_token ?? null;
}

/** A new share link for the workshop's report (facilitators); any earlier link stops working. */
export async function shareReport(sql: Sql, viewer: Viewer): Promise<string | null> {
	const token = newShareToken();
	return asMember(sql, viewer, async (tx) => {
		await tx`delete from public.report_shares where workshop_id = ${viewer.workshopId}`;
		const rows = await tx`insert into public.report_shares (workshop_id, share_token) values (${viewer.workshopId}, ${token}) returning 1`;
		return rows.length === 1 ? token : null;
	}).catch((e) => {
		if ((e as { code?: string }).code === '42501') return null;
		throw e;
	});
}

export async function revokeReport(sql: Sql, viewer: Viewer): Promise<boolean> {
	const r = await asMember(sql, viewer, (tx) => tx`delete from public.report_shares where workshop_id = ${viewer.workshopId}`);
	return r.count === 1;
}

export async function reportByToken(sql: Sql, token: string): Promise<string | null> {
	const [row] = await asAnon(sql, (tx) => tx<{ w: string | null }[]>`select public.report_by_token(${token}) as w`);
	return row?.w ?? null;
}

/** Stores a snapshot as the viewer (RLS: facilitators only). Returns its id, or null if not allowed. */
export async function insertSnapshot(
	sql: Sql,
	viewer: Viewer,
	input: { boardId: string; title: string; trigger: 'manual' | 'phase'; state: Uint8Array; rendering: BoardRendering }
): Promise<string | null> {
	const hex = Buffer.from(input.state).toString('hex');
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ id: string }[]>`
		insert into public.snapshots (workshop_id, board_id, title, taken_by, trigger, state, rendering)
		values (${viewer.workshopId}, ${input.boardId}, ${input.title}, ${viewer.memberId}, ${input.trigger},
			decode(${hex}, 'hex'), ${tx.json(input.rendering as never)})
		returning id`
	).catch((e) => {
		if ((e as { code?: string }).code === '42501') return [];
		throw e;
	});
	return rows[0]?.id ?? null;
}
