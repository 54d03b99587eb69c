/**
 * Pure layout and colour helpers for the result charts (no DOM, no Svelte): organisation
 * palette, stacked and diverging segments, round matching, legend flow and label placement.
 */
import { interpolateGnBu } from 'd3';
import type { OptionResult, TallyResult } from '#lib/domain/voting/types.js';
import type { ComparisonRow } from './chart-text';

/**
 * Okabe–Ito, the palette designed to stay distinct for the common colour-vision deficiencies;
 * its black is replaced by a mid grey so the eighth colour also shows on a dark background.
 */
export const ORGANISATION_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#8C8C8C'] as const;

/**
 * After eight organisations the colours repeat with a texture, so neighbours stay distinct.
 * `pooled`: an anonymous round's bucket of organisations reported together, a neutral hatch
 * that no organisation's colour can be mistaken for.
 */
export type Texture = 'solid' | 'stripes' | 'dots' | 'pooled';
const TEXTURES: Texture[] = ['solid', 'stripes', 'dots'];

/** The pooled bucket's grey (its hatch is drawn over it in a darker grey). */
export const POOLED_COLOUR = '#d6d3d1';

export interface OrganisationStyle {
	name: string;
	/** position in the sorted list: what makes the colour stable */
	index: number;
	colour: string;
	texture: Texture;
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Organisation names in the fixed order the colours follow (independent of the page language). */
export function sortOrganisations(names: Iterable<string>): string[] {
	return [...new Set(names)].sort((a, b) => byName.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Colour and texture of each organisation, by its place in the sorted list of `names`; the
 * `pooled` bucket (if among them) comes last with the neutral hatch and takes no colour.
 */
export function organisationStyles(names: Iterable<string>, pooled?: string): OrganisationStyle[] {
	const n = ORGANISATION_COLOURS.length;
	const all = sortOrganisations(names);
	const styles: OrganisationStyle[] = all
		.filter((name) => name !== pooled)
		.map((name, index) => ({
			name,
			index,
			colour: ORGANISATION_COLOURS[index % n],
			texture: TEXTURES[Math.floor(index / n) % TEXTURES.length]
		}));
	if (pooled !== undefined && all.includes(pooled)) styles.push({ name: pooled, index: styles.length, colour: POOLED_COLOUR, texture: 'pooled' });
	return styles;
}

/** Every organisation a result mentions (those that voted and any in `byOrganisation`), the pooled bucket last. */
export function resultOrganisations(result: TallyResult): string[] {
	const names = new Set(result.organisations);
	for (const o of result.options) for (const k of Object.keys(o.byOrganisation)) names.add(k);
	const sorted = sortOrganisations(names);
	const pooled = result.pooled;
	return pooled !== undefined && names.has(pooled) ? [...sorted.filter((name) => name !== pooled), pooled] : sorted;
}

export interface Segment {
	organisation: string;
	value: number;
	/** cumulative start and end in data units */
	from: number;
	to: number;
}

/** An option's total split into consecutive segments in the organisations' fixed order. */
export function stackSegments(option: Pick<OptionResult, 'byOrganisation'>, organisations: string[]): Segment[] {
	const out: Segment[] = [];
	let at = 0;
	for (const organisation of organisations) {
		const value = option.byOrganisation[organisation] ?? 0;
		if (!(value > 0)) continue;
		out.push({ organisation, value, from: at, to: at + value });
		at += value;
	}
	return out;
}

export interface DivergingSegment {
	/** 1..5 */
	score: number;
	/** weighted ballots with this score */
	count: number;
	share: number;
	/** shares from the centre line: negative to the left */
	from: number;
	to: number;
}

/**
 * A score distribution (index 0 = score 1) as a diverging bar of shares: 1–2 left of the centre
 * line, 3 centred on it, 4–5 to the right. Empty when nobody scored.
 */
export function divergingSegments(distribution: number[] | undefined): DivergingSegment[] {
	const d = [0, 1, 2, 3, 4].map((i) => Math.max(0, distribution?.[i] ?? 0));
	const n = d.reduce((s, x) => s + x, 0);
	if (n <= 0) return [];
	const s = d.map((x) => x / n);
	const half = s[2] / 2;
	const seg = (score: number, from: number, to: number): DivergingSegment => ({ score, count: d[score - 1], share: s[score - 1], from, to });
	return [
		seg(1, -half - s[1] - s[0], -half - s[1]),
		seg(2, -half - s[1], -half),
		seg(3, -half, half),
		seg(4, half, half + s[3]),
		seg(5, half + s[3], half + s[3] + s[4])
	].filter((x) => x.count > 0);
}

/** Low-to-high score colours: brown to teal (ColorBrewer BrBG, safe for colour-blindness) with a grey middle that shows on light and dark. */
export const SCORE_COLOURS = ['#a6611a', '#dfc27d', '#d6d3d1', '#80cdc1', '#018571'] as const;

const normalise = (label: string) => label.replace(/\s+/g, ' ').trim().toLocaleLowerCase();

/**
 * Pairs the options of two rounds, by id and else by label (options carried over from an
 * earlier round may get new ids). Rows follow round b's ranking; options only in a follow in
 * a's order.
 */
export function compareRounds(a: TallyResult, b: TallyResult): ComparisonRow[] {
	const unmatched = new Set(a.options);
	const take = (pred: (x: OptionResult) => boolean) => {
		for (const x of unmatched)
			if (pred(x)) {
				unmatched.delete(x);
				return x;
			}
		return null;
	};
	const rows: ComparisonRow[] = b.options.map((ob) => ({ key: `b:${ob.id}`, label: ob.label, a: null, b: ob, change: null }));
	for (const row of rows) row.a = take((x) => x.id === row.b!.id);
	for (const row of rows) if (!row.a) row.a = take((x) => normalise(x.label) === normalise(row.b!.label));
	for (const row of rows) if (row.a) row.change = row.a.rank - row.b!.rank;
	for (const oa of a.options) if (unmatched.has(oa)) rows.push({ key: `a:${oa.id}`, label: oa.label, a: oa, b: null, change: null });
	return rows;
}

/** Left-to-right placement of legend items, wrapping onto new rows. */
export function flowLegend(widths: number[], maxWidth: number, gap: number): { x: number; row: number }[] {
	let x = 0;
	let row = 0;
	return widths.map((w) => {
		if (x > 0 && x + w > maxWidth) {
			x = 0;
			row++;
		}
		const at = { x, row };
		x += w + gap;
		return at;
	});
}

export interface Box {
	x: number;
	y: number;
	w: number;
	h: number;
}

const overlap = (p: Box, q: Box) =>
	Math.max(0, Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x)) * Math.max(0, Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y));

export interface Placed {
	box: Box;
	anchor: 'start' | 'end' | 'middle';
	/** text position: x at the anchor, y at the vertical middle */
	tx: number;
	ty: number;
}

/**
 * Greedy label placement for a scatter: each label tries right, left, above and below its
 * point (then diagonals) and takes the first spot that hits no other label, no point and stays
 * inside `bounds`; failing that, the spot with the least overlap.
 */
export function placeLabels(points: { x: number; y: number; r: number; w: number; h: number }[], bounds: Box): Placed[] {
	const dots: Box[] = points.map((p) => ({ x: p.x - p.r, y: p.y - p.r, w: 2 * p.r, h: 2 * p.r }));
	const placed: Box[] = [];
	const result: Placed[] = new Array(points.length);
	// Place crowded points first: those with the most neighbours have the fewest free spots.
	const order = points
		.map((p, i) => ({ i, n: points.filter((q) => Math.hypot(q.x - p.x, q.y - p.y) < p.w + p.r * 2).length }))
		.sort((s, t) => t.n - s.n || s.i - t.i)
		.map((s) => s.i);
	for (const i of order) {
		const p = points[i];
		const g = 4;
		const candidates: Placed[] = [
			{ box: { x: p.x + p.r + g, y: p.y - p.h / 2, w: p.w, h: p.h }, anchor: 'start', tx: p.x + p.r + g, ty: p.y },
			{ box: { x: p.x - p.r - g - p.w, y: p.y - p.h / 2, w: p.w, h: p.h }, anchor: 'end', tx: p.x - p.r - g, ty: p.y },
			{ box: { x: p.x - p.w / 2, y: p.y - p.r - g - p.h, w: p.w, h: p.h }, anchor: 'middle', tx: p.x, ty: p.y - p.r - g - p.h / 2 },
			{ box: { x: p.x - p.w / 2, y: p.y + p.r + g, w: p.w, h: p.h }, anchor: 'middle', tx: p.x, ty: p.y + p.r + g + p.h / 2 },
			{ box: { x: p.x + p.r * 0.7, y: p.y - p.r * 0.7 - p.h, w: p.w, h: p.h }, anchor: 'start', tx: p.x + p.r * 0.7, ty: p.y - p.r * 0.7 - p.h / 2 },
			{ box: { x: p.x + p.r * 0.7, y: p.y + p.r * 0.7, w: p.w, h: p.h }, anchor: 'start', tx: p.x + p.r * 0.7, ty: p.y + p.r * 0.7 + p.h / 2 },
			{ box: { x: p.x - p.r * 0.7 - p.w, y: p.y - p.r * 0.7 - p.h, w: p.w, h: p.h }, anchor: 'end', tx: p.x - p.r * 0.7, ty: p.y - p.r * 0.7 - p.h / 2 },
			{ box: { x: p.x - p.r * 0.7 - p.w, y: p.y + p.r * 0.7, w: p.w, h: p.h }, anchor: 'end', tx: p.x - p.r * 0.7, ty: p.y + p.r * 0.7 + p.h / 2 }
		];
		let best = candidates[0];
		let bestCost = Infinity;
		for (const c of candidates) {
			const b = c.box;
			const outside = b.w * b.h - overlap(b, bounds);
			const hits = placed.reduce((s, q) => s + overlap(b, q), 0) + dots.reduce((s, q, j) => s + (j === i ? 0 : overlap(b, q)), 0);
			const cost = hits + outside * 2;
			if (cost < bestCost) {
				best = c;
				bestCost = cost;
				if (cost === 0) break;
			}
		}
		placed.push(best.box);
		result[i] = best;
	}
	return result;
}

/** Points at (nearly) the same place are spread on a small circle so each stays visible. */
export function spreadCoincident<T extends { x: number; y: number }>(points: T[], r: number): T[] {
	const out = points.map((p) => ({ ...p }));
	const done = new Set<number>();
	for (let i = 0; i < out.length; i++) {
		if (done.has(i)) continue;
		const group = [i];
		for (let j = i + 1; j < out.length; j++) if (!done.has(j) && Math.hypot(points[j].x - points[i].x, points[j].y - points[i].y) < r) group.push(j);
		if (group.length > 1) {
			const radius = r * (group.length > 2 ? 1.2 : 1);
			group.forEach((k, n) => {
				const angle = -Math.PI / 2 + (2 * Math.PI * n) / group.length;
				out[k].x = points[i].x + radius * Math.cos(angle);
				out[k].y = points[i].y + radius * Math.sin(angle);
			});
		}
		group.forEach((k) => done.add(k));
	}
	return out;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
	const n = parseInt(hex.replace('#', ''), 16);
	const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
		const c = v / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

/** Text colour (black or white) that reads best on `fill`: at least 4.58:1 on any colour. */
export function textOn(fill: string): string {
	const dark = '#000000';
	return contrastRatio(fill, dark) >= contrastRatio(fill, '#ffffff') ? dark : '#ffffff';
}

/**
 * ColorBrewer GnBu (sequential, readable with colour-blindness): light to dark on a light page,
 * and the other way round on a dark one, so that more always stands out more.
 */
const heatLight = (k: number) => interpolateGnBu(0.1 + 0.9 * k);
const heatDark = (k: number) => interpolateGnBu(0.95 - 0.8 * k);

function toHex(colour: string): string {
	const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(colour);
	if (!m) return colour;
	return '#' + [m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, '0')).join('');
}

/** A heatmap cell's fill and text colour in light and dark mode for a value at `t` (0..1) of the maximum. */
export function heatColours(t: number): { light: string; dark: string; lightText: string; darkText: string } {
	const k = Math.min(1, Math.max(0, t));
	const light = toHex(heatLight(k));
	const dark = toHex(heatDark(k));
	return { light, dark, lightText: textOn(light), darkText: textOn(dark) };
}

/** The fill of an organisation's marks: its colour, or its texture pattern defined by <OrganisationDefs>. */
export function organisationFill(style: OrganisationStyle, uid: string): string {
	return style.texture === 'solid' ? style.colour : `url(#${uid}-org-${style.index})`;
}

export interface LegendItem {
	label: string;
	x: number;
	y: number;
	style: OrganisationStyle;
}

/**
 * Legend entries (swatch + name) flowed into rows `width` px wide, after an optional `lead`
 * that says what the colours split ("Dots by organisation:"); names are shortened to at most
 * `maxChars`. `height` is the legend's total height.
 */
export function legendLayout(
	styles: OrganisationStyle[],
	width: number,
	fontSize: number,
	measure: (text: string, fontSize: number) => number,
	shorten: (text: string, max: number) => string,
	maxChars = 28,
	lead?: string
): { items: LegendItem[]; height: number; rowHeight: number; lead: { label: string; x: number; y: number } | null } {
	const swatch = fontSize;
	const rowHeight = Math.round(fontSize * 1.7);
	const labels = styles.map((s) => shorten(s.name, maxChars));
	const widths = labels.map((l) => Math.min(width, swatch + fontSize * 0.4 + measure(l, fontSize)));
	const leadWidth = lead && styles.length ? [Math.min(width, measure(lead, fontSize) * 1.1)] : [];
	const flow = flowLegend([...leadWidth, ...widths], width, fontSize * 1.2);
	const rows = flow.length ? flow[flow.length - 1].row + 1 : 0;
	const at = flow.slice(leadWidth.length);
	return {
		items: styles.map((style, i) => ({ label: labels[i], x: at[i].x, y: at[i].row * rowHeight, style })),
		height: rows * rowHeight,
		rowHeight,
		lead: leadWidth.length ? { label: lead!, x: 0, y: 0 } : null
	};
}
