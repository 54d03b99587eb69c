import { describe, expect, test } from 'vitest';
import { comparisonLayout, type ComparisonItem } from './round-comparison-layout';
import { textWidth } from './chart-text';
import { chartFontSize } from './chart-frame-layout';

const item = (
	key: string,
	label: string,
	slotA: number | null,
	rankB: string | null,
	totals: string,
	change: string,
	trend: ComparisonItem['trend']
): ComparisonItem => ({
	key,
	label,
	slotA,
	inB: rankB != null,
	rankA: slotA == null ? null : String(slotA + 1),
	rankB,
	totals,
	change,
	trend
});

// Round 1 → Round 2 of the screenshots that showed the clipping, in Hungarian.
const items = [
	item('c', 'Courage', 1, '1', '3 → 6', '1 hellyel előrébb', 1),
	item('s', 'Sustainability', 2, '2', '3 → 5', 'változatlan', 0),
	item('t', 'Trust', 3, '3', '2,5 → 4', '1 hellyel előrébb', 1),
	item('o', 'Openness and transparency in every decision we make together', 0, '4', '4,5 → 3', '3 hellyel hátrébb', -1),
	item('l', 'Shared learning', 4, null, '2 → –', 'kimaradt', null)
];
const legend: [string, string] = ['Helyezés (1. forduló · First pass)', 'Helyezés (2. forduló · Secret ballot)'];

function layoutAt(width: number, large = false) {
	return comparisonLayout({ items, width, fs: chartFontSize(width, large), legend, totalsHead: 'Pontok', measure: textWidth });
}

describe('round comparison layout', () => {
	test.each([
		[318, false],
		[720, false],
		[1100, false],
		[1850, true]
	])('at %i px (large: %s) nothing runs past the right edge and labels keep clear of the totals', (width, large) => {
		const L = layoutAt(width, large);
		const totalsLeft = L.totalsX - Math.max(...items.map((i) => textWidth(i.totals, L.small)), textWidth('Pontok', L.small, true));
		expect(L.narrow).toBe(width < 400);
		for (const row of L.rows) {
			// Beside the totals on a wide screen; above them (the whole width) on a phone.
			for (const line of row.lines) expect(L.labelX + textWidth(line, L.fs, true)).toBeLessThanOrEqual(L.narrow ? width : totalsLeft);
			if (L.narrow) expect(Math.max(...row.lineYs) + L.lineHeight / 2).toBeLessThanOrEqual(row.totalsY - L.small / 2);
			expect(L.labelX + textWidth(row.item.change, L.small, true) + L.small).toBeLessThanOrEqual(totalsLeft);
		}
		expect(L.totalsX).toBeLessThanOrEqual(width);
		for (const e of L.legend) for (const line of e.lines) expect(e.x + L.legendSwatch * 1.6 + textWidth(line, L.small)).toBeLessThanOrEqual(width);
		// The long label is wrapped (three lines on a phone), not cut to a few letters.
		expect(L.rows[3].lines.length).toBeLessThanOrEqual(L.narrow ? 3 : 2);
		if (L.narrow) expect(L.rows[3].lines.join(' ').length).toBeGreaterThanOrEqual(items[3].label.length * 0.75);
		else expect(L.rows[3].lines.join(' ')).toBe(items[3].label);
	});

	test('on a phone the legend stacks; on a wide screen it takes one row', () => {
		expect(new Set(layoutAt(318).legend.map((e) => e.y)).size).toBe(2);
		expect(new Set(layoutAt(1100).legend.map((e) => e.y)).size).toBe(1);
	});

	test('rows follow each other below the legend, each tall enough for its label, change line and badge', () => {
		const L = layoutAt(318);
		let bottom = L.headY;
		for (const row of L.rows) {
			expect(row.y).toBeGreaterThanOrEqual(bottom);
			expect(row.height).toBeGreaterThanOrEqual(2 * L.r);
			expect(row.lineYs[0] - L.lineHeight / 2).toBeGreaterThanOrEqual(row.y);
			expect(row.changeY).toBeLessThanOrEqual(row.y + row.height);
			bottom = row.y + row.height;
		}
		expect(L.height).toBeGreaterThanOrEqual(bottom);
	});

	test("round a's badges stand at the rows of round a's order", () => {
		const L = layoutAt(720);
		const mid = (i: number) => L.rows[i].mid;
		expect(L.rows.map((r) => r.yA)).toEqual([mid(1), mid(2), mid(3), mid(0), mid(4)]);
		const onlyInB = comparisonLayout({
			items: [item('n', 'New', null, '1', '– → 2', 'új', null)],
			width: 720,
			fs: 14,
			legend,
			totalsHead: 'Pontok',
			measure: textWidth
		});
		expect(onlyInB.rows[0].yA).toBeNull();
	});
});
