import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { transformSelection, type DeltaOp } from './text-delta';

/** Applies `change` to a text holding `before` and returns the delta Yjs reports. */
function deltaOf(before: string, change: (text: Y.Text) => void): DeltaOp[] {
	const doc = new Y.Doc();
	const text = doc.getText('t');
	text.insert(0, before);
	let delta: DeltaOp[] = [];
	text.observe((event) => (delta = event.delta as DeltaOp[]));
	change(text);
	return delta;
}

describe('transformSelection', () => {
	test('an insert before the caret moves it along, after it leaves it', () => {
		expect(
			transformSelection(
				deltaOf('hello world', (t) => t.insert(0, 'Oh, ')),
				5,
				5
			)
		).toEqual([9, 9]);
		expect(
			transformSelection(
				deltaOf('hello world', (t) => t.insert(11, '!')),
				5,
				5
			)
		).toEqual([5, 5]);
	});

	test('an insert at the caret goes after it', () => {
		expect(
			transformSelection(
				deltaOf('abc', (t) => t.insert(1, 'X')),
				1,
				1
			)
		).toEqual([1, 1]);
	});

	test('an insert inside a selection widens it', () => {
		expect(
			transformSelection(
				deltaOf('abcdef', (t) => t.insert(3, 'XY')),
				1,
				5
			)
		).toEqual([1, 7]);
	});

	test('a delete before the caret pulls it back; one around it collapses to the cut', () => {
		expect(
			transformSelection(
				deltaOf('hello world', (t) => t.delete(0, 6)),
				8,
				8
			)
		).toEqual([2, 2]);
		expect(
			transformSelection(
				deltaOf('hello world', (t) => t.delete(3, 5)),
				5,
				5
			)
		).toEqual([3, 3]);
		expect(
			transformSelection(
				deltaOf('hello world', (t) => t.delete(3, 5)),
				1,
				10
			)
		).toEqual([1, 5]);
	});

	test('several changes in one transaction', () => {
		const delta = deltaOf('abcdefgh', (t) =>
			t.doc!.transact(() => {
				t.delete(0, 2); // cdefgh
				t.insert(3, '123'); // cde123fgh
			})
		);
		// the caret was before "g" (6): after both changes it is still before "g"
		expect(transformSelection(delta, 6, 6)).toEqual([7, 7]);
	});
});
