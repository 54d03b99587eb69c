import { describe, expect, test } from 'vitest';
import { markKey, marksOf, maxFor, moveInOrder, rankedIds, rankingValues, sameMarks, valueOf, valuesOf, withValue } from './ballot';
import { defaultSettings } from './rules';

// Options of a values board at Balatonfüred.
const [bizalom, egyutt, innovacio, fenntarthato] = ['bizalom', 'együttműködés', 'innováció', 'fenntarthatóság'];

describe('a ballot being filled in', () => {
	test('values and marks are one another, zero never kept', () => {
		const values = withValue(withValue(withValue({}, bizalom, 2), egyutt, 3, 1), innovacio, 0);
		expect(marksOf(values)).toEqual([
			{ option: bizalom, criterion: 0, value: 2 },
			{ option: egyutt, criterion: 1, value: 3 }
		]);
		expect(valuesOf(marksOf(values))).toEqual(values);
		expect(valueOf(values, egyutt, 1)).toBe(3);
		expect(valueOf(values, egyutt)).toBe(0);
		expect(withValue(values, bizalom, 0)).toEqual({ [markKey(egyutt, 1)]: 3 });
		// The original is left as it was.
		expect(valueOf(values, bizalom)).toBe(2);
	});

	test('a ranking keeps positions 1..n and moves one place at a time', () => {
		const order = [innovacio, bizalom, egyutt];
		const values = rankingValues(order);
		expect(rankedIds(values, [bizalom, egyutt, innovacio, fenntarthato])).toEqual(order);
		expect(moveInOrder(order, bizalom, -1)).toEqual([bizalom, innovacio, egyutt]);
		expect(moveInOrder(order, egyutt, 1)).toEqual(order);
		expect(moveInOrder(order, innovacio, -1)).toEqual(order);
		// Removing one closes the gap.
		expect(
			marksOf(rankingValues(order.filter((id) => id !== bizalom)))
				.map((m) => m.value)
				.sort()
		).toEqual([1, 2]);
	});

	test('dots: an option takes at most the dots left and the per-option cap', () => {
		const settings = { ...defaultSettings('dots'), dots: 5, maxPerOption: 3 };
		expect(maxFor(settings, {}, bizalom)).toBe(3);
		const values = withValue(withValue({}, egyutt, 3), innovacio, 1);
		expect(maxFor(settings, values, bizalom)).toBe(1);
		expect(maxFor(settings, values, innovacio)).toBe(2);
	});

	test('budget: an option takes what it has and every point left', () => {
		const settings = { ...defaultSettings('budget'), budget: 100 };
		const values = withValue(withValue({}, egyutt, 60), fenntarthato, 15);
		expect(maxFor(settings, values, fenntarthato)).toBe(40);
		expect(maxFor(settings, values, bizalom)).toBe(25);
	});

	test('the same marks in another order are the same ballot; another value is not', () => {
		const a = [
			{ option: bizalom, criterion: 0, value: 1 },
			{ option: egyutt, criterion: 0, value: 2 }
		];
		expect(sameMarks(a, [...a].reverse())).toBe(true);
		expect(sameMarks(a, [a[0], { ...a[1], value: 3 }])).toBe(false);
		expect(sameMarks(a, [a[0]])).toBe(false);
	});
});
