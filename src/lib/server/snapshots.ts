/**
 * Snapshots as the room's record: a board rendered in the plain form snapshots, shared pages,
 * exports and the report use, and taken when a facilitator asks or a phase changes. The rows
 * themselves are `repositories/snapshots.ts`.
 */
import * as Y from 'yjs';
import type { Sql, Viewer } from './db/client';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';
import { boardHeading, boardIds, snapshotsOnPhase } from './repositories/boards';
import { insertSnapshot } from './repositories/snapshots';
import { readBoard, type CardView } from '#lib/domain/board/board-model.js';
import { readBoardControl } from '#lib/domain/workshop/control-model.js';
import { readRounds } from '#lib/domain/voting/published.js';
import { SNAPSHOT_FORMAT, type BoardRendering, type SnapshotCard } from '#lib/domain/snapshot/types.js';

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
export async function renderBoard(
	sql: Sql,
	sync: SyncServer,
	workshopId: string,
	boardId: string
): Promise<{ rendering: BoardRendering; state: Uint8Array } | null> {
	const row = await boardHeading(sql, workshopId, boardId);
	if (!row) return null;
	const [doc, control] = await Promise.all([
		sync.read({ doc: parseDocName(`board/${boardId}`)!, workshopId }),
		sync.read({ doc: parseDocName(`control/${workshopId}`)!, workshopId })
	]);
	const view = readBoard(doc);
	const groups = view.groups.map((g) => ({ id: g.id, title: g.title, cards: g.cards.map(card) }));
	const ungrouped = view.ungrouped.map(card);
	const organisations = [...new Set([...groups.flatMap((g) => g.cards), ...ungrouped].map((c) => c.organisation).filter(Boolean))].sort((a, b) =>
		a.localeCompare(b)
	);
	const rendering: BoardRendering = {
		format: SNAPSHOT_FORMAT,
		workshop: { title: row.title, language: row.language, startsOn: row.starts_on, venue: row.venue },
		board: { id: boardId, kind: row.kind, title: row.board_title, prompt: row.prompt, phase: readBoardControl(control, boardId).phase },
		groups,
		ungrouped,
		variants: view.variants.map((v) => ({ id: v.id, label: v.label, text: v.text })),
		rounds: readRounds(control, boardId)
			.filter((r) => r.status !== 'open' || r.aggregate)
			.map((r) => ({
				id: r.id,
				seq: r.seq,
				title: r.title,
				settings: r.settings,
				status: r.status,
				options: r.options,
				aggregate: r.aggregate,
				voters: r.turnout.voted
			})),
		organisations
	};
	return { rendering, state: Y.encodeStateAsUpdateV2(doc) };
}

/** Every board of a workshop, in agenda order (for the report). */
export async function renderWorkshop(sql: Sql, sync: SyncServer, workshopId: string): Promise<BoardRendering[]> {
	const out: BoardRendering[] = [];
	for (const id of await boardIds(sql, workshopId)) {
		const r = await renderBoard(sql, sync, workshopId, id);
		if (r) out.push(r.rendering);
	}
	return out;
}

/** Takes a snapshot of the board as it stands, as the viewer (RLS: facilitators only). Returns its id, or null if not allowed. */
export async function takeSnapshot(
	sql: Sql,
	sync: SyncServer,
	viewer: Viewer,
	input: { boardId: string; title: string; trigger?: 'manual' | 'phase' }
): Promise<string | null> {
	const rendered = await renderBoard(sql, sync, viewer.workshopId, input.boardId);
	if (!rendered) return null;
	return insertSnapshot(sql, viewer, { ...input, trigger: input.trigger ?? 'manual', ...rendered });
}

/** After a phase change: a snapshot, if the board asks for one at every phase change. */
export async function snapshotAtPhaseChange(sql: Sql, sync: SyncServer, viewer: Viewer, boardId: string, title: string): Promise<string | null> {
	if (!(await snapshotsOnPhase(sql, viewer, boardId))) return null;
	return takeSnapshot(sql, sync, viewer, { boardId, title, trigger: 'phase' });
}
