/**
 * Decides, before the sync server applies a client's Yjs update (v1 encoding) to a board's live
 * Y.Doc, whether applying it keeps the board within the shape and limits of board-model.ts. The
 * walk through the update (Yjs's integration order, parents resolved as Yjs resolves them, the
 * delete set mapped to live items) is `#lib/domain/yjs/update-walk.ts`; this is the board's policy.
 *
 * Rights (board-rights.ts): with a `writer`, changes to an existing card's text, fields or colour
 * and its deletion need the card to be the writer's or the board to allow it; so do renaming and
 * deleting a group not created by the writer, and deleting a wording. A deletion arrives as a
 * delete-set range, not a struct: the ranges are mapped to the live items they delete, within
 * a budget. Setting a root map's key that holds a live entry replaces (deletes) that entry.
 */
import * as Y from 'yjs';
import { BOARD_SHAPE, CARD_ATTRIBUTION, GROUP_CREATOR_KEY, LIMITS, PLACEMENT_KEYS, ROOTS, type Author } from './board-model';
import { mayChangeCard, mayChangeOthersCards, mayDeleteWordings, mayManageGroup, mayManageOthersGroups, type Writer } from './board-rights';
import { Refusal, UpdateWalk, decodeUpdate, refuse as stop, type AnyType, type ParentRef, type Place } from '#lib/domain/yjs/update-walk.js';

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

/** What a place in the board is, by the shape (BOARD_SHAPE): a root, an entry of one, an entry's text. */
type Role =
	{ k: 'root'; root: RootName } | { k: 'unknownRoot' } | { k: 'entry'; root: RootName; isNew: boolean } | { k: 'text'; root: RootName } | { k: 'other' };

const OK: GuardResult = { ok: true };
const fail = (reason: GuardReason): GuardResult => ({ ok: false, reason });
const refuse = (reason: GuardReason): never => stop(reason);

const ROOT_SET: ReadonlySet<string> = new Set(ROOTS);
const KEY_SETS: Record<RootName, ReadonlySet<string>> = {
	cards: new Set(BOARD_SHAPE.cards.keys),
	groups: new Set(BOARD_SHAPE.groups.keys),
	statements: new Set(BOARD_SHAPE.statements.keys)
};
const ATTRIBUTION: ReadonlyMap<string, (author: Author) => string> = new Map(Object.entries(CARD_ATTRIBUTION));
const PLACEMENT: ReadonlySet<string> = new Set(PLACEMENT_KEYS);
const TOO_MANY: Record<RootName, GuardReason> = { cards: 'too_many_cards', groups: 'too_many_groups', statements: 'too_many_variants' };

/** Upper bound on live structs visited when crediting deletions against a text limit. */
const DELETE_CREDIT_BUDGET = 100_000;
/** Upper bound on live structs visited when mapping deletions to the cards, groups and wordings they remove. */
const DELETE_RIGHTS_BUDGET = 100_000;

const kindOf = (t: AnyType): 'map' | 'text' | 'other' => (t.constructor === Y.Map ? 'map' : t.constructor === Y.Text ? 'text' : 'other');

function childRole(parent: Role, sub: string | null, kind: 'map' | 'text' | 'other', isNew: boolean): Role {
	if (sub === null) return { k: 'other' };
	if (parent.k === 'root' && kind === 'map') return { k: 'entry', root: parent.root, isNew };
	if (parent.k === 'entry' && sub === 'text' && kind === 'text' && BOARD_SHAPE[parent.root].text !== null) return { k: 'text', root: parent.root };
	return { k: 'other' };
}

const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function checkBoardUpdate(doc: Y.Doc, update: Uint8Array, options: GuardOptions): GuardResult {
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPDATE_BYTES;
	if (!(update instanceof Uint8Array)) return fail('malformed');
	if (update.byteLength > maxBytes) return fail('too_large');
	const decoded = decodeUpdate(update);
	if (decoded === null) return fail('malformed');
	try {
		return new Guard(new UpdateWalk(doc, decoded), options.author, options.writer ?? null).run();
	} catch (e) {
		if (e instanceof Refusal) return fail(e.reason as GuardReason);
		return fail('malformed');
	}
}

class Guard {
	private readonly doc: Y.Doc;
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

	constructor(
		private readonly walk: UpdateWalk,
		private readonly author: Author | null,
		private readonly writer: Writer | null
	) {
		this.doc = walk.doc;
	}

	run(): GuardResult {
		this.walk.integrate((item, place, offset) => this.classify(item, place, offset));
		this.walk.checkDeleteSet();
		this.checkRootCounts();
		this.checkTexts();
		if (this.author !== null) {
			for (const card of this.newCards.values()) if (card.keys.size < ATTRIBUTION.size) refuse('bad_author');
			for (const group of this.newGroups.values()) if (group.stamps.length === 0) refuse('bad_author');
			this.checkAttributionKept();
		}
		if (this.writer !== null) this.checkRights(this.writer);
		return OK;
	}

