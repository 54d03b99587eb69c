/**
 * Decides, before the sync server applies a client's Yjs update (v1 encoding) to a board's live
 * Y.Doc, whether applying it keeps the board within the shape and limits of board-model.ts.
 *
 * The guard never mutates the live document and costs O(size of update) plus a few binary
 * searches in the live struct store per referenced item: it decodes the update, replays Yjs's
 * own integration order (`integrateStructs`) against a simulated state vector, and resolves the
 * parent of every struct the way `Item.getMissing` does (an item with an origin inherits the
 * parent and key of the item it references, which may live in the document or earlier in the
 * same update).
 *
 * Rights (board-rights.ts): with a `writer`, changes to an existing card's text, fields or colour
 * and its deletion need the card to be the writer's or the board to allow it; so do renaming and
 * deleting a group not created by the writer, and deleting a wording. A deletion arrives as a
 * delete-set range, not a struct: the ranges are mapped to the live items they delete, within
 * a budget. Setting a root map's key that holds a live entry replaces (deletes) that entry.
 *
 * Anything Yjs could not integrate at once (missing dependencies, gaps, references to unknown
 * clocks, deletions of unknown clocks) is refused as 'unresolved': such structs would otherwise
 * be parked in the store's pending queue and integrated later, without another check.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { CARD_KEYS, GROUP_KEYS, LIMITS, ROOTS, VARIANT_KEYS, type Author } from './board-model';
import { mayChangeCard, mayChangeOthersCards, mayDeleteWordings, mayManageGroup, mayManageOthersGroups, type Writer } from './board-rights';

export type GuardReason =
	| 'too_large'
	| 'malformed'
	| 'unknown_root'
	| 'forbidden_content'
	| 'too_many_cards'
	| 'card_text_too_long'
	| 'statement_too_long'
	| 'field_too_long'
	| 'too_many_groups'
	| 'too_many_variants'
	| 'bad_author'
	| 'not_your_card'
	| 'not_your_group'
	| 'not_allowed'
	| 'unresolved';

export type GuardResult = { ok: true } | { ok: false; reason: GuardReason };

export interface GuardOptions {
	/**
	 * The writing member as the server knows them (their member row: id, name, organisation);
	 * null for a trusted server-side write (no author checks). A card's attribution is what
	 * reports, snapshots and exports show, so it must be exactly this, never what a client claims.
	 */
	author: Author | null;
	/**
	 * Who writes on a board, with the board's rights: their changes to others' cards and
	 * groups, and deletions of wordings, are checked. Absent: no rights rules (a member's own
	 * draft, a server write). A new group's `createdBy` must be `writer.memberId` (else the
	 * author's member id).
	 */
	writer?: Writer;
	/** Largest accepted update in bytes (default 1 MiB). */
	maxBytes?: number;
}

export const DEFAULT_MAX_UPDATE_BYTES = 1024 * 1024;

type RootName = (typeof ROOTS)[number];
type Struct = Y.Item | Y.GC | Y.Skip;
/** Any Yjs type (`unknown` would not accept their differing event types). */
type AnyType = Y.AbstractType<any>;

/** Where a struct's parent is: a root (by name) or a nested type (live, or decoded from this update). */
type ParentRef = string | AnyType;
/** 'gc': Yjs turns the struct into a GC struct on integration (its parent is gone), so it cannot change anything. */
type Loc = 'gc' | { parent: ParentRef; sub: string | null };

type Role =
	| { k: 'root'; name: RootName }
	| { k: 'unknownRoot' }
	| { k: 'card'; isNew: boolean }
	| { k: 'group'; isNew: boolean }
	| { k: 'variant' }
	| { k: 'cardText' }
	| { k: 'variantText' }
	| { k: 'other' };

const OK: GuardResult = { ok: true };
const fail = (reason: GuardReason): GuardResult => ({ ok: false, reason });

class Refusal {
	constructor(readonly reason: GuardReason) {}
}
const refuse = (reason: GuardReason): never => {
	throw new Refusal(reason);
};

