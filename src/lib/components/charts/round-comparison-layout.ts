/**
 * Layout of the round comparison (pure: no DOM, no Svelte). Ranks and totals are kept apart:
 * the slope between two columns of rank badges shows how ranks moved, the line under each label
 * says it in words ("▲ up 2 places"), and the totals sit in their own right-hand column under
 * the unit's name ("3 → 6"; on a phone, at the end of the change line, so that the label can
 * take the whole width). A legend above says which badge is which round. Labels wrap onto two
 * lines (three on a phone) instead of running past the edge, so nothing is clipped at 390 px.
 */
import { charsFor, wrapLines } from './chart-text';

export interface ComparisonItem {
	key: string;
	label: string;
	/** the option's place in round a's order (0-based), null when it is not in round a */
	slotA: number | null;
	inB: boolean;
	rankA: string | null;
	rankB: string | null;
	/** "3 → 6" */
	totals: string;
	/** "up 2 places", "new", … */
	change: string;
	/** 1 up, -1 down, 0 same, null when the option is only in one round */
	trend: -1 | 0 | 1 | null;
}

export interface ComparisonLayoutOptions {
	items: ComparisonItem[];
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
	/** the two legend entries: round a's rank, round b's rank */
	legend: [string, string];
	/** heading of the totals column: the unit ("Dots") */
	totalsHead: string;
	/** text width in px, as chart-text's textWidth */
	measure: (text: string, fontSize: number, bold?: boolean) => number;
}

export interface LegendEntry {
	lines: string[];
	x: number;
	y: number;
	/** round a's badge is outlined, round b's filled */
	filled: boolean;
}

export interface ComparisonRowLayout {
	item: ComparisonItem;
	/** top of the row, and the vertical middle where round b's badge sits */
	y: number;
	mid: number;
	height: number;
	/** where round a's badge sits (the middle of the row at the option's slot in round a) */
	yA: number | null;
	lines: string[];
	/** vertical middles of the label lines, of the change line and of the totals */
	lineYs: number[];
	changeY: number;
	totalsY: number;
}

export interface ComparisonLayout {
	/** totals on the change line, labels across the whole width */
	narrow: boolean;
	fs: number;
	small: number;
	lineHeight: number;
	/** badge radius */
	r: number;
	xA: number;
	xB: number;
	labelX: number;
	/** right edge of the totals column (text-anchor end) */
	totalsX: number;
	legend: LegendEntry[];
	legendSwatch: number;
	/** line height of the legend's (small) text */
	legendLine: number;
	headY: number;
	rows: ComparisonRowLayout[];
	height: number;
}

export function comparisonLayout({ items, width, fs, legend, totalsHead, measure }: ComparisonLayoutOptions): ComparisonLayout {
	const small = Math.round(fs * 0.85);
	const lineHeight = Math.round(fs * 1.2);
	const smallLine = Math.round(small * 1.25);
	const ranks = items.flatMap((it) => [it.rankA, it.rankB]).filter((x): x is string => x != null);
	const r = Math.max(fs * 0.95, ...ranks.map((t) => measure(t, small, true) / 2 + 5));

	// Legend: the two badges and what they stand for, side by side when both fit, else stacked.
	const swatch = small;
	const entryText = (text: string) => wrapLines(text, charsFor(width - swatch * 1.6, small * 1.05), 2);
	const entries = legend.map(entryText);
	const entryWidth = (lines: string[]) => swatch * 1.6 + Math.max(...lines.map((l) => measure(l, small)));
	const oneRow = entries.every((l) => l.length === 1) && entryWidth(entries[0]) + fs * 1.5 + entryWidth(entries[1]) <= width;
	const legendEntries: LegendEntry[] = oneRow
		? [
				{ lines: entries[0], x: 0, y: 0, filled: false },
				{ lines: entries[1], x: entryWidth(entries[0]) + fs * 1.5, y: 0, filled: true }
			]
		: [
				{ lines: entries[0], x: 0, y: 0, filled: false },
				{ lines: entries[1], x: 0, y: entries[0].length * smallLine + small * 0.4, filled: true }
			];
	const legendHeight = oneRow ? smallLine : entries[0].length * smallLine + small * 0.4 + entries[1].length * smallLine;

	// Columns: rank a, the slope, rank b, the label, the totals at the right edge.
	const totalsWidth = Math.max(measure(totalsHead, small, true), ...items.map((it) => measure(it.totals, small)));
	const xA = r + 2;
	const slope = Math.min(fs * 11, Math.max(fs * 3, width * 0.18));
	const xB = xA + slope;
	const labelX = xB + r + fs * 0.6;
	const totalsX = width;
	const narrow = width < fs * 40;
	const besideTotals = Math.max(fs * 4, totalsX - totalsWidth - fs * 0.8 - labelX);
	// Labels are set semi-bold, and charsFor counts average text: allow for wider letters.
	const chars = charsFor((narrow ? width - labelX : besideTotals) - fs * 0.3, fs * 1.2);
	const maxLines = narrow ? 3 : 2;

	const headY = legendHeight + fs * 0.9 + small / 2;
	let y = headY + small / 2 + fs * 0.5;
	const minHeight = Math.max(2 * r + fs * 0.5, fs * 2.7);
	const rows = items.map((item) => {
		const lines = wrapLines(item.label, chars, maxLines);
		const textHeight = lines.length * lineHeight + smallLine;
		const height = Math.round(Math.max(minHeight, textHeight + fs * 0.5));
		const mid = y + height / 2;
		const top = mid - textHeight / 2;
		const row: ComparisonRowLayout = {
			item,
			y,
			mid,
			height,
			yA: null,
			lines,
			lineYs: lines.map((_, k) => top + lineHeight * (k + 0.5)),
			changeY: top + lines.length * lineHeight + smallLine / 2,
			totalsY: narrow ? top + lines.length * lineHeight + smallLine / 2 : mid
		};
		y += height;
		return row;
	});
	// Round a's badges stand at the rows in round a's order: slot i at the middle of row i.
	for (const row of rows) if (row.item.slotA != null) row.yA = rows[Math.min(row.item.slotA, rows.length - 1)]?.mid ?? null;
	return {
		narrow,
		fs,
		small,
		lineHeight,
		r,
		xA,
		xB,
		labelX,
		totalsX,
		legend: legendEntries,
		legendSwatch: swatch,
		legendLine: smallLine,
		headY,
		rows,
		height: Math.ceil(y + fs * 0.4)
	};
}
