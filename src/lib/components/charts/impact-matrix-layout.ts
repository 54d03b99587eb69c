/**
 * Layout of the two-criteria matrix (pure: no DOM, no Svelte): 1–5 axes for the means of the
 * two criteria, a square plot on a phone and a wide one (320–480 px high) elsewhere, a badge per
 * option that both criteria scored, and its label (shortened) placed where it hits no other
 * label and no other badge. Options at the same spot are spread on a small circle.
 */
import { scaleLinear, type ScaleLinear } from 'd3';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { rankText } from '#lib/format/index.js';
import { textWidth, truncate } from './chart-text';
import { placeLabels, spreadCoincident, type Placed } from './chart-data';

export interface MatrixLayoutOptions {
	options: OptionResult[];
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
}

export interface MatrixPoint {
	o: OptionResult;
	x: number;
	y: number;
}

export interface MatrixLayout {
	fs: number;
	small: number;
	x: ScaleLinear<number, number>;
	y: ScaleLinear<number, number>;
	/** badge radius */
	r: number;
	plotWidth: number;
	plotHeight: number;
	/** left and top margins */
	ml: number;
	mt: number;
	height: number;
	/** the options scored on both criteria */
	points: MatrixPoint[];
	labels: string[];
	spots: Placed[];
}

export function matrixLayout({ options, width, fs }: MatrixLayoutOptions): MatrixLayout {
	const small = Math.round(fs * 0.85);
	const narrow = width < 560;
	const ml = fs * 1.7 + textWidth('5', small) + fs * 0.6;
	const mr = fs * 0.8;
	const mt = fs * 0.8;
	const mb = small * 1.6 + fs * 2;
	const plotWidth = Math.max(120, width - ml - mr);
	const plotHeight = Math.min(plotWidth, narrow ? plotWidth : Math.max(320, Math.min(480, plotWidth * 0.55)));
	const x = scaleLinear()
		.domain([1, 5])
		.range([ml, ml + plotWidth]);
	const y = scaleLinear()
		.domain([1, 5])
		.range([mt + plotHeight, mt]);
	const height = mt + plotHeight + mb;
	const placed = options.filter((o) => o.means[0] != null && o.means[1] != null);
	const r = Math.max(fs * 0.95, ...placed.map((o) => textWidth(rankText(o), small, true) / 2 + 5));
	const maxChars = narrow ? 14 : 28;
	const points = spreadCoincident(
		placed.map((o) => ({ o, x: x(o.means[0] as number), y: y(o.means[1] as number) })),
		r * 1.2
	);
	const labels = points.map((p) => truncate(p.o.label, maxChars));
	const spots = placeLabels(
		points.map((p, i) => ({ x: p.x, y: p.y, r, w: textWidth(labels[i], small), h: small * 1.3 })),
		{ x: 0, y: 0, w: width, h: mt + plotHeight }
	);
	return { fs, small, x, y, r, plotWidth, plotHeight, ml, mt, height, points, labels, spots };
}
