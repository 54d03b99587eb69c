import * as Y from 'yjs';
import { MAX_CLOCK, checkBoardUpdate, type GuardReason, type GuardResult } from '$lib/domain/board/update-guard';
import { readBoardControl } from '$lib/domain/workshop/control-model';
import { NO_AUTHOR } from '$lib/domain/board/board-model';
import type { Access } from './access';
import type { Room } from './room';

const MAX_UPDATE_BYTES = 1024 * 1024;
const MAX_CONTROL_UPDATE_BYTES = 64 * 1024;
/** Upper bound on live structs visited when checking a control update's deletions. */
const CONTROL_DELETE_BUDGET = 50_000;

/** The rules each kind of document holds its updates to, before anything is applied. */
export function checkUpdate(room: Room, update: Uint8Array, access: Access): GuardResult {
	if (update.length > MAX_UPDATE_BYTES) return { ok: false, reason: 'too_large' };
	// Name and organisation as the member row had them when this connection was authorised.
	const { memberId, name, organisation, role } = access.user;
	switch (access.doc.kind) {
		case 'board':
			return checkBoardUpdate(room.doc, update, {
				// an anonymous board's cards name nobody: the server records their author (card_authors)
				author: access.anonymous ? NO_AUTHOR : { memberId, name, organisation },
				writer: { memberId, role, rights: access.rights, ownCards: access.ownCards ?? undefined },
				maxBytes: MAX_UPDATE_BYTES
			});
		case 'draft':
			// a member's own draft: every card in it is theirs, and the reveal signs them anew
			return checkBoardUpdate(room.doc, update, { author: { memberId, name, organisation }, maxBytes: MAX_UPDATE_BYTES });
		case 'control':
			return checkControlUpdate(room.doc, update);
	}
}

/**
 * Why a connection may not write this document now, beyond its role and locks (null: it may).
 * A draft takes writes only while its board is in private brainstorming, as the workshop's
 * control document says: outside it a draft is a place to read one's cards back, not a second
 * board that no limit of the reveal would see filling up.
 */
export function writeRefusal(room: Room, access: Access): string | null {
	if (access.doc.kind !== 'draft') return null;
	if (room.control && readBoardControl(room.control.doc, access.doc.boardId).private) return null;
	return 'draft closed: the board is not in private brainstorming';
}

class ControlRefusal {
	constructor(readonly reason: GuardReason) {}
}
const refuse = (reason: GuardReason): never => {
	throw new ControlRefusal(reason);
};

/**
 * Where an item sits in a control document: in a root a facilitator may write (`boards`,
 * `session`), in one board's entry of `boards`, or nowhere (Yjs turns it into a GC struct).
 */
type Place = 'boards' | 'session' | 'boardEntry' | 'gc' | 'forbidden';
interface Loc {
	place: Place;
	sub: string | null;
}

const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Control documents are written by facilitators only, and even they only within the shape
 * control-model.ts reads: `boards` maps board ids to flat maps of primitives, `session` maps
 * keys to primitives. Everything else — the server-written `rounds` root, other roots, values
 * of other types, deeper nesting (thousands of nested maps overflow the stack when Yjs later
 * deletes or collects them), structs Yjs would park as pending and integrate later unchecked —
 * is refused. A struct's place is resolved as Yjs resolves it: an item without parent info
 * takes the parent and key of its origin, which may be a server-written item of any root.
 */
