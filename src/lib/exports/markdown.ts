/**
 * Markdown exports: a board (snapshot or live) and the workshop report, written in the
 * workshop's language. Everything users typed (card text, titles, organisations, statement
 * wordings, option labels) is escaped, so a card reading `<script>` or `[x](javascript:…)`
 * comes out as those characters in any CommonMark renderer, never as markup or a link.
 * Results are aggregates only: methods, voter counts and totals, never who voted what.
 */
import { m } from '#lib/paraglide/messages.js';
import { formatNumber, formatTotal, intlLocale, rankText, unitLabel } from '#lib/format/index.js';
import { tally } from '#lib/domain/voting/tally.js';
import type { Method, OptionResult, TallyResult, Weighting } from '#lib/domain/voting/types.js';
import type { BoardKind } from '#lib/domain/workshop/templates.js';
import type { Phase } from '#lib/domain/workshop/phases.js';
import type { BoardRendering, SnapshotCard, SnapshotGroup, SnapshotMeta, SnapshotRound } from '#lib/domain/snapshot/types.js';
import type { Report, ReportBoard } from './report';

export type ExportLocale = BoardRendering['workshop']['language'];

export interface MarkdownOptions {
	/** IANA zone for the snapshot's time; the runtime's own zone when left out (as the snapshot page shows it) */
	timeZone?: string;
}

// ---------------------------------------------------------------------------------------------
// Escaping

/**
 * Characters that are markup wherever they stand. `(`, `)` and `!` are harmless once `[`, `]`
 * and `<` are escaped, but escaping them too costs nothing and keeps the rule simple.
 */
