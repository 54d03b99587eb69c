/** One step of a Y.Text change as Yjs reports it (`YTextEvent.delta`). */
export interface DeltaOp {
	insert?: string | object;
	delete?: number;
	retain?: number;
}

/** Where a caret at `pos` ends up after a delete of `length` characters at `index`. */
function afterDelete(pos: number, index: number, length: number): number {
	return pos <= index ? pos : pos - Math.min(length, pos - index);
}

/**
 * Moves a selection through a remote change so that it stays on the same characters.
 * Text inserted exactly at the caret goes after it: someone else typing where you stand
 * does not push your caret along, so your next key lands right after your own last
 * character and Yjs keeps your run together (pushed past theirs, it would split it).
 */
export function transformSelection(delta: readonly DeltaOp[], start: number, end: number): [number, number] {
	let index = 0;
	for (const op of delta) {
		if (op.retain !== undefined) {
			index += op.retain;
		} else if (op.insert !== undefined) {
			const length = typeof op.insert === 'string' ? op.insert.length : 1;
			if (index < start) start += length;
			if (index < end) end += length;
			index += length;
		} else if (op.delete !== undefined) {
			start = afterDelete(start, index, op.delete);
			end = afterDelete(end, index, op.delete);
		}
	}
	return [start, end];
}
