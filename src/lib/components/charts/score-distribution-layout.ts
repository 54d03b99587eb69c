/**
 * Layout of one criterion's score distribution (pure: no DOM, no Svelte). A diverging bar per
 * option, as shares of its ballots: 1–2 left of the centre line, 3 straddling it, 4–5 right of
 * it; the mean at the right edge, the legend of the five score colours above ("lowest [1]…[5]
 * highest" in a row, or the two words under the swatches when that is too wide). The axis runs
 * symmetrically to the largest side in quarters, so a lopsided criterion is not squeezed into
 * a tenth of the width. A percentage goes inside its segment only when it fits.
 */
import { stackBarRows } from './bar-rows';
import { scaleLinear, type ScaleLinear } from 'd3';
import type { Locale } from '#lib/paraglide/runtime.js';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { formatPercent, formatTotal } from '#lib/format/index.js';
import { charsFor, textWidth, wrapLines } from './chart-text';
import { divergingSegments, type DivergingSegment } from './chart-data';

export interface DistributionLayoutOptions {
	options: OptionResult[];
	/** index into the result's criteria */
	criterion: number;
	locale: Locale;
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
	/** the legend's two ends, and an option's mean as the chart says it ("átlag 4,2") */
	texts: { lowest: string; highest: string; mean: (value: string) => string };
}

export interface DistributionSegment extends DivergingSegment {
	/** width in px */
	w: number;
	/** the share as a percentage */
	text: string;
	/** the percentage fits inside the segment */
	fits: boolean;
}

export interface DistributionRow {
	option: OptionResult;
	y: number;
	lines: string[];
	barY: number;
	labelY: number;
	segments: DistributionSegment[];
	/** "átlag 4,2", or '' when nobody has scored the option */
	mean: string;
}

export interface DistributionLayout {
	fs: number;
	small: number;
	narrow: boolean;
	/** a legend swatch's side */
	box: number;
	/** the legend in one row */
	inline: boolean;
	legendX: number;
	lowest: string;
	highest: string;
	top: number;
	rows: DistributionRow[];
	x: ScaleLinear<number, number>;
	ticks: number[];
	barHeight: number;
	lineHeight: number;
	plotBottom: number;
	height: number;
}

export function distributionLayout({ options, criterion, locale, width, fs, texts }: DistributionLayoutOptions): DistributionLayout {
	const small = Math.round(fs * 0.85);
	const narrow = width < 560;
	const lineHeight = Math.round(fs * 1.25);
	const barHeight = Math.round(fs * 1.6);
	const { lowest, highest } = texts;
	const box = Math.round(fs * 1.9);
	const lowestWidth = textWidth(lowest, small);
	const inline = lowestWidth + 5 * box + textWidth(highest, small) + fs <= width;
	const legendX = inline ? lowestWidth + fs * 0.5 : 0;
	const top = box + (inline ? 0 : small * 1.4) + fs * 1.2;
	const means = options.map((o) => o.means[criterion]);
	const meanTexts = means.map((v) => (v == null ? '' : texts.mean(formatTotal(v, 'score', locale))));
	const meanWidth = Math.max(fs * 2, ...meanTexts.map((t) => textWidth(t, small, true))) + fs * 0.6;
	const labelWidth = narrow ? width : Math.min(width * 0.34, fs * 18);
	const pad = textWidth(formatPercent(1, locale), small) / 2 + 2;
	const x0 = (narrow ? 0 : labelWidth + fs * 0.6) + pad;
	const x1 = width - Math.max(meanWidth, pad);
	const rows0 = options.map((o) => divergingSegments(o.distribution[criterion]));
	const side = Math.max(0.25, ...rows0.flatMap((segs) => segs.map((s) => Math.max(-s.from, s.to))));
	const extent = Math.min(1, Math.ceil(side * 4) / 4);
	const x = scaleLinear().domain([-extent, extent]).range([x0, x1]);
	const step = narrow || extent <= 0.5 ? (extent <= 0.5 ? 0.25 : 0.5) : 0.25;
	const ticks: number[] = [];
	for (let t = -extent; t <= extent + 1e-9; t += step) ticks.push(Math.round(t * 100) / 100);
	const labels = options.map((o) => wrapLines(o.label, charsFor(labelWidth - fs * 0.4, fs), narrow ? 3 : 2));
	const { rows, plotBottom } = stackBarRows(
		options,
		{ top, fs, narrow, lineHeight, barHeight },
		(_, i) => labels[i].length,
		(o, i, place): DistributionRow => ({
			option: o,
			y: place.y,
			lines: labels[i],
			barY: place.barY,
			labelY: place.labelY,
			segments: rows0[i].map((s) => {
				const w = x(s.to) - x(s.from);
				const text = formatPercent(s.share, locale);
				return { ...s, w, text, fits: w >= textWidth(text, small, true) + 6 };
			}),
			mean: meanTexts[i]
		})
	);
	const height = plotBottom + fs * 1.5 + fs * 1.8;
	return { fs, small, narrow, box, inline, legendX, lowest, highest, top, rows, x, ticks, barHeight, lineHeight, plotBottom, height };
}
