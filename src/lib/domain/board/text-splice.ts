/**
 * A change to a text as one splice, and how to find one between two strings. Pure: the board
 * model applies splices to a Y.Text, the text binding derives them from input events.
 */

/** At `index`, remove `remove` UTF-16 units and insert `insert`. */
export interface TextSplice {
	index: number;
	remove: number;
	insert: string;
}

export const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
export const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** `text` with `splice` applied. */
export function applySplice(text: string, { index, remove, insert }: TextSplice): string {
	return text.slice(0, index) + insert + text.slice(index + remove);
}

/**
 * The smallest single splice that turns `before` into `after`, or null when they are equal.
 * Where several are equally small (typing "a" next to an "a"), the text alone cannot say
 * which is new: without `caret` the splice goes as far right as the common prefix reaches;
 * with `caret` (where the caret stands in `after`) it is the one whose change ends at the
 * caret (or nearest to it), since that is where typing, pasting or deleting leaves the caret.
 * The choice matters to others typing at the same spot: Yjs places an insert after its left
 * neighbour, so a character put on the wrong side of an equal one splits the typist's run.
 * Never splits a surrogate pair (Yjs replaces half pairs with U+FFFD).
 */
export function diffSplice(before: string, after: string, caret?: number): TextSplice | null {
	if (before === after) return null;
	const shortest = Math.min(before.length, after.length);
	let maxPrefix = 0;
	while (maxPrefix < shortest && before[maxPrefix] === after[maxPrefix]) maxPrefix++;
	let maxSuffix = 0;
	while (maxSuffix < shortest && before[before.length - 1 - maxSuffix] === after[after.length - 1 - maxSuffix]) maxSuffix++;
	// Every prefix from `shortest - maxSuffix` to `maxPrefix` (with the rest as suffix) is a smallest splice.
	const lowest = Math.min(maxPrefix, shortest - maxSuffix);
	let prefix = caret === undefined ? maxPrefix : Math.max(lowest, Math.min(maxPrefix, caret - (after.length - shortest)));
	let suffix = Math.min(maxSuffix, shortest - prefix);
	if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
	if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
	return { index: prefix, remove: before.length - suffix - prefix, insert: after.slice(prefix, after.length - suffix) };
}
