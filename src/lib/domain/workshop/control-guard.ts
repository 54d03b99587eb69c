/**
 * Decides, before the sync server applies a facilitator's Yjs update to a workshop's control
 * document, whether it stays within what clients may write there (CONTROL_SHAPE in
 * control-model.ts). The walk through the update (Yjs's integration order, parents resolved as
 * Yjs resolves them: an item without parent info takes the parent and key of its origin, which
 * may be a server-written item of any root; the delete set mapped to live items) is
 * `#lib/domain/yjs/update-walk.ts`; this is the control document's policy.
 */
import * as Y from 'yjs';
import { Refusal, UpdateWalk, decodeUpdate, refuse as stop, type AnyType, type ParentRef, type Place } from '#lib/domain/yjs/update-walk.js';
import type { GuardReason, GuardResult } from '#lib/domain/board/update-guard.js';
import { CONTROL_SHAPE } from './control-model';

export const MAX_CONTROL_UPDATE_BYTES = 64 * 1024;
/** Upper bound on live structs visited when checking a control update's deletions. */
const CONTROL_DELETE_BUDGET = 50_000;

/** What the entries of a place may be: flat maps, primitives, or nothing a client may write. */
type Entries = 'maps' | 'values' | 'forbidden';

const refuse = (reason: GuardReason): never => stop(reason);
const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function checkControlUpdate(doc: Y.Doc, update: Uint8Array): GuardResult {
	if (update.length > MAX_CONTROL_UPDATE_BYTES) return { ok: false, reason: 'too_large' };
	const decoded = decodeUpdate(update);
	if (decoded === null) return { ok: false, reason: 'malformed' };
	try {
		new ControlGuard(new UpdateWalk(doc, decoded)).run();
		return { ok: true };
	} catch (e) {
		return { ok: false, reason: e instanceof Refusal ? (e.reason as GuardReason) : 'malformed' };
	}
}

class ControlGuard {
	/** Types created by this update, by what their entries may be. */
	private readonly created = new Map<AnyType, Entries>();

	constructor(private readonly walk: UpdateWalk) {}

	run(): void {
		this.walk.integrate((item, place) => this.check(item, place));
		this.walk.checkDeleteSet();
		// deletions too stay within the writable roots
		this.walk.forEachDeleted({
			budget: CONTROL_DELETE_BUDGET,
			live: (s) => {
				if (s instanceof Y.Item && !s.deleted && s.parent instanceof Y.AbstractType && this.entriesOf(this.walk.normalise(s.parent)) === 'forbidden')
					refuse('forbidden_content');
			}
		});
	}

	private check(item: Y.Item, place: Place): void {
		const entries = this.entriesOf(place.parent);
		if (entries === 'forbidden') refuse(typeof item.parent === 'string' ? 'unknown_root' : 'forbidden_content');
		if (place.sub === null) refuse('forbidden_content');
		const content = item.content;
		if (content instanceof Y.ContentDeleted) return;
		if (entries === 'maps') {
			if (!(content instanceof Y.ContentType) || content.type.constructor !== Y.Map) return refuse('forbidden_content');
			this.created.set(content.type, 'values');
			return;
		}
		if (!(content instanceof Y.ContentAny) || !content.arr.every(isPrimitive)) refuse('forbidden_content');
	}

	/** What the entries of a root (by name) or a type (live, or created by this update) may be. */
	private entriesOf(ref: ParentRef): Entries {
		if (typeof ref === 'string') return Object.hasOwn(CONTROL_SHAPE, ref) ? CONTROL_SHAPE[ref] : 'forbidden';
		const created = this.created.get(ref);
		if (created !== undefined) return created;
		if (ref.doc !== this.walk.doc) return 'forbidden';
		// a live map held under a key of a `maps` root
		const holder = ref._item;
		if (holder === null || ref.constructor !== Y.Map || holder.parentSub === null || !(holder.parent instanceof Y.AbstractType)) return 'forbidden';
		const root = this.walk.normalise(holder.parent);
		return typeof root === 'string' && Object.hasOwn(CONTROL_SHAPE, root) && CONTROL_SHAPE[root] === 'maps' ? 'values' : 'forbidden';
	}
}
