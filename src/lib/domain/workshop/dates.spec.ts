import { describe, expect, test } from 'vitest';
import { formatDate } from './dates';

describe('formatDate', () => {
	test('writes the date as each language does', () => {
		expect(formatDate('2021-06-03', 'en')).toBe('3 June 2021');
		expect(formatDate('2021-06-03', 'hu')).toBe('2021. június 3.');
	});
	test('leaves nothing for no date and the input for a broken one', () => {
		expect(formatDate(null, 'en')).toBe('');
		expect(formatDate('not-a-date', 'en')).toBe('not-a-date');
	});
});
