/**
 * Layout of the ranked bars (pure: no DOM, no Svelte). One row per option in rank order: the
 * rank, the label (wrapped, above its bar on a narrow chart, beside it on a wide one), the bar
 * stacked by organisation and the total at its end; the organisations' legend above, the axis
 * with its ticks below. A score round's axis is fixed at 0–5, any other is "nice" from 0 to the
 * largest total, with whole-number ticks only when every total is whole.
 */
import { stackBarRows } from './bar-rows';
import { scaleLinear, type ScaleLinear } from 'd3';
import type { Locale } from '#lib/paraglide/runtime.js';
import type { Method, OptionResult } from '#lib/domain/voting/types.js';
import { formatTotal, rankText } from '#lib/format/index.js';
import { charsFor, textWidth, truncate, wrapLines } from './chart-text';
import { legendLayout, stackSegments, type OrganisationStyle, type Segment } from './chart-data';

/** A score round's option nobody has scored yet: no mean to show. */
export function unscored(option: Pick<OptionResult, 'means'>, method: Method): boolean {
	return method === 'score' && option.means.length > 0 && option.means.every((v) => v == null);
}

export interface RankedBarsLayoutOptions {
	options: OptionResult[];
	/** in the order the bars stack (resultOrganisations) */
	organisations: string[];
	styles: OrganisationStyle[];
	method: Method;
	locale: Locale;
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
	/** the words the chart shows: the shared-rank marker, an unscored option's value, the legend's lead */
	texts: { tie: string; notScored: string; legendLead: string };
}

export interface RankedBarRow {
	option: OptionResult;
	/** top of the row */
	y: number;
	lines: string[];
	/** top of the bar within the row, and the vertical middle of the first label line */
	barY: number;
	labelY: number;
	/** the total (or "not scored") at the bar's end */
	value: string;
	segments: Segment[];
}

export interface RankedBarsLayout {
	fs: number;
	small: number;
	/** labels above their bars */
	narrow: boolean;
	legend: ReturnType<typeof legendLayout>;
	/** where the plot starts, under the legend */
	top: number;
	rows: RankedBarRow[];
	x: ScaleLinear<number, number>;
	ticks: number[];
	barHeight: number;
	lineHeight: number;
	rankWidth: number;
	plotBottom: number;
	height: number;
	tie: string;
}

export function rankedBarsLayout({ options, organisations, styles, method, locale, width, fs, texts }: RankedBarsLayoutOptions): RankedBarsLayout {
	const score = method === 'score';
	const anyTie = options.some((o) => o.tied);
	const small = fs * 0.85;
	// narrow: labels above their bars, when beside them would leave the bars too little room
	const narrow = width < fs * 40;
	const lineHeight = Math.round(fs * 1.25);
	const legend = legendLayout(styles, width, small, textWidth, truncate, 28, texts.legendLead);
	const top = legend.height ? legend.height + fs : 0;
	const values = options.map((o) => (unscored(o, method) ? texts.notScored : formatTotal(o.total, method, locale)));
	const valueWidth =
		Math.max(fs * 2, ...values.filter((_, i) => !unscored(options[i], method)).map((v) => textWidth(v, fs, true))) +
		(anyTie ? fs * 0.5 + textWidth(texts.tie, small) : 0) +
		fs * 0.6;
	const rankWidth = Math.max(...options.map((o) => textWidth(rankText(o), fs, true)), fs) + fs * 0.7;
	const barHeight = Math.round(fs * 1.6);
	const labelWidth = narrow ? width - rankWidth : Math.min(width * 0.36, fs * 20);
	const x0 = narrow ? rankWidth : labelWidth + fs * 0.6;
	const x1 = Math.max(x0 + 40, width - valueWidth);
	const max = score ? 5 : Math.max(1, ...options.map((o) => o.total));
	const x = scaleLinear().domain([0, max]).range([x0, x1]);
	if (!score) x.nice();
	const integers = !score && options.every((o) => Number.isInteger(o.total));
	const ticks = x.ticks(narrow ? 4 : 6).filter((t) => !integers || Number.isInteger(t));
	const labels = options.map((o) => wrapLines(o.label, charsFor(narrow ? labelWidth : labelWidth - rankWidth - fs * 0.4, fs), narrow ? 3 : 2));
	const { rows, plotBottom } = stackBarRows(
		options,
		{ top, fs, narrow, lineHeight, barHeight },
		(_, i) => labels[i].length,
		(o, i, place): RankedBarRow => ({
			option: o,
			y: place.y,
			lines: labels[i],
			barY: place.barY,
			labelY: place.labelY,
			value: values[i],
			segments: stackSegments(o, organisations)
		})
	);
	const height = plotBottom + fs * 1.5 + fs * 1.8;
	return { fs, small, narrow, legend, top, rows, x, ticks, barHeight, lineHeight, rankWidth, plotBottom, height, tie: texts.tie };
}
