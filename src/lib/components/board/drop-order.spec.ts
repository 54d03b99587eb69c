import { describe, expect, test } from 'vitest';
import { dropOrder } from './drop-order';

const cards = [
	{ id: 'a', order: 1 },
	{ id: 'b', order: 2 },
	{ id: 'c', order: 3 }
];

describe('dropOrder', () => {
	test('between two cards, at the start, at the end, into an empty group', () => {
		expect(dropOrder(cards, 'x', 'b')).toBe(1.5);
		expect(dropOrder(cards, 'x', 'a')).toBe(0);
		expect(dropOrder(cards, 'x', null)).toBe(4);
		expect(dropOrder([], 'x', null)).toBe(1);
	});

	test('the dragged card itself is left out', () => {
		expect(dropOrder(cards, 'a', 'c')).toBe(2.5);
		expect(dropOrder(cards, 'c', null)).toBe(3);
	});
});
