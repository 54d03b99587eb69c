/**
 * CSV exports (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, a quote or a line break). These are data for spreadsheets, so the columns and the
 * codes in them (board kinds, phases, methods) are the same whatever the workshop's language;
 * only the users' own text is in it.
 *
 * A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
 * as a formula, so any text cell starting with one gets a leading apostrophe: a card reading
 * `=HYPERLINK(…)` stays a card. (Excel needs a UTF-8 byte order mark to read the accents right;
 * adding one is the download's business, not this text's.)
 */
import { tally } from '$lib/domain/voting/tally';
import type { BoardRendering, SnapshotCard } from '$lib/domain/snapshot/types';
import type { Report, ReportBoard } from './report';

type Field = string | number | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

/** One field: text defused against formulas, then quoted if it needs it. Numbers are written as they are. */
export function csvField(value: Field): string {
	if (value === null || value === undefined) return '';
	let s = String(value);
	if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text, every record (the last one too) ended by CRLF. */
export function csvText(rows: Field[][]): string {
	return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

export const BOARD_CSV_COLUMNS = ['kind', 'group', 'card_id', 'text', 'organisation', 'indicator', 'target', 'year', 'round', 'option', 'rank', 'total'] as const;

type BoardRow = Partial<Record<(typeof BOARD_CSV_COLUMNS)[number], Field>>;

const toRow = <C extends readonly string[]>(columns: C, row: Partial<Record<C[number], Field>>): Field[] => columns.map((c) => row[c as C[number]]);

function cardRow(c: SnapshotCard, group: string): BoardRow {
	return { kind: 'card', group, card_id: c.id, text: c.text, organisation: c.organisation, indicator: c.indicator, target: c.target, year: c.year };
}

/** Each group's row followed by its cards, then the ungrouped cards (group left empty). */
function cardRows(r: BoardRendering): BoardRow[] {
	return [
		...r.groups.flatMap((g) => [{ kind: 'group', group: g.title } as BoardRow, ...g.cards.map((c) => cardRow(c, g.title))]),
		...r.ungrouped.map((c) => cardRow(c, ''))
	];
}

/**
 * One row per option of every round the room was shown, best first. `round` is the round's
 * number (titles repeat and may be empty). A score option nobody scored has no total.
 */
function resultRows(r: BoardRendering): BoardRow[] {
	return r.rounds
		.filter((round) => round.aggregate !== null)
		.sort((a, b) => a.seq - b.seq)
		.flatMap((round) => {
			const result = tally(round.aggregate!, round.options, round.settings);
			const unscored = (total: number) => result.method === 'score' && total === 0;
			return result.options.map(
				(o): BoardRow => ({ kind: 'result', round: round.seq, option: o.label, rank: o.rank, total: unscored(o.total) ? null : o.total })
			);
		});
}

/** The board's cards, groups and vote totals as one table. */
export function boardCsv(r: BoardRendering): string {
	return csvText([[...BOARD_CSV_COLUMNS], ...[...cardRows(r), ...resultRows(r)].map((row) => toRow(BOARD_CSV_COLUMNS, row))]);
}

export const REPORT_CSV_COLUMNS = [
	'board',
	'board_kind',
	'phase',
	'kind',
	'label',
	'text',
	'statement_from',
	'round',
	'method',
	'weighting',
	'voters',
	'rank',
	'total'
] as const;

type ReportRow = Partial<Record<(typeof REPORT_CSV_COLUMNS)[number], Field>>;

/**
 * A board of the report: one `board` row (label = title, text = prompt), its `statement`, its
 * `top` items with the round they come from, and one `organisation` row per organisation.
 */
function reportRows(b: ReportBoard): ReportRow[] {
	const common = { board: b.title, board_kind: b.kind, phase: b.phase };
	const rows: ReportRow[] = [{ ...common, kind: 'board', label: b.title, text: b.prompt }];
	if (b.statement) rows.push({ ...common, kind: 'statement', label: b.statement.label, text: b.statement.text, statement_from: b.statementFrom });
	const round = b.round ? { round: b.round.seq, method: b.round.method, weighting: b.round.weighting, voters: b.round.voters } : {};
	const unscored = (total: number) => b.round?.method === 'score' && total === 0;
	for (const item of b.top) rows.push({ ...common, ...round, kind: 'top', label: item.label, rank: item.rank, total: unscored(item.total) ? null : item.total });
	for (const org of b.organisations) rows.push({ ...common, kind: 'organisation', label: org });
	return rows;
}

/** The workshop report as one table, board by board. */
export function reportCsv(report: Report): string {
	return csvText([[...REPORT_CSV_COLUMNS], ...report.boards.flatMap(reportRows).map((row) => toRow(REPORT_CSV_COLUMNS, row))]);
}
