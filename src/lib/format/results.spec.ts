import { describe, expect, test } from 'vitest';
import { formatContribution, formatNumber, formatPercent, formatTotal, intlLocale, listText, rankText, unitLabel } from '#lib/format/index.js';

describe('result formatting', () => {
	test('per locale, integers stay integers, fractions get one decimal', () => {
		expect(formatNumber(1234.56, 'en')).toBe('1,234.6');
		expect(formatNumber(2.5, 'hu')).toBe('2,5');
		expect(formatTotal(14, 'dots', 'en')).toBe('14');
		expect(formatTotal(2.3333, 'dots', 'en')).toBe('2.3');
		expect(formatTotal(2.3333, 'dots', 'hu')).toBe('2,3');
		expect(formatTotal(4, 'score', 'en')).toBe('4.0');
		expect(formatTotal(3.75, 'score', 'hu')).toBe('3,8');
		expect(formatContribution(0.851, 'score', 'en')).toBe('0.85');
		expect(formatContribution(3, 'budget', 'en')).toBe('3');
		expect(formatPercent(0.75, 'en')).toBe('75%');
		expect(formatPercent(0.5, 'hu')).toMatch(/^50\s?%$/);
	});

	test('Intl gets the tag of the workshop language', () => {
		expect(intlLocale('hu')).toBe('hu-HU');
		expect(intlLocale('en')).toBe('en-GB');
	});

	test('rank text marks shared ranks', () => {
		expect(rankText({ rank: 2, tied: true })).toBe('=2');
		expect(rankText({ rank: 1, tied: false })).toBe('1');
	});

	test('lists in the locale', () => {
		expect(listText(['a', 'b', 'c'], 'en')).toBe('a, b and c');
		expect(listText(['a', 'b'], 'hu')).toBe('a és b');
		expect(listText(['Pannon Fejlesztési Ügynökség', 'Győri Járműipari Klaszter', 'Szegedi Tudományegyetem'], 'hu')).toBe(
			'Pannon Fejlesztési Ügynökség, Győri Járműipari Klaszter és Szegedi Tudományegyetem'
		);
	});

	test('the unit each method counts in, in the workshop language', () => {
		expect(unitLabel('dots', 'hu')).toBe('Pontok');
		expect(unitLabel('score', 'hu')).toBe('Átlagpontszám (0–5)');
		expect(unitLabel('dots', 'en')).toBe('Dots');
	});
});
