import { describe, expect, test } from 'vitest';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { distributionLayout } from './score-distribution-layout';
import { textWidth } from './chart-text';
import { chartFontSize } from './chart-frame-layout';

function option(id: string, label: string, rank: number, means: (number | null)[], distribution: number[][]): OptionResult {
	return { id, label, rank, total: means[0] ?? 0, tied: false, byOrganisation: {}, means, distribution, supporters: 0 };
}

// criterion 0: "Hatás", criterion 1: "Megvalósíthatóság"
const options = [
	option(
		'a',
		'Együttműködés a klaszterek között',
		1,
		[4.2, 3],
		[
			[0, 0, 1, 2, 3],
			[0, 0, 4, 0, 0]
		]
	),
	option(
		'b',
		'Közös képzési program a kis- és középvállalkozásoknak',
		2,
		[1.8, 3],
		[
			[2, 3, 1, 0, 0],
			[0, 0, 2, 0, 0]
		]
	),
	option(
		'c',
		'Üzleti inkubátor',
		3,
		[null, null],
		[
			[0, 0, 0, 0, 0],
			[0, 0, 0, 0, 0]
		]
	)
];
const texts = { lowest: 'legalacsonyabb', highest: 'legmagasabb', mean: (value: string) => `átlag ${value}` };

function layoutAt(width: number, criterion = 0) {
	return distributionLayout({ options, criterion, locale: 'hu', width, fs: chartFontSize(width), texts });
}

describe('score distribution layout', () => {
	test('the axis reaches as far as the widest side, in quarters, centred on score 3', () => {
		const L = layoutAt(720);
		expect(L.narrow).toBe(false);
		// "Közös képzési program…" has 5 of 6 ballots at 1–2 plus half of its 3s: 11/12 to the left
		expect(L.x.domain()).toEqual([-1, 1]);
		expect(L.ticks).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]);
		const [x0, x1] = L.x.range();
		expect(L.x(0)).toBeCloseTo((x0 + x1) / 2);
		// the mean's column at the right: "átlag 4,2" in the small bold type, plus a gap
		expect(x1).toBeCloseTo(720 - (Math.max(28, textWidth('átlag 4,2', 12, true)) + 14 * 0.6));
	});

	test('a criterion scored near the middle gets a narrower axis', () => {
		const L = layoutAt(720, 1);
		expect(L.x.domain()).toEqual([-0.5, 0.5]);
		expect(L.ticks).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
		expect(L.rows[0].segments).toHaveLength(1);
		expect(L.rows[0].segments[0].text).toMatch(/^100\s?%$/);
		expect(L.rows[0].mean).toBe('átlag 3,0');
	});

	test('segments are as wide as their share, and say their percentage only where it fits', () => {
		const L = layoutAt(720);
		const [x0, x1] = L.x.range();
		const perShare = (x1 - x0) / 2;
		const high = L.rows[0].segments;
		expect(high.map((s) => s.score)).toEqual([3, 4, 5]);
		expect(high[2].w).toBeCloseTo(perShare / 2);
		expect(high[2].text).toMatch(/^50\s?%$/);
		for (const s of [...high, ...L.rows[1].segments]) expect(s.fits).toBe(s.w >= textWidth(s.text, L.small, true) + 6);
		expect(L.rows[0].mean).toBe('átlag 4,2');
	});

	test('an option nobody scored has no bar and no mean', () => {
		const L = layoutAt(720);
		expect(L.rows[2].segments).toEqual([]);
		expect(L.rows[2].mean).toBe('');
	});

	test('the legend fits in a row on a laptop; on a narrow phone the two words go under the swatches', () => {
		const wide = layoutAt(720);
		expect(wide.inline).toBe(true);
		expect(wide.box).toBe(27);
		expect(wide.legendX).toBeCloseTo(textWidth('legalacsonyabb', 12) + 7);
		expect(wide.top).toBeCloseTo(27 + 14 * 1.2);
		const phone = layoutAt(200);
		expect(phone.inline).toBe(false);
		expect(phone.legendX).toBe(0);
		expect(phone.top).toBeCloseTo(27 + 12 * 1.4 + 14 * 1.2);
	});

	test('on a phone the labels go above their bars, and the ticks every half', () => {
		const L = layoutAt(390);
		expect(L.narrow).toBe(true);
		expect(L.ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
		for (const row of L.rows) {
			expect(row.lines.length).toBeLessThanOrEqual(3);
			expect(row.barY).toBe(row.lines.length * L.lineHeight + 6);
		}
		expect(L.rows[1].lines.join(' ')).toBe('Közös képzési program a kis- és középvállalkozásoknak');
		expect(L.rows[1].y).toBe(L.rows[0].y + L.rows[0].barY + L.barHeight + 15);
	});
});
