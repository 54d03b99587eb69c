import * as Y from 'yjs';

/** The update `fn` makes to a copy of `doc` (null when it changes nothing); `doc` itself is untouched. */
export function changeOf(doc: Y.Doc, fn: (doc: Y.Doc) => void): Uint8Array | null {
	const scratch = new Y.Doc();
	Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(scratch);
	let changed = false;
	scratch.on('update', () => (changed = true));
	try {
		fn(scratch);
		return changed ? Y.encodeStateAsUpdate(scratch, before) : null;
	} finally {
		scratch.destroy();
	}
}
