import { describe, expect, test } from 'vitest';
import { turnoutLayout, turnoutPercent } from './turnout-layout';
import { chartFontSize } from './chart-frame-layout';

const rings = [
	{ key: 'members', voted: 18, present: 24, caption: 'A jelen lévő 24 tagból 18 szavazott' },
	{ key: 'organisations', voted: 4, present: 5, caption: 'A jelen lévő 5 szervezetből 4 szavazott, köztük a Pannon Fejlesztési Ügynökség' }
];
const layoutAt = (width: number, r = rings) => turnoutLayout({ rings: r, locale: 'hu', width, fs: chartFontSize(width) });

describe('turnout layout', () => {
	test('on a laptop two rings of 260 px, centred, 1.5 em apart', () => {
		const L = layoutAt(720);
		expect(L.size).toBe(260);
		expect(L.outer).toBe(130);
		// (720 − (2 × 260 + 21)) / 2 = 89.5 to the left of the first ring
		expect(L.items.map((it) => it.cx)).toEqual([219.5, 500.5]);
		expect(L.captionTop).toBeCloseTo(276.8);
	});

	test('on a phone the rings share the width', () => {
		const L = layoutAt(390);
		expect(L.size).toBe(184.5);
		expect(L.items.map((it) => it.cx)).toEqual([92.25, 297.75]);
	});

	test('captions wrap onto at most three lines and the chart grows with the longest', () => {
		const L = layoutAt(390);
		expect(L.captionSize).toBe(14);
		expect(L.lineHeight).toBe(18);
		const lines = L.items.map((it) => it.lines.length);
		expect(lines[1]).toBeGreaterThan(1);
		expect(Math.max(...lines)).toBeLessThanOrEqual(3);
		expect(L.height).toBeCloseTo(L.captionTop + Math.max(...lines) * 18 + 14 * 0.4);
		expect(L.items[0].lines.join(' ')).toBe('A jelen lévő 24 tagból 18 szavazott');
	});

	test('the arc shows the share that voted; nobody present shows a dash and no arc', () => {
		const L = layoutAt(720, [rings[0], { key: 'organisations', voted: 0, present: 0, caption: 'Senki sincs jelen' }]);
		expect(L.items[0].percent).toMatch(/^75\s?%$/);
		expect(L.items[0].track).toMatch(/^M/);
		expect(L.items[0].value).toMatch(/^M/);
		expect(L.items[0].value).not.toBe(L.items[0].track);
		expect(L.items[1].percent).toBe('–');
		expect(L.items[1].value).toBe('');
		expect(turnoutPercent(24, 24, 'hu')).toMatch(/^100\s?%$/);
		expect(turnoutPercent(30, 24, 'en')).toBe('100%');
	});
});
