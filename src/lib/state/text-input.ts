import { applySplice, diffSplice, type TextSplice } from '#lib/domain/board/text-splice.js';

export interface TextInput {
	/** The text before the input (the Y.Text, which the textarea showed). */
	before: string;
	/** The textarea's value after the input. */
	after: string;
	/** The selection just before the input (at `beforeinput`), if it was seen. */
	selection?: readonly [number, number] | null;
	/** The caret after the input, if the selection is collapsed. */
	caret?: number | null;
}

/**
 * The one splice a person's input made in a text, or null if it changed nothing. Taken from
 * where the person made it, not from the two strings alone: typing a space before a space
 * (or "a" before "a") looks the same either side of the neighbour, but Yjs ties an insert
 * to its left neighbour, so the wrong side puts the key after someone else's character and
 * splits the typist's run when two people type at one spot.
 *
 * Typing, pasting, deleting a selection, backspace and delete all replace the selection
 * (or what the key removes next to the caret) and leave the caret after what they
 * inserted: the splice starts at the earlier of the selection's start and the caret, and
 * inserts up to the caret. It is used only if it turns `before` into `after`; otherwise
 * (an IME rewriting its composition, a drop, autocorrect) the smallest splice whose change
 * ends at the caret, and without a caret the smallest splice at all.
 */
export function inputSplice({ before, after, selection, caret }: TextInput): TextSplice | null {
	if (before === after) return null;
	if (selection && caret != null && caret >= 0 && caret <= after.length) {
		const index = Math.min(selection[0], caret);
		const insert = after.slice(index, caret);
		const splice = { index, remove: before.length - after.length + insert.length, insert };
		if (splice.remove >= 0 && index + splice.remove <= before.length && applySplice(before, splice) === after) return splice;
	}
	return diffSplice(before, after, caret ?? undefined);
}