	private roleOf(ref: ParentRef, depth = 0): Role {
		if (typeof ref === 'string') return ROOT_SET.has(ref) ? { k: 'root', root: ref as RootName } : { k: 'unknownRoot' };
		const known = this.roles.get(ref);
		if (known !== undefined) return known;
		// a live nested type: climb (a board is only root → entry → text deep)
		let role: Role = { k: 'other' };
		const item = ref._item;
		if (depth < 3 && ref.doc === this.doc && item !== null && item.parent instanceof Y.AbstractType) {
			role = childRole(this.roleOf(this.walk.normalise(item.parent), depth + 1), item.parentSub, kindOf(ref), false);
		}
		this.roles.set(ref, role);
		return role;
	}

	// ── classification ──────────────────────────────────────────────────────

	private classify(item: Y.Item, place: Place, offset: number) {
		const role = this.roleOf(place.parent);
		const content = item.content;
		const sub = place.sub;
		switch (role.k) {
			case 'unknownRoot':
				return refuse('unknown_root');
			case 'other':
				return refuse('forbidden_content');
			case 'root': {
				if (sub === null) return refuse('forbidden_content');
				const live = this.doc.share.get(role.root)?._map.get(sub);
				// a value written at a live key replaces it: the live card, group or wording is deleted
				if (live !== undefined && !live.deleted) this.removes(role.root, sub);
				if (content instanceof Y.ContentDeleted) return;
				if (!(content instanceof Y.ContentType) || kindOf(content.type) !== 'map') return refuse('forbidden_content');
				this.roles.set(content.type, childRole(role, sub, 'map', true));
				if (role.root === 'cards') this.newCards.set(content.type, { item, keys: new Set(), stamps: [] });
				if (role.root === 'groups') this.newGroups.set(content.type, { item, stamps: [] });
				if (live === undefined || live.deleted) {
					let keys = this.newKeys.get(role.root);
					if (keys === undefined) this.newKeys.set(role.root, (keys = new Set()));
					keys.add(sub);
				}
				return;
			}
			case 'entry':
				return this.classifyEntry(item, role, place);
			case 'text': {
				if (sub !== null) return refuse('forbidden_content');
				if (content instanceof Y.ContentDeleted) return;
				if (!(content instanceof Y.ContentString)) return refuse('forbidden_content');
				const text = place.parent as AnyType;
				// typing in a live card's text changes that card
				if (role.root === 'cards' && this.walk.isLive(text)) this.changedCards.add(keyOf(text._item!.parent as AnyType));
				this.inserted.set(text, (this.inserted.get(text) ?? 0) + Math.max(0, item.length - offset));
				return;
			}
		}
	}

	/** A value written into a card, group or wording. */
	private classifyEntry(item: Y.Item, role: Role & { k: 'entry' }, place: Place) {
		const { root, isNew } = role;
		const shape = BOARD_SHAPE[root];
		const sub = place.sub;
		const content = item.content;
		const entry = place.parent as AnyType;
		if (sub === null || !KEY_SETS[root].has(sub)) return refuse('forbidden_content');
		const stamp = root === 'cards' && this.author !== null ? ATTRIBUTION.get(sub) : undefined;
		if (stamp !== undefined && !isNew) return refuse('bad_author');
		const creator = root === 'groups' && sub === GROUP_CREATOR_KEY && this.author !== null ? (this.writer?.memberId ?? this.author.memberId) : undefined;
		if (creator !== undefined && !isNew) return refuse('bad_author');
		if (root === 'cards' && !isNew && !PLACEMENT.has(sub)) this.changedCards.add(keyOf(entry));
		if (root === 'groups' && !isNew && sub === 'title') this.changedGroups.add(keyOf(entry));
		if (content instanceof Y.ContentDeleted) {
			// a deleted value written after the stamp would become the key's value: the card unsigned
			if (stamp !== undefined || creator !== undefined) refuse('bad_author');
			return;
		}
		if (sub === 'text' && shape.text !== null) {
			if (!(content instanceof Y.ContentType) || kindOf(content.type) !== 'text') return refuse('forbidden_content');
			this.roles.set(content.type, { k: 'text', root });
			return;
		}
		if (!(content instanceof Y.ContentAny)) return refuse('forbidden_content');
		const max = (shape.fields as Partial<Record<string, number>>)[sub] ?? LIMITS.fieldText;
		for (const v of content.arr) {
			if (!isPrimitive(v)) return refuse('forbidden_content');
			if (typeof v === 'string' && v.length > max) return refuse('field_too_long');
		}
		if (creator !== undefined) {
			if (content.arr.length === 0 || content.arr.some((v) => v !== creator)) return refuse('bad_author');
			this.newGroups.get(entry)?.stamps.push(item);
		}
		if (stamp !== undefined) {
			const expected = stamp(this.author!);
			if (content.arr.length === 0 || content.arr.some((v) => v !== expected)) return refuse('bad_author');
			const card = this.newCards.get(entry);
			card?.keys.add(sub);
			card?.stamps.push(item);
		}
	}

