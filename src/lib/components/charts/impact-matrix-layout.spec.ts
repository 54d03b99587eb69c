import { describe, expect, test } from 'vitest';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { matrixLayout } from './impact-matrix-layout';
import { textWidth } from './chart-text';
import { chartFontSize } from './chart-frame-layout';

function option(id: string, label: string, rank: number, means: (number | null)[]): OptionResult {
	return { id, label, rank, total: means[0] ?? 0, tied: false, byOrganisation: {}, means, distribution: [], supporters: 0 };
}

// "Hatás" across, "Megvalósíthatóság" up
const options = [
	option('a', 'Együttműködés a klaszterek között', 1, [4.2, 2.5]),
	option('b', 'Zöld átállás a feldolgozóiparban', 2, [3.6, 4.4]),
	option('c', 'Üzleti inkubátor', 3, [3.6, 4.4]),
	option('d', 'Közös képzési program', 4, [null, null])
];

const layoutAt = (width: number) => matrixLayout({ options, width, fs: chartFontSize(width) });
const overlap = (p: { x: number; y: number; w: number; h: number }, q: typeof p) =>
	Math.max(0, Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x)) * Math.max(0, Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y));

describe('impact matrix layout', () => {
	test('on a laptop the plot is wide: 1–5 on both axes inside the margins', () => {
		const L = layoutAt(720);
		// left margin: the rotated axis title, the widest tick ("5") and a gap
		const ml = 14 * 1.7 + textWidth('5', 12) + 14 * 0.6;
		expect(L.ml).toBeCloseTo(ml);
		expect(L.plotWidth).toBeCloseTo(720 - ml - 14 * 0.8);
		expect(L.plotHeight).toBeCloseTo(L.plotWidth * 0.55);
		expect(L.x.range()).toEqual([L.ml, L.ml + L.plotWidth]);
		expect(L.y(5)).toBeCloseTo(11.2);
		expect(L.y(1)).toBeCloseTo(11.2 + L.plotHeight);
		expect(L.height).toBeCloseTo(11.2 + L.plotHeight + 12 * 1.6 + 28);
	});

	test('on a phone the plot is square', () => {
		const L = layoutAt(390);
		expect(L.plotHeight).toBe(L.plotWidth);
	});

	test('only options scored on both criteria are placed, at their means', () => {
		const L = layoutAt(720);
		expect(L.points.map((p) => p.o.id)).toEqual(['a', 'b', 'c']);
		expect(L.points[0].x).toBeCloseTo(L.ml + (3.2 / 4) * L.plotWidth);
		expect(L.points[0].y).toBeCloseTo(11.2 + (2.5 / 4) * L.plotHeight);
	});

	test('two options at the same spot are pulled apart, and no two labels overlap', () => {
		const L = layoutAt(720);
		const [, b, c] = L.points;
		expect(b.x).toBeCloseTo(c.x);
		expect(Math.abs(b.y - c.y)).toBeCloseTo(2 * L.r * 1.2);
		expect(L.r).toBeCloseTo(14 * 0.95);
		const boxes = L.spots.map((s) => s.box);
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j])).toBe(0);
		for (const box of boxes) expect(box.x + box.w).toBeLessThanOrEqual(720);
	});

	test('labels are shortened at a word: 28 characters on a laptop, 14 on a phone', () => {
		expect(layoutAt(720).labels[0]).toBe('Együttműködés a klaszterek…');
		expect(layoutAt(390).labels[0]).toBe('Együttműködés…');
		expect(layoutAt(720).labels[2]).toBe('Üzleti inkubátor');
	});
});
