/**
 * CSV exports for spreadsheets, Excel first, in the workshop's language: a UTF-8 byte order
 * mark (without it Excel reads the file as the system's code page and mangles every accent),
 * column headings in the workshop's language, and the separators Excel expects where the
 * workshop is read. Where the decimal separator is a comma (Hungarian: 20,5) Excel splits
 * fields at `;`, so those files use `;` and write numbers with the comma; elsewhere `,` and
 * `20.5`. Records end with CRLF; a field is quoted when it holds the separator, a quote or a
 * line break (RFC 4180, with the separator in place of the comma).
 *
 * The codes in the cells (row kinds, board kinds, phases, methods) stay the same whatever the
 * language, so that a script reads every export alike; only the headings and the users' own
 * text change.
 *
 * A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
 * as a formula, so any text cell starting with one gets a leading apostrophe: a card reading
 * `=HYPERLINK(…)` stays a card.
 */
import { m } from '#lib/paraglide/messages.js';
import { intlLocale } from '#lib/format/index.js';
import { tally } from '#lib/domain/voting/tally.js';
import type { BoardRendering, SnapshotCard } from '#lib/domain/snapshot/types.js';
import type { ExportLocale } from './markdown';
import type { Report, ReportBoard } from './report';

type Field = string | number | null | undefined;

export interface CsvDialect {
	delimiter: ',' | ';';
	/** a number as the locale writes it */
	number: (value: number) => string;
}

/**
 * How a spreadsheet in `locale` reads CSV. Numbers without grouping (Hungarian groups with a
 * no-break space, which Excel would read as text) and with every digit a double needs, so
 * that a weighted total like 2.5 or 1/3 reads back as the same number.
 */
export function csvDialect(locale: ExportLocale): CsvDialect {
	const format = new Intl.NumberFormat(intlLocale(locale), { useGrouping: false, maximumFractionDigits: 20 });
	const decimal = format.formatToParts(0.5).find((p) => p.type === 'decimal')?.value;
	return { delimiter: decimal === ',' ? ';' : ',', number: (value) => format.format(value) };
}

const FORMULA = /^[=+\-@\t\r]/;

/** One field: text defused against formulas, numbers in the locale's notation, then quoted if it needs it. */
export function csvField(value: Field, dialect: CsvDialect): string {
	if (value === null || value === undefined) return '';
	let s = typeof value === 'number' ? dialect.number(value) : value;
	if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`;
	const needsQuotes = s.includes(dialect.delimiter) || /["\r\n]/.test(s);
	return needsQuotes ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to a CSV file's text: the byte order mark, then every record (the last one too) ended by CRLF. */
export function csvText(rows: Field[][], dialect: CsvDialect): string {
	return '\uFEFF' + rows.map((row) => row.map((field) => csvField(field, dialect)).join(dialect.delimiter) + '\r\n').join('');
}

type Heading = (inputs: object, options: { locale: ExportLocale }) => string;

/** A table's columns, in order, each with its heading. */
type Columns = Record<string, Heading>;

/** The heading row in the workshop's language, then each row's fields in column order. */
function table<C extends Columns>(columns: C, rows: Partial<Record<keyof C, Field>>[], locale: ExportLocale): string {
	const keys = Object.keys(columns) as (keyof C)[];
	const headings = keys.map((k) => columns[k]({}, { locale }));
	return csvText([headings, ...rows.map((row) => keys.map((k) => row[k]))], csvDialect(locale));
}

const BOARD_COLUMNS = {
	kind: m.export_csv_kind,
	group: m.export_csv_group,
	card_id: m.export_csv_card_id,
	text: m.export_csv_text,
	organisation: m.export_csv_organisation,
	indicator: m.export_goal_indicator,
	target: m.export_goal_target,
	year: m.export_goal_year,
	round: m.export_csv_round,
	option: m.export_option,
	rank: m.export_rank,
	total: m.export_csv_total
} satisfies Columns;

type BoardRow = Partial<Record<keyof typeof BOARD_COLUMNS, Field>>;

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
			return result.options.map((o): BoardRow => ({
				kind: 'result',
				round: round.seq,
				option: o.label,
				rank: o.rank,
				total: unscored(o.total) ? null : o.total
			}));
		});
}

/** The board's cards, groups and vote totals as one table, for a spreadsheet in `locale`. */
export function boardCsv(r: BoardRendering, locale: ExportLocale): string {
	return table(BOARD_COLUMNS, [...cardRows(r), ...resultRows(r)], locale);
}

const REPORT_COLUMNS = {
	board: m.export_csv_board,
	board_kind: m.export_label_exercise,
	phase: m.export_label_phase,
	kind: m.export_csv_kind,
	label: m.export_csv_label,
	text: m.export_csv_text,
	statement_from: m.export_csv_statement_from,
	round: m.export_csv_round,
	method: m.export_label_method,
	weighting: m.export_label_weighting,
	voters: m.export_label_voters,
	rank: m.export_rank,
	total: m.export_csv_total
} satisfies Columns;

type ReportRow = Partial<Record<keyof typeof REPORT_COLUMNS, Field>>;

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
	for (const item of b.top)
		rows.push({ ...common, ...round, kind: 'top', label: item.label, rank: item.rank, total: unscored(item.total) ? null : item.total });
	for (const org of b.organisations) rows.push({ ...common, kind: 'organisation', label: org });
	return rows;
}

/** The workshop report as one table, board by board, for a spreadsheet in `locale`. */
export function reportCsv(report: Report, locale: ExportLocale): string {
	return table(REPORT_COLUMNS, report.boards.flatMap(reportRows), locale);
}
