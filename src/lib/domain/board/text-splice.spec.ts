import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { applySplice, diffSplice } from './text-splice';

describe('diffSplice', () => {
	test('equal strings need no splice', () => {
		expect(diffSplice('abc', 'abc')).toBeNull();
		expect(diffSplice('abc', 'abc', 1)).toBeNull();
	});

	test('the smallest splice: an insert, a delete, a replacement', () => {
		expect(diffSplice('hello world', 'hello brave world')).toEqual({ index: 6, remove: 0, insert: 'brave ' });
		expect(diffSplice('hello brave world', 'hello world')).toEqual({ index: 6, remove: 6, insert: '' });
		expect(diffSplice('The quick fox', 'The slow fox')).toEqual({ index: 4, remove: 5, insert: 'slow' });
	});

	test('without a caret, an ambiguous insert goes as far right as the common prefix reaches', () => {
		// "a" typed before "alma": the text alone cannot say which "a" is new
		expect(diffSplice('x alma', 'x aalma')).toEqual({ index: 3, remove: 0, insert: 'a' });
	});

	test('with the caret, the change ends where the caret stands', () => {
		expect(diffSplice('x alma', 'x aalma', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
		expect(diffSplice('a b', 'a  b', 2)).toEqual({ index: 1, remove: 0, insert: ' ' });
		expect(diffSplice('a b', 'a  b', 3)).toEqual({ index: 2, remove: 0, insert: ' ' });
		// backspace in a run of equal characters removes the one before the caret
		expect(diffSplice('aaaa', 'aaa', 1)).toEqual({ index: 1, remove: 1, insert: '' });
		// a caret past the end or before the change still gives a valid splice
		expect(diffSplice('abc', 'abXc', 99)).toEqual({ index: 2, remove: 0, insert: 'X' });
		expect(diffSplice('abc', 'abXc', 0)).toEqual({ index: 2, remove: 0, insert: 'X' });
	});

	test('never splits a surrogate pair', () => {
		expect(diffSplice('a😀b', 'a😁b')).toEqual({ index: 1, remove: 2, insert: '😁' });
		expect(diffSplice('a\u{1F500}b', 'a\u{1F400}b')).toEqual({ index: 1, remove: 2, insert: '\u{1F400}' });
		expect(diffSplice('a😀b', 'a😁b', 3)).toEqual({ index: 1, remove: 2, insert: '😁' });
		expect(diffSplice('a\u{1F500}b', 'a\u{1F400}b', 3)).toEqual({ index: 1, remove: 2, insert: '\u{1F400}' });
	});

	test('applying the splice always gives the new text, with or without a caret', () => {
		const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '😀', 'é'), maxLength: 12 });
		fc.assert(
			fc.property(text, text, fc.option(fc.nat(30), { nil: undefined }), (before, after, caret) => {
				const splice = diffSplice(before, after, caret);
				expect(splice ? applySplice(before, splice) : before).toBe(after);
				if (!splice) return;
				const edges = [splice.index, splice.index + splice.remove];
				for (const i of edges) expect(i > 0 && i < before.length && /[\uDC00-\uDFFF]/.test(before[i])).toBe(false);
			}),
			{ seed: 14, numRuns: 2000 }
		);
	});
});
