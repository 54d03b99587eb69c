import { describe, expect, test } from 'vitest';
import { chartContext, chartFontSize } from './chart-frame-layout';

describe('chart frame layout', () => {
	test('font size grows from phone to projector within bounds', () => {
		expect(chartFontSize(350)).toBe(14);
		expect(chartFontSize(720)).toBe(14);
		expect(chartFontSize(1100)).toBe(20);
		expect(chartFontSize(5000)).toBe(20);
		// On a projector: the small print (0.85 of it) is 25 px or more at any width.
		for (const w of [390, 1000, 1850, 5000]) expect(chartFontSize(w, true) * 0.85).toBeGreaterThanOrEqual(25);
		expect(chartFontSize(1600, true)).toBe(32);
		expect(chartFontSize(1850, true)).toBe(36);
	});

	const ids = { uid: 's1', labelledby: 's1-title', describedby: 's1-desc' };

	test('before the container is measured (on the server) the chart is drawn 720 px wide', () => {
		expect(chartContext({ measured: 0, large: false, ...ids })).toEqual({
			width: 720,
			labelledby: 's1-title',
			describedby: 's1-desc',
			uid: 's1',
			fontSize: 14,
			large: false
		});
		expect(chartContext({ measured: 0, large: true, ...ids }).fontSize).toBe(30);
	});

	test('once measured, the measured width and its font size', () => {
		const ctx = chartContext({ measured: 1850, large: true, ...ids });
		expect(ctx.width).toBe(1850);
		expect(ctx.fontSize).toBe(36);
		expect(chartContext({ measured: 390, large: false, ...ids })).toMatchObject({ width: 390, fontSize: 14 });
	});
});