const ROOT_SET: ReadonlySet<string> = new Set(ROOTS);
const CARD_KEY_SET: ReadonlySet<string> = new Set(CARD_KEYS);
const GROUP_KEY_SET: ReadonlySet<string> = new Set(GROUP_KEYS);
const VARIANT_KEY_SET: ReadonlySet<string> = new Set(VARIANT_KEYS);

/**
 * A card's attribution: written once, with the card, from the sender's member row; never
 * rewritten or removed while the card lives (deleting the whole card stays allowed).
 */
const ATTRIBUTION: ReadonlyMap<string, (author: Author) => string> = new Map([
	['author', (a: Author) => a.memberId],
	['authorName', (a: Author) => a.name],
	['organisation', (a: Author) => a.organisation]
]);

const ROOT_LIMITS: Record<RootName, { max: number; reason: GuardReason }> = {
	cards: { max: LIMITS.cards, reason: 'too_many_cards' },
	groups: { max: LIMITS.groups, reason: 'too_many_groups' },
	statements: { max: LIMITS.variants, reason: 'too_many_variants' }
};

/**
 * Highest clock a struct may reach. Real clients count one clock per character or value, far
 * below this; a GC or deleted struct claiming more (a few bytes claiming 2^55 clocks) would push
 * the client's state past 2^53, where clock arithmetic turns inexact and the document's state
 * vector no longer decodes (lib0 refuses it): no client could sync it and it could not reload.
 */
export const MAX_CLOCK = 2 ** 32;

/** Upper bound on live structs visited when crediting deletions against a text limit. */
const DELETE_CREDIT_BUDGET = 100_000;
/** Upper bound on live structs visited when mapping deletions to the cards, groups and wordings they remove. */
const DELETE_RIGHTS_BUDGET = 100_000;
/** Card keys anyone may change on any card: where it sits (grouping is everyone's work). */
const PLACEMENT_KEYS: ReadonlySet<string> = new Set(['group', 'order']);

const kindOf = (t: AnyType): 'map' | 'text' | 'other' =>
	t.constructor === Y.Map ? 'map' : t.constructor === Y.Text ? 'text' : 'other';

function childRole(parent: Role, sub: string | null, kind: 'map' | 'text' | 'other', isNew: boolean): Role {
	if (sub === null) return { k: 'other' };
	if (parent.k === 'root' && kind === 'map') {
		if (parent.name === 'cards') return { k: 'card', isNew };
		if (parent.name === 'groups') return { k: 'group', isNew };
		return { k: 'variant' };
	}
	if (sub === 'text' && kind === 'text') {
		if (parent.k === 'card') return { k: 'cardText' };
		if (parent.k === 'variant') return { k: 'variantText' };
	}
	return { k: 'other' };
}

