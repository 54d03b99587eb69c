/**
 * The one engine that walks a client's Yjs update (v1 encoding) against a live Y.Doc before the
 * sync server applies it. It knows Yjs, not any document's shape: the policies
 * (`board/update-guard.ts`, `workshop/control-guard.ts`) say what each item may be.
 *
 * It never mutates the live document and costs O(size of update) plus a few binary searches in
 * the live struct store per referenced item: it decodes the update, replays Yjs's own
 * integration order (`integrateStructs`) against a simulated state vector, and resolves the
 * parent of every struct the way `Item.getMissing` does (an item with an origin inherits the
 * parent and key of the item it references, which may live in the document or earlier in the
 * same update). Deletions arrive as delete-set ranges, not structs: the engine maps them to the
 * live items they delete, within a budget.
 *
 * Anything Yjs could not integrate at once (missing dependencies, gaps, references to unknown
 * clocks, deletions of unknown clocks) is refused as 'unresolved': such structs would otherwise
 * be parked in the store's pending queue and integrated later, without another check.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';

export type Struct = Y.Item | Y.GC | Y.Skip;
/** Any Yjs type (`unknown` would not accept their differing event types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as said: Yjs's types differ in their event type
export type AnyType = Y.AbstractType<any>;
/** A delete set: per client, the deleted clock ranges (as sent: unsorted, maybe overlapping). */
export type DeleteRanges = Map<number, { clock: number; len: number }[]>;
/** Where a struct's parent is: a root (by name) or a nested type (live, or decoded from this update). */
export type ParentRef = string | AnyType;
/** 'gc': Yjs turns the struct into a GC struct on integration (its parent is gone), so it cannot change anything. */
export type Loc = 'gc' | Place;
export interface Place {
	parent: ParentRef;
	sub: string | null;
}

/** Why the engine refuses, whatever the document: it would not decode, would wait, or costs too much. */
export type WalkReason = 'malformed' | 'unresolved' | 'too_large';

/** Thrown to stop a walk; a policy refuses with its own reasons the same way. */
export class Refusal<R extends string = string> {
	constructor(readonly reason: R) {}
}
export const refuse = <R extends string>(reason: R): never => {
	throw new Refusal(reason);
};

/**
 * Highest clock a struct may reach. Real clients count one clock per character or value, far
 * below this; a GC or deleted struct claiming more (a few bytes claiming 2^55 clocks) would push
 * the client's state past 2^53, where clock arithmetic turns inexact and the document's state
 * vector no longer decodes (lib0 refuses it): no client could sync it and it could not reload.
 */
export const MAX_CLOCK = 2 ** 32;

export interface DecodedUpdate {
	structs: Struct[];
	ds: DeleteRanges;
	/** How many client sections the update says it has. */
	sections: number;
}

/** Decodes a v1 update; null when it does not decode. */
export function decodeUpdate(update: Uint8Array): DecodedUpdate | null {
	if (!(update instanceof Uint8Array)) return null;
	try {
		const decoded = Y.decodeUpdate(update) as unknown as { structs: Struct[]; ds: { clients: DeleteRanges } };
		const sections = decoding.readVarUint(decoding.createDecoder(update));
		return { structs: decoded.structs, ds: decoded.ds.clients, sections };
	} catch {
		return null;
	}
}

/** One walk of one decoded update against one live document. */
export class UpdateWalk {
	/** The update's structs per client, in clock order. */
	readonly byClient = new Map<number, Struct[]>();
	/** Simulated state vector: the live state, advanced as structs of the update would be integrated. */
	private readonly state = new Map<number, number>();
	/** Resolved location of every integrated item of the update. */
	private readonly locs = new Map<Y.Item, Loc>();
	private readonly merged = new Map<number, { start: number; end: number }[]>();
	private rootNames: Map<AnyType, string> | null = null;

	constructor(
		readonly doc: Y.Doc,
		readonly update: DecodedUpdate
	) {
		this.indexSections();
	}