function checkControlUpdate(doc: Y.Doc, update: Uint8Array): GuardResult {
	if (update.length > MAX_CONTROL_UPDATE_BYTES) return { ok: false, reason: 'too_large' };
	let decoded: { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };
	try {
		decoded = Y.decodeUpdate(update) as unknown as typeof decoded;
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	try {
		new ControlCheck(doc).run(decoded.structs, decoded.ds.clients);
		return { ok: true };
	} catch (e) {
		return { ok: false, reason: e instanceof ControlRefusal ? e.reason : 'malformed' };
	}
}

class ControlCheck {
	/** The update's structs per client, in clock order, and the place of each checked item. */
	private readonly own = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
	private readonly locs = new Map<Y.Item, Loc>();
	/** Types created by this update, by the place their entries take. */
	private readonly created = new Map<Y.AbstractType<unknown>, Place>();
	/** The state as Yjs would have it after each struct so far. */
	private readonly state = new Map<number, number>();

	constructor(private readonly doc: Y.Doc) {}

	run(structs: (Y.Item | Y.GC | Y.Skip)[], ds: Map<number, { clock: number; len: number }[]>): void {
		let current: (Y.Item | Y.GC | Y.Skip)[] | null = null;
		for (const s of structs) {
			if (current === null || current[0].id.client !== s.id.client) {
				// Yjs keeps only the last section of a client: a repeated one would drop structs checked here
				if (this.own.has(s.id.client)) refuse('malformed');
				current = [];
				this.own.set(s.id.client, current);
			}
			current.push(s);
		}
		for (const s of structs) {
			if (s instanceof Y.Skip) continue;
			// a gap: Yjs would keep the struct pending and integrate it later, unchecked
			if (s.id.clock > this.stateOf(s.id.client)) refuse('unresolved');
			if (s.id.clock + s.length > MAX_CLOCK) refuse('malformed');
			if (s instanceof Y.Item) this.check(s);
			this.state.set(s.id.client, Math.max(this.stateOf(s.id.client), s.id.clock + s.length));
		}
		this.checkDeletes(ds);
	}

	private stateOf(client: number): number {
		return this.state.get(client) ?? Y.getState(this.doc.store, client);
	}

	private check(item: Y.Item): void {
		const loc = this.resolve(item);
		this.locs.set(item, loc);
		if (loc.place === 'gc') return;
		if (loc.place === 'forbidden') refuse(typeof item.parent === 'string' ? 'unknown_root' : 'forbidden_content');
		if (loc.sub === null) refuse('forbidden_content');
		const content = item.content;
		if (content instanceof Y.ContentDeleted) return;
		if (loc.place === 'boards') {
			if (!(content instanceof Y.ContentType) || content.type.constructor !== Y.Map) refuse('forbidden_content');
			this.created.set((content as Y.ContentType).type, 'boardEntry');
			return;
		}
		if (!(content instanceof Y.ContentAny) || !content.arr.every(isPrimitive)) refuse('forbidden_content');
	}

	/** The parent and key Yjs gives the item when integrating it (Item.getMissing). */
	private resolve(item: Y.Item): Loc {
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return { place: parent === 'boards' || parent === 'session' ? parent : 'forbidden', sub: item.parentSub };
		if (parent instanceof Y.ID) {
			const s = this.structAt(parent);
			if (s === 'gc' || !(s.content instanceof Y.ContentType)) return { place: 'gc', sub: null };
			return { place: this.placeIn(s.content.type), sub: item.parentSub };
		}
		const ref = item.origin ?? item.rightOrigin ?? refuse('malformed');
		const s = this.structAt(ref);
		if (s === 'gc') return { place: 'gc', sub: null };
		return this.locOf(s);
	}

	/** The item holding `id`, as Yjs would find it; refuses clocks it would have to wait for. */
	private structAt(id: Y.ID): Y.Item | 'gc' {
		if (id.clock < Y.getState(this.doc.store, id.client)) {
			const s = Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
			return s instanceof Y.Item ? s : 'gc';
		}
		if (id.clock >= this.stateOf(id.client)) refuse('unresolved');
		const s = findStruct(this.own.get(id.client) ?? [], id.clock);
		if (s === undefined || s instanceof Y.Skip) return refuse('unresolved');
		if (s instanceof Y.GC) return 'gc';
		return s;
	}

	private locOf(item: Y.Item): Loc {
		const known = this.locs.get(item);
		if (known !== undefined) return known;
		if (!(item.parent instanceof Y.AbstractType)) return { place: 'gc', sub: null };
		return { place: this.placeIn(item.parent), sub: item.parentSub };
	}

	/** What the entries of a type (live, or created by this update) are. */
	private placeIn(type: Y.AbstractType<unknown>): Place {
		const created = this.created.get(type);
		if (created !== undefined) return created;
		if (type.doc !== this.doc) return 'forbidden';
		const boards = this.doc.share.get('boards');
		if (type === boards) return 'boards';
		if (type === this.doc.share.get('session')) return 'session';
		const holder = type._item;
		if (holder !== null && type.constructor === Y.Map && holder.parent === boards && holder.parentSub !== null) return 'boardEntry';
		return 'forbidden';
	}

	/** Deletions too stay within the writable roots, and touch only clocks that exist. */
	private checkDeletes(ds: Map<number, { clock: number; len: number }[]>): void {
		let budget = CONTROL_DELETE_BUDGET;
		for (const [client, ranges] of ds) {
			const live = this.doc.store.clients.get(client) ?? [];
			const liveEnd = Y.getState(this.doc.store, client);
			for (const { clock, len } of ranges) {
				if (!(clock >= 0 && len >= 0 && clock + len <= this.stateOf(client))) refuse('unresolved');
				if (clock >= liveEnd || live.length === 0) continue;
				for (let i = Y.findIndexSS(live, clock); i < live.length && live[i].id.clock < Math.min(clock + len, liveEnd); i++) {
					if (--budget < 0) refuse('too_large');
					const s = live[i];
					if (s instanceof Y.Item && !s.deleted && this.locOf(s).place === 'forbidden') refuse('forbidden_content');
				}
			}
		}
	}
}

/** Binary search for the struct containing `clock` in a clock-ordered list of structs. */
function findStruct<S extends Y.Item | Y.GC | Y.Skip>(structs: S[], clock: number): S | undefined {
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
