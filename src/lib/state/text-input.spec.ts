import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { applySplice } from '#lib/domain/board/text-splice.js';
import { transformSelection, type DeltaOp } from './text-delta';
import { inputSplice } from './text-input';

describe('inputSplice', () => {
	test('a key typed next to an equal character goes where the caret was', () => {
		// "x |alma" + "a": a diff alone would insert after the existing "a"
		expect(inputSplice({ before: 'x alma', after: 'x aalma', selection: [2, 2], caret: 3 })).toEqual({ index: 2, remove: 0, insert: 'a' });
		// a space typed before a space
		expect(inputSplice({ before: 'idea b', after: 'idea  b', selection: [4, 4], caret: 5 })).toEqual({ index: 4, remove: 0, insert: ' ' });
	});

	test('typing over a selection, pasting, a line break', () => {
		expect(inputSplice({ before: 'hello world', after: 'X world', selection: [0, 5], caret: 1 })).toEqual({ index: 0, remove: 5, insert: 'X' });
		expect(inputSplice({ before: 'ab', after: 'a, b, c b', selection: [1, 1], caret: 8 })).toEqual({ index: 1, remove: 0, insert: ', b, c ' });
		expect(inputSplice({ before: 'aa', after: 'a\na', selection: [1, 1], caret: 2 })).toEqual({ index: 1, remove: 0, insert: '\n' });
	});

	test('backspace, delete, a selection or a word deleted', () => {
		expect(inputSplice({ before: 'aaaa', after: 'aaa', selection: [1, 1], caret: 0 })).toEqual({ index: 0, remove: 1, insert: '' });
		expect(inputSplice({ before: 'aaaa', after: 'aaa', selection: [1, 1], caret: 1 })).toEqual({ index: 1, remove: 1, insert: '' });
		expect(inputSplice({ before: 'a😀b', after: 'ab', selection: [3, 3], caret: 1 })).toEqual({ index: 1, remove: 2, insert: '' });
		expect(inputSplice({ before: 'one two two', after: 'one two', selection: [7, 11], caret: 7 })).toEqual({ index: 7, remove: 4, insert: '' });
		expect(inputSplice({ before: 'one two two', after: 'one two', selection: [11, 11], caret: 7 })).toEqual({ index: 7, remove: 4, insert: '' });
	});

	test('an IME composition: each update from the selection, a conversion by the caret-anchored diff', () => {
		expect(inputSplice({ before: 'abc ni', after: 'abc nih', selection: [6, 6], caret: 7 })).toEqual({ index: 6, remove: 0, insert: 'h' });
		// "nihao" becomes "你好": the selection before was the caret at the end of the composition
		expect(inputSplice({ before: 'abc nihao!', after: 'abc 你好!', selection: [9, 9], caret: 6 })).toEqual({ index: 4, remove: 5, insert: '你好' });
	});

	test('without beforeinput, or with a selection after the input, it falls back to a diff', () => {
		expect(inputSplice({ before: 'x alma', after: 'x aalma', caret: 3 })).toEqual({ index: 2, remove: 0, insert: 'a' });
		expect(inputSplice({ before: 'x alma', after: 'x aalma' })).toEqual({ index: 3, remove: 0, insert: 'a' });
		expect(inputSplice({ before: 'same', after: 'same', selection: [0, 0], caret: 0 })).toBeNull();
	});

	test('a selection or caret that does not fit the change never gives a wrong text', () => {
		expect(inputSplice({ before: 'abc', after: 'abXc', selection: [0, 3], caret: 1 })).toEqual({ index: 2, remove: 0, insert: 'X' });
		expect(inputSplice({ before: 'abc', after: 'abXc', selection: [9, 9], caret: 40 })).toEqual({ index: 2, remove: 0, insert: 'X' });
	});

	const unit = fc.constantFrom('a', 'a', 'b', ' ', '😀', 'é');
	const text = fc.string({ unit, maxLength: 10 });

	test('an edit made at a selection is found exactly there', () => {
		fc.assert(
			fc.property(text, fc.nat(), fc.nat(), text, (before, x, y, typed) => {
				const [start, end] = [x % (before.length + 1), y % (before.length + 1)].sort((p, q) => p - q);
				const after = before.slice(0, start) + typed + before.slice(end);
				const splice = inputSplice({ before, after, selection: [start, end], caret: start + typed.length });
				if (before === after) expect(splice).toBeNull();
				else expect(splice).toEqual({ index: start, remove: end - start, insert: typed });
			}),
			{ seed: 14, numRuns: 3000 }
		);
	});

	test('whatever the selection and caret, the splice turns the text into the value', () => {
		const position = fc.option(fc.integer({ min: -2, max: 14 }), { nil: null });
		fc.assert(
			fc.property(text, text, position, position, position, (before, after, s, e, caret) => {
				const selection = s === null || e === null ? null : ([Math.min(s, e), Math.max(s, e)] as const);
				const splice = inputSplice({ before, after, selection, caret });
				expect(splice ? applySplice(before, splice) : before).toBe(after);
			}),
			{ seed: 14, numRuns: 3000 }
		);
	});
});

