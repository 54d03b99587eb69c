/**
 * Layout of the organisation × option heatmap (pure: no DOM, no Svelte). Rows are options in
 * rank order, columns organisations, each cell coloured by the organisation's part of the
 * option's total relative to the largest part anywhere. Column widths stay between 2.8 and 7 em;
 * when the organisations do not fit the chart grows wider than its box (the component then
 * scrolls sideways). Organisation names go across the top when a column holds nine characters,
 * else at 45°, or upright on a phone, where a slanted last name would stick out to the right.
 */
import { scaleLinear, type ScaleLinear } from 'd3';
import type { Locale } from '#lib/paraglide/runtime.js';
import type { Method, OptionResult } from '#lib/domain/voting/types.js';
import { formatContribution, rankText } from '#lib/format/index.js';
import { charsFor, textWidth, truncate, wrapLines } from './chart-text';
import { heatColours } from './chart-data';

export interface HeatmapLayoutOptions {
	options: OptionResult[];
	/** the columns, in order (resultOrganisations) */
	organisations: string[];
	method: Method;
	locale: Locale;
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
}

export interface HeatmapCell {
	org: string;
	v: number;
	x: number;
	c: ReturnType<typeof heatColours>;
	text: string;
}

export interface HeatmapRow {
	option: OptionResult;
	y: number;
	lines: string[];
	cells: HeatmapCell[];
}

export interface HeatmapLayout {
	fs: number;
	small: number;
	/** the largest single contribution: the darkest colour */
	max: number;
	rankWidth: number;
	labelWidth: number;
	cellWidth: number;
	cellHeight: number;
	lineHeight: number;
	/** organisation names across the top; else turned by `angle` degrees */
	horizontal: boolean;
	angle: 0 | 45 | 90;
	heads: string[][];
	headHeight: number;
	/** the svg's width: more than the box when the chart scrolls */
	fullWidth: number;
	top: number;
	rows: HeatmapRow[];
	gridBottom: number;
	legend: ScaleLinear<number, number>;
	legendX: number;
	legendY: number;
	legendWidth: number;
	height: number;
	stops: { offset: number; c: ReturnType<typeof heatColours> }[];
}

export function heatmapLayout({ options, organisations, method, locale, width, fs }: HeatmapLayoutOptions): HeatmapLayout {
	const max = Math.max(0, ...options.flatMap((o) => organisations.map((org) => o.byOrganisation[org] ?? 0)));
	const small = Math.round(fs * 0.85);
	const narrow = width < 560;
	const n = Math.max(1, organisations.length);
	const rankWidth = Math.max(...options.map((o) => textWidth(rankText(o), small, true)), small) + small * 0.6;
	const labelWidth = narrow ? Math.min(width * 0.42, fs * 9) : Math.min(width * 0.3, fs * 16);
	const fit = (room: number) => Math.min(fs * 7, Math.max(fs * 2.8, room / n));
	let cellWidth = fit(width - labelWidth);
	const cellHeight = Math.round(fs * 2.3);
	const lineHeight = Math.round(small * 1.15);
	const headChars = charsFor(cellWidth - 8, small * 1.1);
	const horizontal = headChars >= 9;
	const angle = horizontal ? 0 : narrow ? 90 : 45;
	const heads = organisations.map((org) => (horizontal ? wrapLines(org, headChars, 3) : [truncate(org, narrow ? 16 : 18)]));
	const longest = Math.max(0, ...heads.map((h) => textWidth(h[0], small, true)));
	const headHeight = horizontal
		? Math.max(...heads.map((h) => h.length), 1) * lineHeight + small * 0.6
		: longest * Math.sin((angle * Math.PI) / 180) + small * 1.2;
	const rightPad = angle === 45 ? Math.max(0, longest * Math.SQRT1_2 - cellWidth / 2 + small) : 0;
	if (rightPad) cellWidth = fit(width - labelWidth - rightPad);
	const gridWidth = labelWidth + n * cellWidth;
	const fullWidth = Math.max(width, Math.ceil(gridWidth + rightPad));
	const top = Math.ceil(headHeight);
	const rows = options.map((o, i) => ({
		option: o,
		y: top + i * cellHeight,
		lines: wrapLines(o.label, charsFor(labelWidth - rankWidth - small * 0.5, small), 2),
		cells: organisations.map((org, j) => {
			const v = o.byOrganisation[org] ?? 0;
			return { org, v, x: labelWidth + j * cellWidth, c: heatColours(max > 0 ? v / max : 0), text: formatContribution(v, method, locale) };
		})
	}));
	const gridBottom = top + options.length * cellHeight;
	const legendWidth = Math.min(fs * 14, Math.max(fs * 8, fullWidth - labelWidth - fs));
	const legendX = narrow ? 0 : labelWidth;
	const legendY = gridBottom + fs * 2.2;
	const legend = scaleLinear()
		.domain([0, max || 1])
		.range([legendX, legendX + legendWidth]);
	const height = legendY + fs * 1.2 + small * 2;
	const stops = Array.from({ length: 7 }, (_, i) => ({ offset: i / 6, c: heatColours(i / 6) }));
	return {
		fs,
		small,
		max,
		rankWidth,
		labelWidth,
		cellWidth,
		cellHeight,
		lineHeight,
		horizontal,
		angle,
		heads,
		headHeight,
		fullWidth,
		top,
		rows,
		gridBottom,
		legend,
		legendX,
		legendY,
		legendWidth,
		height,
		stops
	};
}
