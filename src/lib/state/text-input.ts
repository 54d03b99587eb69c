import { diffSplice, type TextSplice } from '$lib/domain/board/text-splice';

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

/** The one splice a person's input made in a text, or null if it changed nothing. */
export function inputSplice({ before, after }: TextInput): TextSplice | null {
	return diffSplice(before, after);
}