	// ── limits ──────────────────────────────────────────────────────────────

	/**
	 * Deleting a card's author, authorName or organisation (a map key's deletion is only a
	 * delete-set entry, no struct), live or new in this update, would unsign it; deleting the
	 * whole card in the same update deletes them too and is allowed. Costs three lookups per live
	 * card (≤ 500), and only for cards whose attribution was written by a client this update
	 * deletes from.
	 */
	private checkAttributionKept() {
		const ds = this.walk.update.ds;
		if (ds.size === 0) return;
		const deleted = (id: Y.ID) => this.walk.deletes(id);
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
			const entry = groupItem.content.type._map.get(GROUP_CREATOR_KEY);
			if (entry !== undefined && !entry.deleted && ds.has(entry.id.client) && deleted(entry.id) && !deleted(groupItem.id)) refuse('bad_author');
		}
		for (const { item, stamps } of this.newGroups.values()) for (const stamp of stamps) if (deleted(stamp.id) && !deleted(item.id)) refuse('bad_author');
	}

	// ── rights ──────────────────────────────────────────────────────────────

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
	private collectDeletions() {
		this.walk.forEachDeleted({
			budget: DELETE_RIGHTS_BUDGET,
			live: (s) => {
				if (!(s instanceof Y.Item) || s.deleted || !(s.parent instanceof Y.AbstractType)) return;
				const parent = s.parent as AnyType;
				const role = this.roleOf(this.walk.normalise(parent));
				const sub = s.parentSub;
				if (role.k === 'root') {
					// only the key's current value is the entry (older values are already deleted)
					if (sub !== null && parent._map.get(sub) === s) this.removes(role.root, sub);
				} else if (role.k === 'entry' && role.root === 'cards') {
					if (sub !== null && !PLACEMENT.has(sub)) this.changedCards.add(keyOf(parent));
				} else if (role.k === 'text' && role.root === 'cards') {
					this.changedCards.add(keyOf(parent._item!.parent as AnyType));
				} else if (role.k === 'entry' && role.root === 'groups') {
					if (sub === 'title') this.changedGroups.add(keyOf(parent));
				}
			}
		});
	}

	private checkRights(writer: Writer) {
		// a facilitator (or a board allowing everything) may do all of it: no need to look
		if (mayChangeOthersCards(writer) && mayManageOthersGroups(writer) && mayDeleteWordings(writer)) return;
		this.collectDeletions();
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
			const creator = item.content.type._map.get(GROUP_CREATOR_KEY);
			const value =
				creator !== undefined && !creator.deleted && creator.content instanceof Y.ContentAny ? creator.content.arr[creator.content.arr.length - 1] : '';
			if (!mayManageGroup(writer, { createdBy: typeof value === 'string' ? value : '' })) refuse('not_your_group');
		}
	}

	private checkRootCounts() {
		for (const [root, keys] of this.newKeys) {
			const max = BOARD_SHAPE[root].max;
			let count = keys.size;
			if (count > max) refuse(TOO_MANY[root]);
			const live = this.doc.share.get(root);
			if (live !== undefined) for (const item of live._map.values()) if (!item.deleted && ++count > max) refuse(TOO_MANY[root]);
		}
	}

	private checkTexts() {
		const over = new Map<AnyType, { excess: number; reason: GuardReason }>();
		for (const [text, added] of this.inserted) {
			const role = this.roles.get(text) ?? this.roleOf(text);
			const root = role.k === 'text' ? role.root : 'statements';
			const base = this.walk.isLive(text) ? text._length : 0;
			const excess = base + added - (BOARD_SHAPE[root].text ?? LIMITS.statementText);
			if (excess > 0) over.set(text, { excess, reason: root === 'cards' ? 'card_text_too_long' : 'statement_too_long' });
		}
		if (over.size === 0) return;
		// An edit of a full text deletes and inserts in one update: credit the deletions we can verify.
		const credit = new Map<AnyType, number>();
		const add = (text: AnyType, n: number) => credit.set(text, (credit.get(text) ?? 0) + n);
		this.walk.forEachDeleted({
			budget: DELETE_CREDIT_BUDGET,
			exhausted: 'stop',
			live: (s, from, to) => {
				if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentString && over.has(s.parent as AnyType)) add(s.parent as AnyType, to - from);
			},
			// only the part this update adds was counted
			own: (s, from, to) => {
				if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentString)) return;
				const loc = this.walk.placed(s);
				if (loc === undefined || loc === 'gc' || !over.has(loc.parent as AnyType)) return;
				if (to > from) add(loc.parent as AnyType, to - from);
			}
		});
		for (const [text, { excess, reason }] of over) if ((credit.get(text) ?? 0) < excess) refuse(reason);
	}
}

/** The key a live or new entry of a root map is held under (a card's or group's id). */
function keyOf(type: AnyType): string {
	return type._item?.parentSub ?? '';
}