const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Binary search for the struct containing `clock` in a clock-ordered list of structs. */
function findStruct<T extends { id: Y.ID; length: number }>(structs: T[], clock: number): T | undefined {
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

export function checkBoardUpdate(doc: Y.Doc, update: Uint8Array, options: GuardOptions): GuardResult {
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPDATE_BYTES;
	if (!(update instanceof Uint8Array)) return fail('malformed');
	if (update.byteLength > maxBytes) return fail('too_large');
	let decoded: { structs: Struct[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };
	let sections: number;
	try {
		decoded = Y.decodeUpdate(update) as unknown as typeof decoded;
		sections = decoding.readVarUint(decoding.createDecoder(update));
	} catch {
		return fail('malformed');
	}
	try {
		return new Guard(doc, options.author, options.writer ?? null).run(decoded.structs, sections, decoded.ds.clients);
	} catch (e) {
		if (e instanceof Refusal) return fail(e.reason);
		return fail('malformed');
	}
}

class Guard {
	/** Simulated state vector: the live state, advanced as structs of the update would be integrated. */
	private readonly state = new Map<number, number>();
	/** The update's structs per client, in clock order. */
	private readonly byClient = new Map<number, Struct[]>();
	/** Resolved location of every integrated item of the update. */
	private readonly locs = new Map<Y.Item, Loc>();
	/** Roles of types: live types (memoised) and types created by this update. */
	private readonly roles = new Map<AnyType, Role>();
	/** New card maps of this update: their item in `cards`, and their attribution items (all the sender's values). */
	private readonly newCards = new Map<AnyType, { item: Y.Item; keys: Set<string>; stamps: Y.Item[] }>();
	/** New group maps of this update: their item in `groups`, and their `createdBy` items. */
	private readonly newGroups = new Map<AnyType, { item: Y.Item; stamps: Y.Item[] }>();
	/** Live cards whose content (anything but their place) this update changes or deletes. */
	private readonly changedCards = new Set<string>();
	/** Live groups this update renames or deletes. */
	private readonly changedGroups = new Set<string>();
	/** Live wordings this update deletes. */
	private readonly deletedWordings = new Set<string>();
	/** Keys that this update adds to a root map (absent or deleted in the live doc). */
	private readonly newKeys = new Map<RootName, Set<string>>();
	/** Characters inserted per text by this update. */
	private readonly inserted = new Map<AnyType, number>();
	private rootNames: Map<AnyType, string> | null = null;

	constructor(
		private readonly doc: Y.Doc,
		private readonly author: Author | null,
		private readonly writer: Writer | null
	) {}

	run(structs: Struct[], sections: number, ds: Map<number, { clock: number; len: number }[]>): GuardResult {
		this.indexSections(structs, sections);
		this.integrate();
		this.checkDeleteSet(ds);
		this.checkRootCounts();
		this.checkTexts(ds);
		if (this.author !== null) {
			for (const card of this.newCards.values()) if (card.keys.size < ATTRIBUTION.size) refuse('bad_author');
			for (const group of this.newGroups.values()) if (group.stamps.length === 0) refuse('bad_author');
			this.checkAttributionKept(ds);
		}
		if (this.writer !== null) this.checkRights(this.writer, ds);
		return OK;
	}

	// ── decoding ────────────────────────────────────────────────────────────

	/**
	 * Groups structs per client. Yjs keeps only the last section of a client (a repeated or
	 * empty section silently drops structs), so every section must be a distinct, non-empty client.
	 */
	private indexSections(structs: Struct[], sections: number) {
		let runs = 0;
		let current: Struct[] | null = null;
		let currentClient = -1;
		for (const s of structs) {
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
		if (runs !== sections) refuse('malformed');
	}

	private liveState(client: number): number {
		return Y.getState(this.doc.store, client);
	}

	private simState(client: number): number {
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

	private integrate() {
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
					if (head instanceof Y.Item) this.classify(head, offset);
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

	// ── resolving references ────────────────────────────────────────────────

	/** The struct holding `id`, as Yjs would find it while integrating; refuses unknown clocks. */
	private structAt(id: Y.ID): 'gc' | Y.Item {
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

	private locOf(item: Y.Item): Loc {
		const known = this.locs.get(item);
		if (known !== undefined) return known;
		// a live item
		const parent = item.parent;
		if (!(parent instanceof Y.AbstractType)) return 'gc';
		return { parent: this.normalise(parent), sub: item.parentSub };
	}

	/** Roots are referred to by name, whether they come from the update (a string) or the live doc. */
	private normalise(type: AnyType): ParentRef {
		if (type._item !== null || type.doc !== this.doc) return type; // nested, or created by this update
		if (this.rootNames === null) {
			this.rootNames = new Map();
			for (const [name, root] of this.doc.share) this.rootNames.set(root, name);
		}
		return this.rootNames.get(type) ?? type;
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

	private roleOf(ref: ParentRef, depth = 0): Role {
		if (typeof ref === 'string') return ROOT_SET.has(ref) ? { k: 'root', name: ref as RootName } : { k: 'unknownRoot' };
		const known = this.roles.get(ref);
		if (known !== undefined) return known;
		// a live nested type: climb (a board is only root → entry → text deep)
		let role: Role = { k: 'other' };
		const item = ref._item;
		if (depth < 3 && ref.doc === this.doc && item !== null && item.parent instanceof Y.AbstractType) {
			role = childRole(this.roleOf(this.normalise(item.parent), depth + 1), item.parentSub, kindOf(ref), false);
		}
		this.roles.set(ref, role);
		return role;
	}

	// ── classification ──────────────────────────────────────────────────────

	private classify(item: Y.Item, offset: number) {
		const loc = this.resolve(item);
		if (offset > 0 && loc !== 'gc') {
			// Yjs links the new part after the part it already has: both must sit in the same place
			const before = this.structAt(Y.createID(item.id.client, item.id.clock + offset - 1));
			if (before === 'gc' || !sameLoc(this.locOf(before), loc)) refuse('malformed');
		}
		this.locs.set(item, loc);
		if (loc === 'gc') return;
		const role = this.roleOf(loc.parent);
		const content = item.content;
		const sub = loc.sub;
		switch (role.k) {
			case 'unknownRoot':
				return refuse('unknown_root');
			case 'other':
				return refuse('forbidden_content');
			case 'root': {
				if (sub === null) return refuse('forbidden_content');
				const live = this.doc.share.get(role.name)?._map.get(sub);
				// a value written at a live key replaces it: the live card, group or wording is deleted
				if (live !== undefined && !live.deleted) this.removes(role.name, sub);
				if (content instanceof Y.ContentDeleted) return;
				if (!(content instanceof Y.ContentType) || kindOf(content.type) !== 'map') return refuse('forbidden_content');
				const created = childRole(role, sub, 'map', true);
				this.roles.set(content.type, created);
				if (created.k === 'card') this.newCards.set(content.type, { item, keys: new Set(), stamps: [] });
				if (created.k === 'group') this.newGroups.set(content.type, { item, stamps: [] });
				if (live === undefined || live.deleted) {
					let keys = this.newKeys.get(role.name);
					if (keys === undefined) this.newKeys.set(role.name, (keys = new Set()));
					keys.add(sub);
				}
				return;
			}
			case 'card':
			case 'group':
			case 'variant': {
				const keys = role.k === 'card' ? CARD_KEY_SET : role.k === 'group' ? GROUP_KEY_SET : VARIANT_KEY_SET;
				if (sub === null || !keys.has(sub)) return refuse('forbidden_content');
				const stamp = role.k === 'card' && this.author !== null ? ATTRIBUTION.get(sub) : undefined;
				if (stamp !== undefined && role.k === 'card' && !role.isNew) return refuse('bad_author');
				const creator = role.k === 'group' && sub === 'createdBy' && this.author !== null ? (this.writer?.memberId ?? this.author.memberId) : undefined;
				if (creator !== undefined && role.k === 'group' && !role.isNew) return refuse('bad_author');
				if (role.k === 'card' && !role.isNew && !PLACEMENT_KEYS.has(sub)) this.changedCards.add(keyOf(loc.parent as AnyType));
				if (role.k === 'group' && !role.isNew && sub === 'title') this.changedGroups.add(keyOf(loc.parent as AnyType));
				if (content instanceof Y.ContentDeleted) {
					// a deleted value written after the stamp would become the key's value: the card unsigned
					if (stamp !== undefined || creator !== undefined) refuse('bad_author');
					return;
				}
				if (sub === 'text' && role.k !== 'group') {
					if (!(content instanceof Y.ContentType) || kindOf(content.type) !== 'text') return refuse('forbidden_content');
					this.roles.set(content.type, role.k === 'card' ? { k: 'cardText' } : { k: 'variantText' });
					return;
				}
				if (!(content instanceof Y.ContentAny)) return refuse('forbidden_content');
				const max =
					role.k === 'group' && sub === 'title' ? LIMITS.groupTitle : role.k === 'variant' && sub === 'label' ? LIMITS.variantLabel : LIMITS.fieldText;
				for (const v of content.arr) {
					if (!isPrimitive(v)) return refuse('forbidden_content');
					if (typeof v === 'string' && v.length > max) return refuse('field_too_long');
				}
				if (creator !== undefined) {
					if (content.arr.length === 0 || content.arr.some((v) => v !== creator)) return refuse('bad_author');
					this.newGroups.get(loc.parent as AnyType)?.stamps.push(item);
				}
				if (stamp !== undefined) {
					const expected = stamp(this.author!);
					if (content.arr.length === 0 || content.arr.some((v) => v !== expected)) return refuse('bad_author');
					const card = this.newCards.get(loc.parent as AnyType);
					card?.keys.add(sub);
					card?.stamps.push(item);
				}
				return;
			}
			case 'cardText':
			case 'variantText': {
				if (sub !== null) return refuse('forbidden_content');
				if (content instanceof Y.ContentDeleted) return;
				if (!(content instanceof Y.ContentString)) return refuse('forbidden_content');
				const text = loc.parent as AnyType;
				// typing in a live card's text changes that card
				if (role.k === 'cardText' && this.isLive(text)) this.changedCards.add(keyOf(text._item!.parent as AnyType));
				this.inserted.set(text, (this.inserted.get(text) ?? 0) + Math.max(0, item.length - offset));
				return;
			}
		}
	}

	// ── limits ──────────────────────────────────────────────────────────────

	/**
	 * Deletions of clocks nobody has integrated yet would wait in the store and hit future edits.
	 * An empty range at or past a client's state is one Yjs keeps as pending and then fails to
	 * encode: applying the update throws after its structs went in.
	 */
	private checkDeleteSet(ds: Map<number, { clock: number; len: number }[]>) {
		for (const [client, ranges] of ds)
			for (const r of ranges) {
				if (!(r.clock >= 0 && r.len >= 0 && r.clock + r.len <= this.simState(client))) refuse('unresolved');
				if (r.len === 0 && r.clock >= this.simState(client)) refuse('malformed');
			}
	}

	/**
	 * Deleting a card's author, authorName or organisation (a map key's deletion is only a
	 * delete-set entry, no struct), live or new in this update, would unsign it; deleting the
	 * whole card in the same update deletes them too and is allowed. Costs three lookups per live
	 * card (≤ 500), and only for cards whose attribution was written by a client this update
	 * deletes from.
	 */
	private checkAttributionKept(ds: Map<number, { clock: number; len: number }[]>) {
		if (ds.size === 0) return;
		const merged = new Map<number, { start: number; end: number }[]>();
		const deleted = (id: Y.ID): boolean => {
			const ranges = ds.get(id.client);
			if (ranges === undefined) return false;
			let list = merged.get(id.client);
			if (list === undefined) merged.set(id.client, (list = mergeRanges(ranges)));
			let lo = 0;
			let hi = list.length - 1;
			while (lo <= hi) {
				const mid = (lo + hi) >> 1;
				if (id.clock < list[mid].start) hi = mid - 1;
				else if (id.clock >= list[mid].end) lo = mid + 1;
				else return true;
			}
			return false;
		};
		for (const cardItem of this.doc.share.get('cards')?._map.values() ?? []) {
			if (cardItem.deleted || !(cardItem.content instanceof Y.ContentType)) continue;
			const card = cardItem.content.type;
			for (const key of ATTRIBUTION.keys()) {
				const entry = card._map.get(key);
				if (entry === undefined || entry.deleted || !ds.has(entry.id.client)) continue;
				if (deleted(entry.id) && !deleted(cardItem.id)) refuse('bad_author');
			}
		}
		for (const { item, stamps } of this.newCards.values()) for (const stamp of stamps) if (deleted(stamp.id) && !deleted(item.id)) refuse('bad_author');
		// a group's creator likewise (at most LIMITS.groups lookups)
		for (const groupItem of this.doc.share.get('groups')?._map.values() ?? []) {
			if (groupItem.deleted || !(groupItem.content instanceof Y.ContentType)) continue;
			const entry = groupItem.content.type._map.get('createdBy');
			if (entry !== undefined && !entry.deleted && ds.has(entry.id.client) && deleted(entry.id) && !deleted(groupItem.id)) refuse('bad_author');
		}
		for (const { item, stamps } of this.newGroups.values()) for (const stamp of stamps) if (deleted(stamp.id) && !deleted(item.id)) refuse('bad_author');
	}

	// ── rights ──────────────────────────────────────────────────────────────

	private isLive(type: AnyType): boolean {
		return type._item !== null && type.doc === this.doc;
	}

	/** A live entry of a root map is deleted (or replaced) by this update. */
	private removes(root: RootName, key: string) {
		if (root === 'cards') this.changedCards.add(key);
		else if (root === 'groups') this.changedGroups.add(key);
		else this.deletedWordings.add(key);
	}

	/**
	 * Deletions are only delete-set ranges: each live item they delete says what it removes
	 * (a card, a group, a wording, a card's text or field, a group's title). At most
	 * DELETE_RIGHTS_BUDGET live structs are visited; a delete set reaching further is refused.
	 */
	private collectDeletions(ds: Map<number, { clock: number; len: number }[]>) {
		let budget = DELETE_RIGHTS_BUDGET;
		for (const [client, ranges] of ds) {
			const live = this.doc.store.clients.get(client);
			if (live === undefined) continue;
			const liveEnd = this.liveState(client);
			for (const { start, end } of mergeRanges(ranges)) {
				if (start >= liveEnd) continue;
				for (let i = Y.findIndexSS(live, start); i < live.length && live[i].id.clock < Math.min(end, liveEnd); i++) {
					if (--budget < 0) refuse('too_large');
					const s = live[i];
					if (!(s instanceof Y.Item) || s.deleted || !(s.parent instanceof Y.AbstractType)) continue;
					const parent = s.parent as AnyType;
					const role = this.roleOf(this.normalise(parent));
					const sub = s.parentSub;
					if (role.k === 'root') {
						// only the key's current value is the entry (older values are already deleted)
						if (sub !== null && parent._map.get(sub) === s) this.removes(role.name, sub);
					} else if (role.k === 'card') {
						if (sub !== null && !PLACEMENT_KEYS.has(sub)) this.changedCards.add(keyOf(parent));
					} else if (role.k === 'cardText') {
						this.changedCards.add(keyOf(parent._item!.parent as AnyType));
					} else if (role.k === 'group') {
						if (sub === 'title') this.changedGroups.add(keyOf(parent));
					}
				}
			}
		}
	}

	private checkRights(writer: Writer, ds: Map<number, { clock: number; len: number }[]>) {
		// a facilitator (or a board allowing everything) may do all of it: no need to look
		if (mayChangeOthersCards(writer) && mayManageOthersGroups(writer) && mayDeleteWordings(writer)) return;
		this.collectDeletions(ds);
		if (this.deletedWordings.size > 0 && !mayDeleteWordings(writer)) refuse('not_allowed');
		const cards = this.doc.share.get('cards')?._map;
		for (const id of this.changedCards) {
			const item = cards?.get(id);
			if (item === undefined || item.deleted || !(item.content instanceof Y.ContentType)) continue;
			const author = item.content.type._map.get('author');
			const value = author !== undefined && !author.deleted && author.content instanceof Y.ContentAny ? author.content.arr[author.content.arr.length - 1] : '';
			if (!mayChangeCard(writer, { id, author: typeof value === 'string' ? value : '' })) refuse('not_your_card');
		}
		const groups = this.doc.share.get('groups')?._map;
		for (const id of this.changedGroups) {
			const item = groups?.get(id);
			if (item === undefined || item.deleted || !(item.content instanceof Y.ContentType)) continue;
			const creator = item.content.type._map.get('createdBy');
			const value = creator !== undefined && !creator.deleted && creator.content instanceof Y.ContentAny ? creator.content.arr[creator.content.arr.length - 1] : '';
			if (!mayManageGroup(writer, { createdBy: typeof value === 'string' ? value : '' })) refuse('not_your_group');
		}
	}

	private checkRootCounts() {
		for (const [name, keys] of this.newKeys) {
			const { max, reason } = ROOT_LIMITS[name];
			let count = keys.size;
			if (count > max) refuse(reason);
			const root = this.doc.share.get(name);
			if (root !== undefined) for (const item of root._map.values()) if (!item.deleted && ++count > max) refuse(reason);
		}
	}

	private checkTexts(ds: Map<number, { clock: number; len: number }[]>) {
		const over = new Map<AnyType, { excess: number; reason: GuardReason }>();
		for (const [text, added] of this.inserted) {
			const role = this.roles.get(text) ?? this.roleOf(text);
			const isCard = role.k === 'cardText';
			const max = isCard ? LIMITS.cardText : LIMITS.statementText;
			const base = text._item !== null && text.doc === this.doc ? text._length : 0;
			const excess = base + added - max;
			if (excess > 0) over.set(text, { excess, reason: isCard ? 'card_text_too_long' : 'statement_too_long' });
		}
		if (over.size === 0) return;
		// An edit of a full text deletes and inserts in one update: credit the deletions we can verify.
		const credit = this.deletionCredit(ds, over);
		for (const [text, { excess, reason }] of over) if ((credit.get(text) ?? 0) < excess) refuse(reason);
	}

	private deletionCredit(ds: Map<number, { clock: number; len: number }[]>, texts: Map<AnyType, unknown>): Map<AnyType, number> {
		const credit = new Map<AnyType, number>();
		let budget = DELETE_CREDIT_BUDGET;
		const add = (text: AnyType, n: number) => credit.set(text, (credit.get(text) ?? 0) + n);
		for (const [client, ranges] of ds) {
			// merged, so that no clock is credited twice
			const merged = mergeRanges(ranges);
			const live = this.doc.store.clients.get(client);
			const liveEnd = this.liveState(client);
			const own = this.byClient.get(client) ?? [];
			for (const { start, end } of merged) {
				if (live !== undefined && start < liveEnd) {
					for (let i = Y.findIndexSS(live, start); i < live.length && live[i].id.clock < Math.min(end, liveEnd); i++) {
						if (--budget < 0) return credit;
						const s = live[i];
						if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentString && texts.has(s.parent as AnyType)) {
							add(s.parent as AnyType, Math.min(end, s.id.clock + s.length) - Math.max(start, s.id.clock));
						}
					}
				}
				for (let i = firstEndingAfter(own, Math.max(start, liveEnd)); i < own.length && own[i].id.clock < end; i++) {
					const s = own[i];
					if (--budget < 0) return credit;
					if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentString)) continue;
					const loc = this.locs.get(s);
					if (loc === undefined || loc === 'gc' || !texts.has(loc.parent as AnyType)) continue;
					// only the part this update adds was counted
					const from = Math.max(start, s.id.clock, liveEnd);
					const to = Math.min(end, s.id.clock + s.length);
					if (to > from) add(loc.parent as AnyType, to - from);
				}
			}
		}
		return credit;
	}
}

/** The key a live or new entry of a root map is held under (a card's or group's id). */
function keyOf(type: AnyType): string {
	return type._item?.parentSub ?? '';
}

/** A client's delete ranges, sorted and merged (a crafted update may repeat or overlap them). */
function mergeRanges(ranges: { clock: number; len: number }[]): { start: number; end: number }[] {
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

function sameLoc(a: Loc, b: Loc): boolean {
	if (a === 'gc' || b === 'gc') return a === b;
	return a.parent === b.parent && a.sub === b.sub;
}
