import * as Y from 'yjs';
import type { Attachment } from 'svelte/attachments';
import type { TextSplice } from '#lib/domain/board/text-splice.js';
import { transformSelection, type DeltaOp } from './text-delta';
import { inputSplice } from './text-input';

export interface TextBindingOptions {
	doc: Y.Doc;
	/** The Y.Text to show; looked up again after every transaction, since it may be replaced or appear later. */
	resolve: () => Y.Text | null;
	/** Writes one local edit (the board model clips it to the text's limit). */
	write: (splice: TextSplice) => void;
	undo: () => void;
	redo: () => void;
}

// Where the browser sizes a textarea to its content itself (CSS `field-sizing`, Chromium),
// nothing is measured: measuring forces a layout of the whole board, on every keystroke anyone
// makes in a card on screen.
const sizesItself = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

function autosize(el: HTMLTextAreaElement): void {
	if (sizesItself) return;
	el.style.height = 'auto';
	el.style.height = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`;
}

/**
 * Binds a textarea to a Y.Text. Invariant: between events the textarea's value equals the
 * text. Local input goes in as one splice where the person made it (text-input.ts), taken
 * from the selection just before the input and the caret after it: a diff of the two values
 * cannot tell which side of an equal neighbour a typed character went, and the wrong side
 * splits a person's run when two people type at one spot. A change from anyone else (or
 * undo) rewrites the value and carries the caret and selection through the change, using
 * the event's delta; text inserted at the caret goes after it, so the next keystroke follows
 * the person's own last character (text-delta.ts). A remote change that lands during an IME
 * composition is applied at once too (keeping the invariant matters more than the
 * composition, which the browser then commits early).
 */
export function bindText(options: TextBindingOptions): Attachment<HTMLTextAreaElement> {
	return (el) => {
		if (sizesItself) el.style.setProperty('field-sizing', 'content');
		let text: Y.Text | null = null;
		let writing = false;
		/** The selection at `beforeinput`, for the `input` that follows it in the same task. */
		let selectionBefore: [number, number] | null = null;

		const observer = (event: Y.YTextEvent) => {
			if (writing) return;
			const focused = document.activeElement === el;
			const { selectionStart, selectionEnd, selectionDirection } = el;
			el.value = text?.toString() ?? '';
			if (focused) {
				const [start, end] = transformSelection(event.delta as DeltaOp[], selectionStart, selectionEnd);
				el.setSelectionRange(start, end, selectionDirection ?? undefined);
			}
			autosize(el);
		};

		const rebind = () => {
			const next = options.resolve();
			if (next === text) return;
			text?.unobserve(observer);
			text = next;
			text?.observe(observer);
			const value = text?.toString() ?? '';
			if (el.value !== value) {
				const caret = Math.min(el.selectionStart, value.length);
				el.value = value;
				if (document.activeElement === el) el.setSelectionRange(caret, caret);
			}
			autosize(el);
		};

		const onInput = () => {
			const before = text?.toString() ?? '';
			const caret = el.selectionStart === el.selectionEnd ? el.selectionStart : null;
			const splice = inputSplice({ before, after: el.value, selection: selectionBefore, caret });
			selectionBefore = null;
			if (splice) {
				writing = true;
				try {
					options.write(splice);
				} finally {
					writing = false;
				}
			}
			rebind();
			// The model clips to the limits: show what was kept, the caret after the kept part.
			const kept = text?.toString() ?? el.value;
			if (kept !== el.value) {
				const end = splice ? splice.index + Math.max(0, kept.length - (before.length - splice.remove)) : el.selectionStart;
				const caret = Math.min(end, kept.length);
				el.value = kept;
				el.setSelectionRange(caret, caret);
			}
			autosize(el);
		};

		// Undo and redo go through the board's undo manager (the browser's own history of a
		// textarea whose value is rewritten by code is meaningless).
		const onBeforeInput = (event: InputEvent) => {
			if (event.inputType === 'historyUndo' || event.inputType === 'historyRedo') {
				event.preventDefault();
				selectionBefore = null;
				if (event.inputType === 'historyUndo') options.undo();
				else options.redo();
				return;
			}
			selectionBefore = [el.selectionStart, el.selectionEnd];
		};

		const onResize = () => autosize(el);

		rebind();
		el.addEventListener('input', onInput);
		el.addEventListener('beforeinput', onBeforeInput);
		addEventListener('resize', onResize);
		options.doc.on('afterTransaction', rebind);
		return () => {
			options.doc.off('afterTransaction', rebind);
			text?.unobserve(observer);
			el.removeEventListener('input', onInput);
			el.removeEventListener('beforeinput', onBeforeInput);
			removeEventListener('resize', onResize);
		};
	};
}
