import { describe, expect, test } from 'vitest';
import type { OptionResult } from '#lib/domain/voting/types.js';
import { rankedBarsLayout, unscored } from './ranked-bars-layout';
import { organisationStyles } from './chart-data';
import { textWidth } from './chart-text';
import { chartFontSize } from './chart-frame-layout';

function option(id: string, label: string, rank: number, total: number, extra: Partial<OptionResult> = {}): OptionResult {
	return { id, label, rank, total, tied: false, byOrganisation: {}, means: [], distribution: [], supporters: 0, ...extra };
}

const organisations = ['Győri Járműipari Klaszter', 'Pannon Fejlesztési Ügynökség', 'Szegedi Tudományegyetem'];
const [gyor, pannon, szeged] = organisations;
const dots = [
	option('a', 'Együttműködés a klaszterek között', 1, 14, { byOrganisation: { [gyor]: 6, [pannon]: 5, [szeged]: 3 } }),
	option('b', 'Közös képzési program a kis- és középvállalkozásoknak', 2, 9, { tied: true, byOrganisation: { [pannon]: 9 } }),
	option('c', 'Zöld átállás', 2, 9, { tied: true, byOrganisation: { [gyor]: 4, [szeged]: 5 } }),
	option('d', 'Üzleti inkubátor', 4, 1, { byOrganisation: { [szeged]: 1 } })
];
const texts = { tie: 'holtverseny', notScored: 'még nincs pontozva', legendLead: 'Pontok szervezetenként:' };

function layoutAt(width: number, options = dots, method: 'dots' | 'score' = 'dots') {
	return rankedBarsLayout({ options, organisations, styles: organisationStyles(organisations), method, locale: 'hu', width, fs: chartFontSize(width), texts });
}

describe('ranked bars layout', () => {
	test('on a phone the labels go above their bars and wrap onto at most three lines', () => {
		const L = layoutAt(390);
		expect(L.fs).toBe(14);
		expect(L.narrow).toBe(true);
		expect(L.barHeight).toBe(22);
		expect(L.lineHeight).toBe(18);
		// the bars start right after the rank column
		expect(L.x(0)).toBe(L.rankWidth);
		for (const row of L.rows) {
			expect(row.lines.length).toBeLessThanOrEqual(3);
			expect(row.barY).toBe(row.lines.length * 18 + 6);
			expect(row.labelY).toBe(9);
		}
		expect(L.rows[1].lines.length).toBeGreaterThan(1);
		expect(L.rows[1].lines.join(' ')).toBe('Közös képzési program a kis- és középvállalkozásoknak');
	});

	test('rows follow each other without overlapping, and the axis sits under the last', () => {
		const L = layoutAt(390);
		expect(L.rows[0].y).toBe(L.top);
		for (let i = 1; i < L.rows.length; i++) {
			const prev = L.rows[i - 1];
			expect(L.rows[i].y).toBe(prev.y + prev.barY + L.barHeight + 15);
		}
		const last = L.rows[L.rows.length - 1];
		expect(L.plotBottom).toBe(last.y + last.barY + L.barHeight + 15 - 6);
		expect(L.height).toBe(L.plotBottom + 14 * 3.3);
	});

	test('the legend of organisations comes first and pushes the bars down', () => {
		const L = layoutAt(390);
		expect(L.legend.items.map((i) => i.label)).toEqual(organisations);
		expect(L.legend.height).toBeGreaterThan(0);
		expect(L.top).toBe(L.legend.height + 14);
	});

	test('on a wide screen the label stands left of its bar, and the totals and the tie mark fit at the right', () => {
		const L = layoutAt(1100);
		expect(L.fs).toBe(20);
		expect(L.narrow).toBe(false);
		// label column min(1100 × 0.36, 20 × 20) = 396, then a gap of 0.6 em
		expect(L.x(0)).toBe(408);
		expect(L.x.domain()).toEqual([0, 14]);
		const valueEnd = L.x(14) + 20 * 0.4 + textWidth('14', 20, true) + 20 * 0.4 + textWidth('holtverseny', L.small);
		expect(valueEnd).toBeLessThanOrEqual(1100);
		for (const row of L.rows) expect(row.lines.length).toBeLessThanOrEqual(2);
		// the label beside a two-line label is centred on the row
		const two = L.rows.find((r) => r.lines.length === 2)!;
		expect(two.labelY).toBe(two.barY + L.barHeight / 2 - L.lineHeight / 2);
	});

	test('whole totals get whole ticks; the stacks follow the organisations', () => {
		const L = layoutAt(390);
		expect(L.ticks).toEqual([0, 5, 10]);
		expect(L.rows[0].segments.map((s) => [s.organisation, s.from, s.to])).toEqual([
			[gyor, 0, 6],
			[pannon, 6, 11],
			[szeged, 11, 14]
		]);
		expect(L.rows.map((r) => r.value)).toEqual(['14', '9', '9', '1']);
	});

	test('weighted totals keep their fraction on the bar', () => {
		const weighted = [option('a', 'Együttműködés a klaszterek között', 1, 2.5, { byOrganisation: { [gyor]: 2.5 } }), option('b', 'Zöld átállás', 2, 1.5)];
		const L = layoutAt(1100, weighted);
		expect(L.rows.map((r) => r.value)).toEqual(['2,5', '1,5']);
		expect(L.ticks.some((t) => !Number.isInteger(t))).toBe(true);
	});

	test('a score round runs from 0 to 5, and an option nobody scored says so', () => {
		const scores = [option('a', 'Együttműködés a klaszterek között', 1, 4.25, { means: [4.25] }), option('b', 'Zöld átállás', 2, 0, { means: [null] })];
		expect(unscored(scores[1], 'score')).toBe(true);
		expect(unscored(scores[0], 'score')).toBe(false);
		expect(unscored(scores[1], 'dots')).toBe(false);
		const L = layoutAt(1100, scores, 'score');
		expect(L.x.domain()).toEqual([0, 5]);
		expect(L.ticks).toEqual([0, 1, 2, 3, 4, 5]);
		expect(L.rows.map((r) => r.value)).toEqual(['4,3', 'még nincs pontozva']);
	});
});
