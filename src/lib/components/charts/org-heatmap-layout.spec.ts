import { describe, expect, test } from 'vitest';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { heatmapLayout } from './org-heatmap-layout';
import { heatColours } from './chart-data';
import { chartFontSize } from './chart-frame-layout';

function option(id: string, label: string, rank: number, byOrganisation: Record<string, number>): OptionResult {
	const total = Object.values(byOrganisation).reduce((a, b) => a + b, 0);
	return { id, label, rank, total, tied: false, byOrganisation, means: [], distribution: [], supporters: 0 };
}

const four = ['Győri Járműipari Klaszter', 'Pannon Fejlesztési Ügynökség', 'Szegedi Tudományegyetem', 'Észak-alföldi Kamara'];
const [gyor, pannon, szeged, kamara] = four;
const options = [
	option('a', 'Együttműködés a klaszterek között', 1, { [gyor]: 6, [pannon]: 5, [szeged]: 3 }),
	option('b', 'Közös képzési program a kis- és középvállalkozásoknak', 2, { [pannon]: 9 }),
	option('c', 'Zöld átállás', 3, { [gyor]: 2.5, [kamara]: 4 })
];
const ten = [
	...four,
	'Debreceni Egyetem',
	'Miskolci Innovációs Központ',
	'Pécsi Tudásközpont',
	'Soproni Erdészeti Kutatóintézet',
	'Tatabányai Ipari Park',
	'Zalaegerszegi Járműtesztpálya'
];

function layoutAt(width: number, organisations = four) {
	return heatmapLayout({ options, organisations, method: 'dots', locale: 'hu', width, fs: chartFontSize(width) });
}

describe('organisation heatmap layout', () => {
	test('four organisations on a laptop: wide columns, names wrapped across the top', () => {
		const L = layoutAt(720);
		// label column min(720 × 0.3, 16 em) = 216; the other 504 px shared by four, at most 7 em (98) each
		expect(L.labelWidth).toBe(216);
		expect(L.cellWidth).toBe(98);
		expect(L.cellHeight).toBe(32);
		expect(L.horizontal).toBe(true);
		expect(L.angle).toBe(0);
		expect(L.heads[1]).toEqual(['Pannon', 'Fejlesztési', 'Ügynökség']);
		// three lines of 14 px and a gap of half the small type
		expect(L.top).toBe(50);
		expect(L.fullWidth).toBe(720);
		expect(L.rows.map((r) => r.y)).toEqual([50, 82, 114]);
		expect(L.rows[0].cells.map((c) => c.x)).toEqual([216, 314, 412, 510]);
		expect(L.gridBottom).toBe(146);
	});

	test('cells are coloured against the largest contribution and labelled in the locale', () => {
		const L = layoutAt(720);
		expect(L.max).toBe(9);
		const pannonRow = L.rows[1].cells;
		expect(pannonRow[1]).toMatchObject({ org: pannon, v: 9, text: '9', c: heatColours(1) });
		expect(pannonRow[0]).toMatchObject({ org: gyor, v: 0, text: '0', c: heatColours(0) });
		expect(L.rows[2].cells[0]).toMatchObject({ v: 2.5, text: '2,5', c: heatColours(2.5 / 9) });
	});

	test('the colour legend runs from 0 to the largest contribution under the grid', () => {
		const L = layoutAt(720);
		expect(L.legendX).toBe(216);
		expect(L.legendWidth).toBe(196);
		expect(L.legend(0)).toBe(216);
		expect(L.legend(9)).toBe(412);
		expect(L.legendY).toBeCloseTo(146 + 14 * 2.2);
		expect(L.stops).toHaveLength(7);
		expect(L.stops[6]).toEqual({ offset: 1, c: heatColours(1) });
	});

	test('ten organisations on a phone: upright names, and the chart scrolls sideways', () => {
		const L = layoutAt(390, ten);
		expect(L.angle).toBe(90);
		// label column min(390 × 0.42, 9 em) = 126; columns never narrower than 2.8 em
		expect(L.labelWidth).toBe(126);
		expect(L.cellWidth).toBeCloseTo(39.2);
		expect(L.fullWidth).toBe(Math.ceil(126 + 10 * 39.2));
		expect(L.fullWidth).toBeGreaterThan(390);
		expect(L.heads[7]).toEqual(['Soproni Erdésze…']);
		for (const row of L.rows) expect(row.lines.length).toBeLessThanOrEqual(2);
	});

	test('ten organisations on a wide screen: names at 45°, the last one kept inside the chart', () => {
		const L = layoutAt(1100, ten);
		expect(L.angle).toBe(45);
		expect(L.labelWidth).toBe(320);
		expect(L.cellWidth).toBeLessThan(78);
		expect(L.fullWidth).toBe(1100);
		expect(L.heads.every((h) => h.length === 1 && Array.from(h[0]).length <= 18)).toBe(true);
	});
});
