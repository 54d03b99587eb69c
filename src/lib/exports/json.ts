/**
 * JSON exports: everything a snapshot holds, under a format name and version so a later
 * Roundtable (or anyone's script) knows what it is reading.
 *
 * The rendering is copied field by field rather than spread: whatever else a caller's objects
 * carry at run time (a live card still holding its author's name, say) stays out of the file.
 * `<`, `>` and `&` are written as \u escapes, so the text parses back the same but can be
 * inlined into an HTML page without a card's `</script>` ending the script.
 */
import { SNAPSHOT_FORMAT } from '#lib/domain/snapshot/types.js';
import type { BoardRendering, SnapshotCard, SnapshotGroup, SnapshotMeta, SnapshotRound, SnapshotVariant } from '#lib/domain/snapshot/types.js';
import type { RoundAggregate } from '#lib/domain/voting/types.js';
import { REPORT_FORMAT, type Report, type ReportBoard } from './report';

const card = (c: SnapshotCard): SnapshotCard => ({
	id: c.id,
	text: c.text,
	organisation: c.organisation,
	colour: c.colour,
	indicator: c.indicator,
	target: c.target,
	year: c.year
});

const group = (g: SnapshotGroup): SnapshotGroup => ({ id: g.id, title: g.title, cards: g.cards.map(card) });

const variant = (v: SnapshotVariant): SnapshotVariant => ({ id: v.id, label: v.label, text: v.text });

/** Per-organisation counts only: an aggregate has no ballots, and the copy makes sure none ride along. */
const aggregate = (a: RoundAggregate): RoundAggregate => ({
	voters: a.voters.map((v) => ({ organisation: v.organisation, count: v.count, proxies: v.proxies })),
	cells: a.cells.map((c) => ({ organisation: c.organisation, option: c.option, criterion: c.criterion, value: c.value, count: c.count }))
});

const round = (r: SnapshotRound): SnapshotRound => ({
	id: r.id,
	seq: r.seq,
	title: r.title,
	settings: { ...r.settings, criteria: [...r.settings.criteria] },
	status: r.status,
	options: r.options.map((o) => ({ id: o.id, label: o.label, position: o.position })),
	aggregate: r.aggregate === null ? null : aggregate(r.aggregate),
	voters: r.voters
});

/** The rendering's own fields (its `format` becomes the export's `version`). */
function renderingFields(r: BoardRendering): Omit<BoardRendering, 'format'> {
	const { title, language, startsOn, venue } = r.workshop;
	const { id, kind, title: boardTitle, prompt, phase } = r.board;
	return {
		workshop: { title, language, startsOn, venue },
		board: { id, kind, title: boardTitle, prompt, phase },
		groups: r.groups.map(group),
		ungrouped: r.ungrouped.map(card),
		variants: r.variants.map(variant),
		rounds: r.rounds.map(round),
		organisations: [...r.organisations]
	};
}

const meta = (s: SnapshotMeta | null): SnapshotMeta | null => (s === null ? null : { id: s.id, title: s.title, takenAt: s.takenAt });

/** Pretty JSON (two spaces) that is also safe to inline in HTML. */
export function safeJson(value: unknown): string {
	return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface BoardExport extends Omit<BoardRendering, 'format'> {
	format: 'roundtable.board';
	version: typeof SNAPSHOT_FORMAT;
	/** ms since epoch; present when the caller gives it */
	exportedAt?: number;
	/** null: the live board, not a snapshot */
	snapshot: SnapshotMeta | null;
}

/** A board (snapshot or live) as a versioned JSON document. */
export function boardJson(r: BoardRendering, snapshot: SnapshotMeta | null, exportedAt?: number): string {
	const doc: BoardExport = {
		format: 'roundtable.board',
		version: SNAPSHOT_FORMAT,
		...(exportedAt === undefined ? {} : { exportedAt }),
		snapshot: meta(snapshot),
		...renderingFields(r)
	};
	return safeJson(doc);
}

export interface ReportExport extends Report {
	format: 'roundtable.report';
	version: typeof REPORT_FORMAT;
	exportedAt?: number;
}

const reportBoard = (b: ReportBoard): ReportBoard => ({
	id: b.id,
	kind: b.kind,
	title: b.title,
	prompt: b.prompt,
	phase: b.phase,
	statement: b.statement && { label: b.statement.label, text: b.statement.text },
	statementFrom: b.statementFrom,
	top: b.top.map((t) => ({ label: t.label, total: t.total, rank: t.rank, tied: t.tied })),
	round: b.round && { seq: b.round.seq, title: b.round.title, method: b.round.method, voters: b.round.voters, weighting: b.round.weighting },
	organisations: [...b.organisations]
});

/** The workshop report as a versioned JSON document. */
export function reportJson(report: Report, exportedAt?: number): string {
	const { title, language, startsOn, venue } = report.workshop;
	const doc: ReportExport = {
		format: 'roundtable.report',
		version: REPORT_FORMAT,
		...(exportedAt === undefined ? {} : { exportedAt }),
		workshop: { title, language, startsOn, venue },
		boards: report.boards.map(reportBoard),
		organisations: [...report.organisations]
	};
	return safeJson(doc);
}
