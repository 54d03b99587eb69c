import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import type { Sql } from './db/client';
import { asAnon } from './db/client';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';
import { asMember, type Viewer } from './repositories/workshops';
import { readBoard, type CardView } from '$lib/domain/board/board-model';
import { readBoardControl } from '$lib/domain/workshop/control-model';
import { readRounds } from '$lib/domain/voting/published';
import { SNAPSHOT_FORMAT, type BoardRendering, type SnapshotCard, type SnapshotMeta } from '$lib/domain/snapshot/types';
import type { BoardKind } from '$lib/domain/workshop/templates';

/** 32 random bytes, base64url (43 characters): far past guessing. */
export const newShareToken = () => randomBytes(32).toString('base64url');

const card = (c: CardView): SnapshotCard => ({
	id: c.id,
	text: c.text,
	organisation: c.organisation,
	colour: c.colour,
	indicator: c.indicator,
	target: c.target,
	year: c.year
});

/**
 * A board as it stands now, in the plain form snapshots, shared pages and exports use. Read by
 * the server: callers decide who may see it. Round results are those the room was shown
 * (published in the control document), never more.
 */
export async function renderBoard(sql: Sql, sync: SyncServer, workshopId: string, boardId: string): Promise<{ rendering: BoardRendering; state: Uint8Array } | null> {
	const [row] = await sql<{ title: string; language: 'en' | 'hu'; starts_on: string | null; venue: string; kind: BoardKind; board_title: string; prompt: string }[]>`
		select w.title, w.language, w.starts_on, w.venue, b.kind, b.title as board_title, b.prompt
		from public.boards b join public.workshops w on w.id = b.workshop_id
		where b.id = ${boardId} and b.workshop_id = ${workshopId}`;
	if (!row) return null;
	const [doc, control] = await Promise.all([
		sync.read({ doc: parseDocName(`board/${boardId}`)!, workshopId }),
		sync.read({ doc: parseDocName(`control/${workshopId}`)!, workshopId })
	]);
	const view = readBoard(doc);
	const groups = view.groups.map((g) => ({ id: g.id, title: g.title, cards: g.cards.map(card) }));
	const ungrouped = view.ungrouped.map(card);
	const organisations = [...new Set([...groups.flatMap((g) => g.cards), ...ungrouped].map((c) => c.organisation).filter(Boolean))].sort((a, b) => a.localeCompare(b));
	const rendering: BoardRendering = {
		format: SNAPSHOT_FORMAT,
		workshop: { title: row.title, language: row.language, startsOn: row.starts_on, venue: row.venue },
		board: { id: boardId, kind: row.kind, title: row.board_title, prompt: row.prompt, phase: readBoardControl(control, boardId).phase },
		groups,
		ungrouped,
		variants: view.variants.map((v) => ({ id: v.id, label: v.label, text: v.text })),
		rounds: readRounds(control, boardId)
			.filter((r) => r.status !== 'open' || r.aggregate)
			.map((r) => ({ id: r.id, seq: r.seq, title: r.title, settings: r.settings, status: r.status, options: r.options, aggregate: r.aggregate, voters: r.turnout.voted })),
		organisations
	};
	return { rendering, state: Y.encodeStateAsUpdateV2(doc) };
}

/** Every board of a workshop, in agenda order (for the report). */
export async function renderWorkshop(sql: Sql, sync: SyncServer, workshopId: string): Promise<BoardRendering[]> {
	const boards = await sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshopId} order by position`;
	const out: BoardRendering[] = [];
	for (const b of boards) {
		const r = await renderBoard(sql, sync, workshopId, b.id);
		if (r) out.push(r.rendering);
	}
	return out;
}

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

/** Takes a snapshot as the viewer (RLS: facilitators only). Returns its id, or null if not allowed. */
export async function takeSnapshot(
	sql: Sql,
	sync: SyncServer,
	viewer: Viewer,
	input: { boardId: string; title: string; trigger?: 'manual' | 'phase' }
): Promise<string | null> {
	const rendered = await renderBoard(sql, sync, viewer.workshopId, input.boardId);
	if (!rendered) return null;
	const hex = Buffer.from(rendered.state).toString('hex');
	const rows = await asMember(sql, viewer, (tx) => tx<{ id: string }[]>`
		insert into public.snapshots (workshop_id, board_id, title, taken_by, trigger, state, rendering)
		values (${viewer.workshopId}, ${input.boardId}, ${input.title}, ${viewer.memberId}, ${input.trigger ?? 'manual'},
			decode(${hex}, 'hex'), ${tx.json(rendered.rendering as never)})
		returning id`).catch((e) => {
		if ((e as { code?: string }).code === '42501') return [];
		throw e;
	});
	return rows[0]?.id ?? null;
}

export async function listSnapshots(sql: Sql, viewer: Viewer, boardId: string): Promise<SnapshotRow[]> {
	const rows = await asMember(sql, viewer, (tx) => tx<Row[]>`
		select id, board_id, title, taken_at, trigger, public.snapshot_share_token(id) as share_token, rendering
		from public.snapshots where board_id = ${boardId} order by taken_at desc`);
	return rows.map(toRow);
}

export async function getSnapshot(sql: Sql, viewer: Viewer, id: string): Promise<SnapshotRow | null> {
	const [row] = await asMember(sql, viewer, (tx) => tx<Row[]>`
		select id, board_id, title, taken_at, trigger, public.snapshot_share_token(id) as share_token, rendering
		from public.snapshots where id = ${id}`);
	return row ? toRow(row) : null;
}

/** The stored Yjs state of a snapshot (v2), as the viewer may read it. */
export async function snapshotState(sql: Sql, viewer: Viewer, id: string): Promise<Uint8Array | null> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ state: Buffer }[]>`
		select state from public.snapshots where id = ${id}`);
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
	const [row] = await asAnon(sql, (tx) => tx<{ id: string; title: string; taken_at: Date; rendering: BoardRendering }[]>`
		select * from public.snapshot_by_token(${token})`);
	return row ? { id: row.id, title: row.title, takenAt: row.taken_at.getTime(), rendering: row.rendering } : null;
}

export async function reportToken(sql: Sql, viewer: Viewer): Promise<string | null> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ share_token: string }[]>`
		select share_token from public.report_shares where workshop_id = ${viewer.workshopId}`);
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

/** After a phase change: a snapshot, if the board asks for one at every phase change. */
export async function snapshotAtPhaseChange(sql: Sql, sync: SyncServer, viewer: Viewer, boardId: string, title: string): Promise<string | null> {
	const [board] = await asMember(sql, viewer, (tx) => tx<{ on: boolean }[]>`select snapshot_on_phase as on from public.boards where id = ${boardId}`);
	if (!board?.on) return null;
	return takeSnapshot(sql, sync, viewer, { boardId, title, trigger: 'phase' });
}
