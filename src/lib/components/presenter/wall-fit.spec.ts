import { describe, expect, test } from 'vitest';
import { WALL_LEVELS, overflows, startLevel } from './wall-fit';

describe('the wall fits a board by density', () => {
	test('levels get denser and keep 24 px text (2.25 vmin at 1080) until cards are one line each', () => {
		for (let i = 1; i < WALL_LEVELS.length; i++) {
			const [a, b] = [WALL_LEVELS[i - 1], WALL_LEVELS[i]];
			expect(b.font <= a.font && b.lines <= a.lines && (b.font < a.font || b.lines < a.lines)).toBe(true);
		}
		const firstSmall = WALL_LEVELS.findIndex((l) => l.font * 10.8 < 24);
		expect(WALL_LEVELS[firstSmall - 1]).toEqual({ font: 2.25, lines: 1, organisation: false });
	});

	test('big boards start denser, and a start is always a level', () => {
		expect(startLevel(3)).toBe(0);
		expect(startLevel(200)).toBeGreaterThan(startLevel(20));
		for (const n of [0, 10, 25, 50, 100, 500]) expect(WALL_LEVELS[startLevel(n)]).toBeDefined();
	});

	test('overflow allows a pixel of rounding', () => {
		expect(overflows({ scrollHeight: 801, clientHeight: 800, scrollWidth: 10, clientWidth: 10 })).toBe(false);
		expect(overflows({ scrollHeight: 803, clientHeight: 800, scrollWidth: 10, clientWidth: 10 })).toBe(true);
		expect(overflows({ scrollHeight: 10, clientHeight: 10, scrollWidth: 400, clientWidth: 300 })).toBe(true);
	});
});