	/**
	 * Groups structs per client. Yjs keeps only the last section of a client (a repeated or
	 * empty section silently drops structs), so every section must be a distinct, non-empty client.
	 */
	private indexSections() {
		let runs = 0;
		let current: Struct[] | null = null;
		let currentClient = -1;
		for (const s of this.update.structs) {
			if (!(s instanceof Y.Item || s instanceof Y.GC || s instanceof Y.Skip)) refuse('malformed');
			const client = s.id.client;
			if (current === null || client !== currentClient) {
				if (this.byClient.has(client)) refuse('malformed');
				current = [];
				currentClient = client;
				this.byClient.set(client, current);
				runs++;
			}
			current.push(s);
		}
		if (runs !== this.update.sections) refuse('malformed');
	}

	liveState(client: number): number {
		return Y.getState(this.doc.store, client);
	}

	simState(client: number): number {
		return this.state.get(client) ?? this.liveState(client);
	}

	// ── integration order (a dry run of Yjs's integrateStructs) ─────────────

	private missing(item: Y.Item): number | null {
		const own = item.id.client;
		const check = (id: Y.ID | null) => id !== null && id.client !== own && id.clock >= this.simState(id.client);
		if (check(item.origin)) return item.origin!.client;
		if (check(item.rightOrigin)) return item.rightOrigin!.client;
		const parent = item.parent;
		if (parent instanceof Y.ID && check(parent)) return parent.client;
		return null;
	}

	/**
	 * Item.getMissing only waits for other clients; a reference to a clock of the item's own client
	 * that is not there yet makes Yjs throw half-way through applying the update.
	 */
	private checkAvailable(item: Y.Item) {
		const parent = item.parent;
		for (const id of [item.origin, item.rightOrigin, parent instanceof Y.ID ? parent : null])
			if (id !== null && id.clock >= this.simState(id.client)) refuse('unresolved');
	}

	/**
	 * Replays the integration: `visit` sees every item Yjs would integrate, in Yjs's order, with
	 * the place it would take (items that would become GC structs are not visited) and how much
	 * of it the document already has (`offset`: its first `offset` clocks).
	 */
	integrate(visit: (item: Y.Item, place: Place, offset: number) => void): void {
		const targets = new Map<number, { i: number; refs: Struct[] }>();
		for (const [client, refs] of this.byClient) targets.set(client, { i: 0, refs });
		const ids = [...targets.keys()].sort((a, b) => a - b);
		const nextTarget = () => {
			while (ids.length > 0) {
				const t = targets.get(ids[ids.length - 1])!;
				if (t.i < t.refs.length) return t;
				ids.pop();
			}
			return null;
		};
		let current = nextTarget();
		if (current === null) return;
		let head: Struct = current.refs[current.i++];
		const stack: Struct[] = [];
		for (;;) {
			if (!(head instanceof Y.Skip)) {
				const client = head.id.client;
				const offset = this.simState(client) - head.id.clock;
				// a gap before this struct: Yjs would park the rest of this client as pending
				if (offset < 0) refuse('unresolved');
				const missing = head instanceof Y.Item ? this.missing(head) : null;
				if (missing !== null) {
					stack.push(head);
					const target = targets.get(missing);
					if (target === undefined || target.i >= target.refs.length) refuse('unresolved');
					head = target!.refs[target!.i++];
					continue;
				}
				// Yjs resolves the references of every struct, even of one it already has
				if (head instanceof Y.Item) this.checkAvailable(head);
				if (offset === 0 || offset < head.length) {
					if (head.id.clock + head.length > MAX_CLOCK) refuse('malformed');
					if (head instanceof Y.Item) this.place(head, offset, visit);
					this.state.set(client, head.id.clock + head.length);
				}
			}
			if (stack.length > 0) head = stack.pop()!;
			else if (current !== null && current.i < current.refs.length) head = current.refs[current.i++];
			else {
				current = nextTarget();
				if (current === null) break;
				head = current.refs[current.i++];
			}
		}
	}