const SPECIAL = /[\\`*_{}[\]()<>#|~&!]/g;

/**
 * User text as one line of literal Markdown text: every special character backslash-escaped,
 * line breaks turned into spaces (they would end a table row or a list item), leading
 * whitespace dropped (four spaces would start a code block), and the characters that are
 * markup only at the start of a line (`-`, `+`, `=`, `1.`) escaped there, since the line may
 * start a paragraph, a list item's content or a table cell.
 *
 * What escaping cannot stop: a GitHub-flavoured renderer still turns a bare `https://…` or
 * `www.…` into a link to that very address. Only web addresses qualify, never `javascript:`.
 */
export function escapeMarkdown(text: string): string {
	return text
		.replace(/\s*[\r\n]+\s*/g, ' ')
		.trim()
		.replace(SPECIAL, '\\$&')
		.replace(/^[-+=]/, '\\$&')
		.replace(/^(\d{1,9})\./, '$1\\.');
}

/**
 * Multi-line user text (a statement, a prompt): each line escaped, lines kept apart by hard
 * breaks (a trailing backslash), blank lines kept as paragraph breaks.
 */
function escapeBlock(text: string): string {
	const paragraphs: string[][] = [[]];
	for (const line of text.split(/\r\n|\r|\n/).map(escapeMarkdown)) {
		if (line) paragraphs[paragraphs.length - 1].push(line);
		else if (paragraphs[paragraphs.length - 1].length) paragraphs.push([]);
	}
	return paragraphs
		.filter((p) => p.length)
		.map((p) => p.join('\\\n'))
		.join('\n\n');
}

function blockquote(text: string): string {
	return escapeBlock(text)
		.split('\n')
		.map((line) => (line ? `> ${line}` : '>'))
		.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Words in the workshop's language

const KINDS: Record<BoardKind, (i: object, o: { locale: ExportLocale }) => string> = {
	values: m.kind_values,
	mission: m.kind_mission,
	vision: m.kind_vision,
	goals: m.kind_goals,
	theme: m.kind_theme,
	free: m.kind_free
};

const PHASES: Record<Phase, (i: object, o: { locale: ExportLocale }) => string> = {
	brainstorm: m.phase_brainstorm,
	cluster: m.phase_cluster,
	vote: m.phase_vote,
	discuss: m.phase_discuss,
	decided: m.phase_decided
};

const METHODS: Record<Method, (i: object, o: { locale: ExportLocale }) => string> = {
	dots: m.vote_method_dots,
	approval: m.vote_method_approval,
	score: m.vote_method_score,
	ranking: m.vote_method_ranking,
	budget: m.vote_method_budget
};

const weightingName = (w: Weighting, locale: ExportLocale) =>
	w === 'organisation' ? m.vote_weight_organisation({}, { locale }) : m.vote_weight_person({}, { locale });

/** `- **Label:** value` lines; entries with an empty value are left out. */
function facts(entries: [string, string][]): string {
	return entries
		.filter(([, value]) => value !== '')
		.map(([label, value]) => `- **${label}:** ${value}`)
		.join('\n');
}

/** A calendar date ("2026-11-23") in the locale's long form; anything else as typed. */
function formatDay(day: string, locale: ExportLocale): string {
	const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
	if (!parts) return escapeMarkdown(day);
	const ms = Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
	return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(ms);
}

function formatMoment(ms: number, locale: ExportLocale, timeZone: string | undefined): string {
	return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short', timeZone }).format(ms);
}

function workshopFacts(w: BoardRendering['workshop'], locale: ExportLocale): [string, string][] {
	const o = { locale };
	return [
		[m.export_label_venue({}, o), escapeMarkdown(w.venue)],
		[m.export_label_date({}, o), w.startsOn ? formatDay(w.startsOn, locale) : '']
	];
}

function boardFacts(b: { kind: BoardKind; phase: Phase }, locale: ExportLocale): [string, string][] {
	const o = { locale };
	return [
		[m.export_label_exercise({}, o), KINDS[b.kind]({}, o)],
		[m.export_label_phase({}, o), PHASES[b.phase]({}, o)]
	];
}

/** "Round 2 · Title", as the voting panel names rounds. */
function roundName(round: { seq: number; title: string }, locale: ExportLocale): string {
	const seq = m.export_round({ seq: round.seq }, { locale });
	return round.title.trim() ? `${seq} · ${escapeMarkdown(round.title)}` : seq;
}

function roundFacts(round: { method: Method; voters: number; weighting: Weighting }, proxies: number, locale: ExportLocale): string {
	const o = { locale };
	const lines = [
		facts([
			[m.export_label_method({}, o), METHODS[round.method]({}, o)],
			[m.export_label_voters({}, o), formatNumber(round.voters, locale)],
			[m.export_label_weighting({}, o), weightingName(round.weighting, locale)]
		])
	];
	if (proxies > 0) lines.push(m.chart_note_proxies({ count: proxies }, o));
	return lines.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Results tables

interface Row {
	label: string;
	total: number;
	rank: number;
	tied: boolean;
	/** scores with two criteria: the mean per criterion */
	means?: (number | null)[];
}

/** A mean score of 0 means nobody scored the option: a dash, as the charts show it. */
const totalText = (value: number | null, method: Method, locale: ExportLocale) =>
	value === null || (method === 'score' && value === 0) ? '–' : formatTotal(value, method, locale);

/**
 * Rank, option, total (in the method's unit), and for two-criteria scores each criterion's
 * mean. Tied ranks read "=2", with the charts' footnote saying so under the table.
 */
function resultsTable(rows: Row[], method: Method, criteria: string[], locale: ExportLocale): string {
	const o = { locale };
	const perCriterion = method === 'score' && criteria.length > 1 ? criteria : [];
	const head = [
		m.export_rank({}, o),
		m.export_option({}, o),
		unitLabel(method, locale),
		...perCriterion.map((c) => m.chart_axis_mean({ criterion: escapeMarkdown(c) }, o))
	];
	const align = ['---:', ':---', '---:', ...perCriterion.map(() => '---:')];
	const body = rows.map((r) => [
		rankText(r),
		escapeMarkdown(r.label),
		totalText(r.total, method, locale),
		...perCriterion.map((_, i) => totalText(r.means?.[i] ?? null, method, locale))
	]);
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	const table = [line(head), line(align), ...body.map(line)].join('\n');
	return rows.some((r) => r.tied) ? `${table}\n\n${m.chart_tie_note({}, o)}` : table;
}

// ---------------------------------------------------------------------------------------------
// A board

function statementSection(r: BoardRendering, locale: ExportLocale): string | null {
	const written = r.variants.map((v, i) => ({ ...v, n: i + 1 })).filter((v) => v.text.trim());
	if (!written.length) return null;
	const o = { locale };
	const parts = [`## ${m.export_statement({}, o)}`];
	for (const v of written) {
		if (r.variants.length > 1) parts.push(`### ${escapeMarkdown(v.label) || m.export_wording_numbered({ n: v.n }, o)}`);
		parts.push(escapeBlock(v.text));
	}
	return parts.join('\n\n');
}

/** "- text — organisation", and the goal fields that are set on a line below. */
function cardItem(c: SnapshotCard, locale: ExportLocale): string {
	const o = { locale };
	const head = [escapeMarkdown(c.text), escapeMarkdown(c.organisation)].filter(Boolean).join(' — ');
	const goal = (
		[
			[m.export_goal_indicator({}, o), c.indicator],
			[m.export_goal_target({}, o), c.target],
			[m.export_goal_year({}, o), c.year]
		] as const
	)
		.filter(([, value]) => value.trim())
		.map(([label, value]) => `${label}: ${escapeMarkdown(value)}`)
		.join(' · ');
	return goal ? `- ${head}\n  - ${goal}` : `- ${head}`;
}

/** Cards with neither text nor goal fields say nothing, so they are left out. */
const saysSomething = (c: SnapshotCard) => [c.text, c.indicator, c.target, c.year].some((x) => x.trim());

function cardList(cards: SnapshotCard[], locale: ExportLocale): string | null {
	const items = cards.filter(saysSomething).map((c) => cardItem(c, locale));
	return items.length ? items.join('\n') : null;
}

function groupSection(g: Pick<SnapshotGroup, 'title' | 'cards'>, locale: ExportLocale): string {
	const title = escapeMarkdown(g.title) || m.export_untitled_group({}, { locale });
	return [`### ${title}`, cardList(g.cards, locale)].filter(Boolean).join('\n\n');
}

/** Groups in board order, then the loose cards (under their own heading only when there are groups). */
function cardsSection(r: BoardRendering, locale: ExportLocale): string | null {
	const loose = cardList(r.ungrouped, locale);
	if (!r.groups.length && !loose) return null;
	const parts = [`## ${m.export_cards({}, { locale })}`, ...r.groups.map((g) => groupSection(g, locale))];
	if (loose) parts.push(r.groups.length ? `### ${m.export_ungrouped({}, { locale })}\n\n${loose}` : loose);
	return parts.join('\n\n');
}

function optionRows(result: TallyResult): Row[] {
	return result.options.map((o: OptionResult) => ({ label: o.label, total: o.total, rank: o.rank, tied: o.tied, means: o.means }));
}

function roundSection(round: SnapshotRound, locale: ExportLocale): string {
	const result = tally(round.aggregate!, round.options, round.settings);
	return [
		`### ${roundName(round, locale)}`,
		roundFacts(result, result.proxies, locale),
		resultsTable(optionRows(result), result.method, result.criteria, locale)
	].join('\n\n');
}

/** Only rounds whose results the room was shown (the snapshot keeps no aggregate otherwise). */
function resultsSection(r: BoardRendering, locale: ExportLocale): string | null {
	const shown = r.rounds.filter((round) => round.aggregate !== null).sort((a, b) => a.seq - b.seq);
	if (!shown.length) return null;
	return [`## ${m.export_results({}, { locale })}`, ...shown.map((round) => roundSection(round, locale))].join('\n\n');
}

function boardHeader(r: BoardRendering, meta: SnapshotMeta | null, locale: ExportLocale, options: MarkdownOptions): string {
	const o = { locale };
	const snapshot = meta
		? m.export_snapshot_taken({ title: escapeMarkdown(meta.title), when: formatMoment(meta.takenAt, locale, options.timeZone) }, o)
		: m.export_live_board({}, o);
	const title = escapeMarkdown(r.board.title) || KINDS[r.board.kind]({}, o);
	return [
		`# ${title}`,
		facts([
			[m.export_label_workshop({}, o), escapeMarkdown(r.workshop.title)],
			...workshopFacts(r.workshop, locale),
			[m.export_label_snapshot({}, o), snapshot],
			...boardFacts(r.board, locale)
		]),
		r.board.prompt.trim() ? blockquote(r.board.prompt) : null
	]
		.filter(Boolean)
		.join('\n\n');
}

/**
 * A board as a Markdown document: title, workshop, date, prompt and phase, the statement's
 * wordings, the groups with their cards, and the results of every round the room was shown.
 */
export function boardMarkdown(r: BoardRendering, meta: SnapshotMeta | null, locale: ExportLocale, options: MarkdownOptions = {}): string {
	const sections = [boardHeader(r, meta, locale, options), statementSection(r, locale), cardsSection(r, locale), resultsSection(r, locale)];
	return sections.filter(Boolean).join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The report

const organisationList = (names: string[]) => names.map(escapeMarkdown).join(', ');

function reportStatement(b: ReportBoard, locale: ExportLocale): string | null {
	if (!b.statement) return null;
	const o = { locale };
	const from = b.statementFrom === 'vote' ? m.export_report_decided({}, o) : m.export_report_draft({}, o);
	const label = escapeMarkdown(b.statement.label);
	return [`### ${m.export_statement({}, o)}`, `*${from}*${label ? ` · **${label}**` : ''}`, escapeBlock(b.statement.text)].filter(Boolean).join('\n\n');
}

function reportTop(b: ReportBoard, locale: ExportLocale): string | null {
	if (!b.round) return null;
	const parts = [`### ${m.export_report_top({}, { locale })} · ${roundName(b.round, locale)}`, roundFacts(b.round, 0, locale)];
	if (b.top.length) parts.push(resultsTable(b.top, b.round.method, [], locale));
	return parts.join('\n\n');
}

function reportBoard(b: ReportBoard, locale: ExportLocale): string {
	const o = { locale };
	const decided = [reportStatement(b, locale), reportTop(b, locale)].filter(Boolean);
	return [
		`## ${escapeMarkdown(b.title) || KINDS[b.kind]({}, o)}`,
		facts([...boardFacts(b, locale), [m.export_label_organisations({}, o), organisationList(b.organisations)]]),
		b.prompt.trim() ? blockquote(b.prompt) : null,
		...(decided.length ? decided : [m.export_report_nothing({}, o)])
	]
		.filter(Boolean)
		.join('\n\n');
}

/**
 * The workshop report as one Markdown document: the workshop, every organisation that took
 * part, then board by board the decided (or drafted) statement and the top items with their
 * results.
 */
export function reportMarkdown(report: Report, locale: ExportLocale): string {
	const o = { locale };
	const title = escapeMarkdown(report.workshop.title);
	const head = [
		`# ${m.export_report_title({}, o)}${title ? `: ${title}` : ''}`,
		facts([...workshopFacts(report.workshop, locale), [m.export_label_organisations({}, o), organisationList(report.organisations)]])
	];
	return [...head, ...report.boards.map((b) => reportBoard(b, locale))].filter(Boolean).join('\n\n') + '\n';
}
