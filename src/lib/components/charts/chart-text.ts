/**
 * Pure text helpers for the result charts: label truncation and wrapping, text measuring and the
 * one-paragraph text alternatives shown above every chart. How a number, total or
 * rank reads is `#lib/format`'s, shared with the exports.
 *
 * Every function takes the locale explicitly (components pass `getLocale()`), so the same
 * sentences come out on the server, in the browser and in the unit tests.
 */
import { m } from '#lib/paraglide/messages.js';
import type { Locale } from '#lib/paraglide/runtime.js';
import type { Method, OptionResult, TallyResult, Turnout } from '#lib/domain/voting/types.js';
import { formatContribution, formatNumber, formatPercent, formatTotal, intlLocale, listText, rankText, unitLabel } from '#lib/format/index.js';

const ELLIPSIS = '…';

/**
 * Shortens `text` to at most `max` characters (counting the ellipsis), preferring to cut at a
 * word boundary when one is near the end. Whitespace runs count as one space.
 */
export function truncate(text: string, max: number): string {
	const chars = Array.from(text.replace(/\s+/g, ' ').trim());
	if (chars.length <= max) return chars.join('');
	if (max <= 1) return ELLIPSIS;
	const cut = chars.slice(0, max - 1).join('');
	const space = cut.lastIndexOf(' ');
	const head = space >= Math.max(1, (max - 1) * 0.6) ? cut.slice(0, space) : cut;
	return head.replace(/[\s,;:.\-–—]+$/u, '') + ELLIPSIS;
}

/**
 * Breaks `text` into at most `maxLines` lines of at most `maxChars` characters at spaces; a
 * word longer than a line is cut, and the last line is truncated with an ellipsis if the text
 * does not fit.
 */
export function wrapLines(text: string, maxChars: number, maxLines: number): string[] {
	const width = Math.max(1, Math.floor(maxChars));
	const len = (x: string) => Array.from(x).length;
	const cut = (x: string, from: number, to?: number) => Array.from(x).slice(from, to).join('');
	const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
	const lines: string[] = [];
	let current = '';
	/** the last full line ended inside a word */
	let split = false;
	let k = 0;
	while (k < words.length && lines.length < maxLines) {
		const next = current ? `${current} ${words[k]}` : words[k];
		if (len(next) <= width) {
			current = next;
			k++;
		} else if (current) {
			lines.push(current);
			current = '';
			split = false;
		} else {
			// A single word longer than a line: cut it.
			lines.push(cut(words[k], 0, width));
			words[k] = cut(words[k], width);
			split = true;
		}
	}
	if (lines.length < maxLines) {
		if (current) lines.push(current);
		return lines.length ? lines : [''];
	}
	if (k < words.length) {
		// Out of lines: the rest goes, shortened, onto the last one.
		const rest = words.slice(k).join(' ');
		lines[maxLines - 1] = truncate(lines[maxLines - 1] + (split ? '' : ' ') + rest, width);
	}
	return lines;
}