	private place(item: Y.Item, offset: number, visit: (item: Y.Item, place: Place, offset: number) => void) {
		const loc = this.resolve(item);
		if (offset > 0 && loc !== 'gc') {
			// Yjs links the new part after the part it already has: both must sit in the same place
			const before = this.structAt(Y.createID(item.id.client, item.id.clock + offset - 1));
			if (before === 'gc' || !sameLoc(this.locOf(before), loc)) refuse('malformed');
		}
		this.locs.set(item, loc);
		if (loc !== 'gc') visit(item, loc, offset);
	}

	// ── resolving references ────────────────────────────────────────────────

	/** The struct holding `id`, as Yjs would find it while integrating; refuses unknown clocks. */
	structAt(id: Y.ID): 'gc' | Y.Item {
		if (id.clock < this.liveState(id.client)) {
			const s = Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
			return s instanceof Y.Item ? s : 'gc';
		}
		// not yet integrated (a same-client forward reference would make Yjs throw mid-apply)
		if (id.clock >= this.simState(id.client)) refuse('unresolved');
		const s = findStruct(this.byClient.get(id.client) ?? [], id.clock);
		if (s === undefined || s instanceof Y.Skip) return refuse('unresolved');
		if (s instanceof Y.GC) return 'gc';
		const loc = this.locs.get(s);
		if (loc === undefined) return refuse('unresolved');
		return loc === 'gc' ? 'gc' : s;
	}

	/** Where a live item, or one of this update already integrated, sits. */
	locOf(item: Y.Item): Loc {
		const known = this.locs.get(item);
		if (known !== undefined) return known;
		// a live item
		const parent = item.parent;
		if (!(parent instanceof Y.AbstractType)) return 'gc';
		return { parent: this.normalise(parent), sub: item.parentSub };
	}

	/** Where an item of this update was placed (undefined: not integrated by this walk). */
	placed(item: Y.Item): Loc | undefined {
		return this.locs.get(item);
	}

	/** Roots are referred to by name, whether they come from the update (a string) or the live doc. */
	normalise(type: AnyType): ParentRef {
		if (type._item !== null || type.doc !== this.doc) return type; // nested, or created by this update
		if (this.rootNames === null) {
			this.rootNames = new Map();
			for (const [name, root] of this.doc.share) this.rootNames.set(root, name);
		}
		return this.rootNames.get(type) ?? type;
	}

	/** Whether a type is part of the live document (not created by this update). */
	isLive(type: AnyType): boolean {
		return type._item !== null && type.doc === this.doc;
	}

	/** The parent and key Yjs gives the item when integrating it (Item.getMissing). */
	private resolve(item: Y.Item): Loc {
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return { parent, sub: item.parentSub };
		if (parent instanceof Y.ID) {
			const s = this.structAt(parent);
			if (s === 'gc' || !(s.content instanceof Y.ContentType)) return 'gc';
			return { parent: this.normalise(s.content.type), sub: item.parentSub };
		}
		const left = item.origin !== null ? this.structAt(item.origin) : null;
		const right = item.rightOrigin !== null ? this.structAt(item.rightOrigin) : null;
		if (left === 'gc' || right === 'gc') return 'gc';
		const leftLoc = left !== null ? this.locOf(left) : null;
		const rightLoc = right !== null ? this.locOf(right) : null;
		// origin and right origin always share a parent when an editor inserts; anything else is forged
		if (leftLoc !== null && rightLoc !== null && !sameLoc(leftLoc, rightLoc)) refuse('malformed');
		return leftLoc ?? rightLoc ?? refuse('malformed');
	}

	// ── the delete set ──────────────────────────────────────────────────────

	/**
	 * Deletions of clocks nobody has integrated yet would wait in the store and hit future edits.
	 * An empty range at or past a client's state is one Yjs keeps as pending and then fails to
	 * encode: applying the update throws after its structs went in. Call after `integrate`.
	 */
	checkDeleteSet(): void {
		for (const [client, ranges] of this.update.ds)
			for (const r of ranges) {
				if (!(r.clock >= 0 && r.len >= 0 && r.clock + r.len <= this.simState(client))) refuse('unresolved');
				if (r.len === 0 && r.clock >= this.simState(client)) refuse('malformed');
			}
	}