/** A textarea bound to a Y.Text as text-binding.ts binds it, without the DOM. */
function typist(text: Y.Text, caret: number) {
	const state = { value: text.toString(), caret, writing: false };
	text.observe((event) => {
		if (state.writing) return;
		state.value = text.toString();
		[state.caret] = transformSelection(event.delta as DeltaOp[], state.caret, state.caret);
	});
	return {
		type(keys: string) {
			for (const key of keys) {
				const after = state.value.slice(0, state.caret) + key + state.value.slice(state.caret);
				const splice = inputSplice({ before: text.toString(), after, selection: [state.caret, state.caret], caret: state.caret + key.length });
				state.writing = true;
				if (splice) text.doc!.transact(() => (text.delete(splice.index, splice.remove), text.insert(splice.index, splice.insert)));
				state.writing = false;
				state.value = after;
				state.caret += key.length;
			}
		}
	};
}

/** Two docs whose updates wait in an outbox until delivered, like two browsers on a slow link. */
function pair() {
	const [a, b] = [new Y.Doc(), new Y.Doc()];
	const outbox = new Map<Y.Doc, Uint8Array[]>([
		[a, []],
		[b, []]
	]);
	for (const doc of [a, b]) doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && outbox.get(doc)!.push(u));
	const deliver = (from: Y.Doc, to: Y.Doc) =>
		outbox
			.get(from)!
			.splice(0)
			.forEach((u) => Y.applyUpdate(to, u, 'remote'));
	return { a, b, deliver };
}

describe('two people typing at one spot (issue #14)', () => {
	test('the other person’s key arriving at my caret stays after it, so my next key follows my own', () => {
		const { a, b, deliver } = pair();
		a.clientID = 1; // concurrent inserts at one spot: the lower client id goes first
		b.clientID = 2;
		a.getText('t').insert(0, 'idea ');
		deliver(a, b);
		const anna = typist(a.getText('t'), 5);
		const bela = typist(b.getText('t'), 5);
		anna.type('a');
		bela.type('b');
		deliver(a, b);
		deliver(b, a); // Anna sees "idea ab": Béla's "b" landed at her caret
		anna.type('lma');
		bela.type('ack');
		deliver(a, b);
		deliver(b, a);
		expect(a.getText('t').toString()).toBe('idea almaback');
		expect(b.getText('t').toString()).toBe('idea almaback');
	});

	test('a key equal to the other person’s next character does not split either run', () => {
		const { a, b, deliver } = pair();
		a.getText('t').insert(0, 'idea ');
		deliver(a, b);
		const anna = typist(a.getText('t'), 5);
		const bela = typist(b.getText('t'), 5);

		anna.type('a');
		deliver(a, b); // Béla sees "idea a", his caret before Anna's "a"
		bela.type('szilva'); // his last "a" is typed right before Anna's "a"
		deliver(b, a);
		anna.type('lma');
		bela.type(' barack ');
		deliver(a, b);
		deliver(b, a);
		anna.type(' körte ');
		deliver(a, b);

		const result = a.getText('t').toString();
		expect(b.getText('t').toString()).toBe(result);
		expect(result).toBe('idea szilva barack alma körte ');
	});
});