/** A rough width of `text` in px (for layout decisions; SVG cannot measure on the server). */
export function textWidth(text: string, fontSize: number, bold = false): number {
	let units = 0;
	for (const ch of text) {
		if (/[iIjlf.,:;'’|!() ]/.test(ch)) units += 0.34;
		else if (/[mwMW@%]/.test(ch)) units += 0.9;
		else if (/[A-Z0-9=]/.test(ch)) units += 0.68;
		else units += 0.6;
	}
	return units * fontSize * (bold ? 1.1 : 1);
}

/** How many characters fit into `px` at `fontSize` (average text). */
export function charsFor(px: number, fontSize: number): number {
	return Math.max(3, Math.floor(px / (fontSize * 0.55)));
}

/**
 * The smallest of `values` (those a chart shows) that per-organisation weighting made a
 * fraction, formatted as the chart shows it ("2,5"), for the note that explains such values;
 * null when there is nothing to explain (scores are means: fractions there need no note).
 */
export function fractionExample(result: Pick<TallyResult, 'method' | 'weighting'>, values: Iterable<number>, locale: Locale): string | null {
	if (result.method === 'score' || result.weighting !== 'organisation') return null;
	const fractions = [...values].filter((v) => v > 0 && !Number.isInteger(Math.round(v * 1000) / 1000));
	return fractions.length ? formatTotal(Math.min(...fractions), result.method, locale) : null;
}

/** A download file name without characters that file systems refuse. */
export function safeFilename(name: string): string {
	const clean = name
		.normalize('NFC')
		.replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-')
		.replace(/\s+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^[-.]+|[-.]+$/g, '');
	return clean.slice(0, 120) || 'chart';
}

function valued(option: OptionResult, method: Method, locale: Locale): string {
	return `${option.label} (${formatTotal(option.total, method, locale)})`;
}

/** Text alternative of the ranked bars. */
export function rankedSummary(result: TallyResult, locale: Locale): string {
	const o = { locale };
	const { options, method } = result;
	if (options.length === 0) return m.chart_summary_no_options({}, o);
	const parts = [
		m.chart_summary_ranked_intro(
			{
				options: formatNumber(options.length, locale),
				unit: unitLabel(method, locale).toLocaleLowerCase(intlLocale(locale)),
				count: formatNumber(result.voters, locale)
			},
			o
		)
	];
	const firsts = options.filter((x) => x.rank === 1);
	if (firsts.length > 1)
		parts.push(
			m.chart_summary_first_tied(
				{
					labels: listText(
						firsts.map((x) => x.label),
						locale
					),
					value: formatTotal(firsts[0].total, method, locale)
				},
				o
			)
		);
	else parts.push(m.chart_summary_first({ label: firsts[0].label, value: formatTotal(firsts[0].total, method, locale) }, o));
	const next = options.slice(firsts.length, firsts.length + 3);
	if (next.length)
		parts.push(
			m.chart_summary_then(
				{
					list: listText(
						next.map((x) => valued(x, method, locale)),
						locale
					)
				},
				o
			)
		);
	const tied = options.filter((x) => x.tied && x.rank !== 1);
	if (tied.length)
		parts.push(
			m.chart_summary_ties(
				{
					list: listText(
						tied.map((x) => `${x.label} (${rankText(x)})`),
						locale
					)
				},
				o
			)
		);
	return parts.join(' ');
}

/** Shares of low (1–2), neutral (3) and high (4–5) scores of one option on one criterion. */
export function scoreShares(distribution: number[] | undefined): { low: number; neutral: number; high: number; n: number } {
	const d = distribution ?? [];
	const n = d.reduce((s, x) => s + (x ?? 0), 0);
	if (n <= 0) return { low: 0, neutral: 0, high: 0, n: 0 };
	return { low: ((d[0] ?? 0) + (d[1] ?? 0)) / n, neutral: (d[2] ?? 0) / n, high: ((d[3] ?? 0) + (d[4] ?? 0)) / n, n };
}

/** Text alternative of one criterion's score distribution. */
export function distributionSummary(result: TallyResult, criterion: number, locale: Locale): string {
	const o = { locale };
	const name = result.criteria[criterion] || unitLabel('score', locale);
	const scored = result.options.map((x) => ({ x, s: scoreShares(x.distribution[criterion]) })).filter((e) => e.s.n > 0);
	if (scored.length === 0) return m.chart_summary_distribution_none({ criterion: name }, o);
	const parts = [m.chart_summary_distribution_intro({ criterion: name }, o)];
	const high = scored.reduce((a, b) => (b.s.high > a.s.high ? b : a));
	if (high.s.high > 0) parts.push(m.chart_summary_distribution_high({ label: high.x.label, percent: formatPercent(high.s.high, locale) }, o));
	const low = scored.reduce((a, b) => (b.s.low > a.s.low ? b : a));
	if (low.s.low > 0) parts.push(m.chart_summary_distribution_low({ label: low.x.label, percent: formatPercent(low.s.low, locale) }, o));
	return parts.join(' ');
}

/** Text alternative of the two-criteria matrix. */
export function matrixSummary(result: TallyResult, locale: Locale): string {
	const o = { locale };
	const [x = '', y = ''] = result.criteria;
	const parts = [m.chart_summary_matrix({ x, y }, o)];
	const placed = result.options.filter((op) => op.means[0] != null && op.means[1] != null);
	const top = placed.filter((op) => (op.means[0] as number) > 3 && (op.means[1] as number) > 3);
	const pair = (op: OptionResult) =>
		`${op.label} (${formatTotal(op.means[0] as number, 'score', locale)}; ${formatTotal(op.means[1] as number, 'score', locale)})`;
	if (top.length) parts.push(m.chart_summary_matrix_top({ list: listText(top.map(pair), locale) }, o));
	else if (placed.length) parts.push(m.chart_summary_matrix_none({}, o));
	const missing = result.options.filter((op) => op.means[0] == null || op.means[1] == null);
	if (missing.length)
		parts.push(
			m.chart_summary_matrix_unscored(
				{
					list: listText(
						missing.map((op) => op.label),
						locale
					)
				},
				o
			)
		);
	return parts.join(' ');
}

/** Text alternative of the organisation × option heatmap. */
export function heatmapSummary(result: TallyResult, locale: Locale): string {
	const o = { locale };
	const parts = [m.chart_summary_heatmap({ count: formatNumber(result.organisations.length, locale) }, o)];
	let best: { org: string; option: OptionResult; value: number } | null = null;
	for (const option of result.options)
		for (const org of result.organisations) {
			const value = option.byOrganisation[org] ?? 0;
			if (value > 0 && (!best || value > best.value)) best = { org, option, value };
		}
	if (best)
		parts.push(
			m.chart_summary_heatmap_top({ organisation: best.org, label: best.option.label, value: formatContribution(best.value, result.method, locale) }, o)
		);
	const broad = result.options.reduce<{ option: OptionResult; n: number } | null>((acc, option) => {
		const n = result.organisations.filter((org) => (option.byOrganisation[org] ?? 0) > 0).length;
		return !acc || n > acc.n ? { option, n } : acc;
	}, null);
	if (broad && broad.n > 1)
		parts.push(
			m.chart_summary_heatmap_broad(
				{ label: broad.option.label, count: formatNumber(broad.n, locale), total: formatNumber(result.organisations.length, locale) },
				o
			)
		);
	return parts.join(' ');
}

/** One option in a round-to-round comparison. */
export interface ComparisonRow {
	key: string;
	label: string;
	a: OptionResult | null;
	b: OptionResult | null;
	/** positive: moved up (better rank) from a to b */
	change: number | null;
}

/** Text alternative of the round comparison. */
export function comparisonSummary(rows: ComparisonRow[], labelA: string, labelB: string, locale: Locale): string {
	const o = { locale };
	const parts = [m.chart_summary_comparison({ a: labelA, b: labelB, count: formatNumber(rows.length, locale) }, o)];
	const both = rows.filter((r) => r.change != null);
	const up = both.filter((r) => (r.change as number) > 0).sort((p, q) => (q.change as number) - (p.change as number))[0];
	const down = both.filter((r) => (r.change as number) < 0).sort((p, q) => (p.change as number) - (q.change as number))[0];
	if (up) parts.push(m.chart_summary_comparison_up({ label: up.label, from: rankText(up.a!), to: rankText(up.b!) }, o));
	if (down) parts.push(m.chart_summary_comparison_down({ label: down.label, from: rankText(down.a!), to: rankText(down.b!) }, o));
	if (both.length && !up && !down) parts.push(m.chart_summary_comparison_same({}, o));
	const onlyA = rows.filter((r) => r.a && !r.b).map((r) => r.label);
	const onlyB = rows.filter((r) => r.b && !r.a).map((r) => r.label);
	if (onlyA.length) parts.push(m.chart_summary_only_in({ round: labelA, list: listText(onlyA, locale) }, o));
	if (onlyB.length) parts.push(m.chart_summary_only_in({ round: labelB, list: listText(onlyB, locale) }, o));
	return parts.join(' ');
}

/** voted / present as a share, or null when nobody is present. */
export function share(voted: number, present: number): number | null {
	return present > 0 ? Math.min(1, voted / present) : null;
}

/** Text alternative of the turnout chart. */
export function turnoutSummary(t: Turnout, locale: Locale): string {
	const o = { locale };
	const pct = (v: number, p: number) => {
		const s = share(v, p);
		return s == null ? '–' : formatPercent(s, locale);
	};
	return m.chart_summary_turnout(
		{
			voted: formatNumber(t.voted, locale),
			present: formatNumber(t.present, locale),
			percent: pct(t.voted, t.present),
			orgsVoted: formatNumber(t.organisationsVoted, locale),
			orgsPresent: formatNumber(t.organisationsPresent, locale),
			orgsPercent: pct(t.organisationsVoted, t.organisationsPresent)
		},
		o
	);
}