	/** A client's delete ranges, sorted and merged (a crafted update may repeat or overlap them). */
	deletedRanges(client: number): { start: number; end: number }[] {
		let list = this.merged.get(client);
		if (list === undefined) this.merged.set(client, (list = mergeRanges(this.update.ds.get(client) ?? [])));
		return list;
	}

	/** Whether the update's delete set covers `id`. */
	deletes(id: Y.ID): boolean {
		if (!this.update.ds.has(id.client)) return false;
		const list = this.deletedRanges(id.client);
		let lo = 0;
		let hi = list.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (id.clock < list[mid].start) hi = mid - 1;
			else if (id.clock >= list[mid].end) lo = mid + 1;
			else return true;
		}
		return false;
	}

	/**
	 * Visits what the delete set reaches, client by client and range by range: each live struct
	 * (`live`), then, with `own`, each struct of this update (only its clocks past the live state
	 * count: the update adds and deletes them at once). `from` and `to` bound the clocks of the
	 * struct the set covers (`to` may not exceed `from` for an own struct). Every struct visited
	 * costs one unit of `budget`; past it the walk refuses as 'too_large', or with 'stop' ends
	 * quietly and returns false.
	 */
	forEachDeleted(options: {
		budget: number;
		live: (s: Y.Item | Y.GC, from: number, to: number) => void;
		own?: (s: Struct, from: number, to: number) => void;
		exhausted?: 'refuse' | 'stop';
	}): boolean {
		let budget = options.budget;
		const spend = () => --budget >= 0 || (options.exhausted === 'stop' ? false : refuse('too_large'));
		for (const client of this.update.ds.keys()) {
			const live = this.doc.store.clients.get(client);
			const liveEnd = this.liveState(client);
			const own = this.byClient.get(client) ?? [];
			for (const { start, end } of this.deletedRanges(client)) {
				if (live !== undefined && start < liveEnd) {
					for (let i = Y.findIndexSS(live, start); i < live.length && live[i].id.clock < Math.min(end, liveEnd); i++) {
						if (!spend()) return false;
						const s = live[i];
						options.live(s, Math.max(start, s.id.clock), Math.min(end, s.id.clock + s.length));
					}
				}
				if (options.own === undefined) continue;
				for (let i = firstEndingAfter(own, Math.max(start, liveEnd)); i < own.length && own[i].id.clock < end; i++) {
					if (!spend()) return false;
					const s = own[i];
					options.own(s, Math.max(start, s.id.clock, liveEnd), Math.min(end, s.id.clock + s.length));
				}
			}
		}
		return true;
	}
}

/** Binary search for the struct containing `clock` in a clock-ordered list of structs. */
export function findStruct<T extends { id: Y.ID; length: number }>(structs: T[], clock: number): T | undefined {
	let lo = 0;
	let hi = structs.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const s = structs[mid];
		if (clock < s.id.clock) hi = mid - 1;
		else if (clock >= s.id.clock + s.length) lo = mid + 1;
		else return s;
	}
	return undefined;
}

/** A client's delete ranges, sorted and merged (a crafted update may repeat or overlap them). */
export function mergeRanges(ranges: { clock: number; len: number }[]): { start: number; end: number }[] {
	const merged: { start: number; end: number }[] = [];
	for (const r of [...ranges].sort((a, b) => a.clock - b.clock)) {
		const last = merged[merged.length - 1];
		if (last !== undefined && r.clock <= last.end) last.end = Math.max(last.end, r.clock + r.len);
		else merged.push({ start: r.clock, end: r.clock + r.len });
	}
	return merged;
}

/** Index of the first struct that ends after `clock`. */
function firstEndingAfter(structs: Struct[], clock: number): number {
	let lo = 0;
	let hi = structs.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (structs[mid].id.clock + structs[mid].length > clock) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

export function sameLoc(a: Loc, b: Loc): boolean {
	if (a === 'gc' || b === 'gc') return a === b;
	return a.parent === b.parent && a.sub === b.sub;
}
