import * as Y from 'yjs';
import type { Attachment } from 'svelte/attachments';
import * as board from '#lib/domain/board/board-model.js';
import type { BoardView, CardColour, CardView, GoalField, Grouping } from '#lib/domain/board/board-model.js';
import type { MemberRole } from '#lib/domain/workshop/roles.js';
import { mayChangeCard, mayDeleteWordings, mayManageGroup, type BoardRights, type Writer } from '#lib/domain/board/board-rights.js';
import { DocConnection } from './doc-connection.svelte';
import { SaveState } from './save-state.svelte';
import { bindText } from './text-binding';
import { readPeers, type Peer } from './peers';
import { reuseUnchanged } from './view-reuse';
import { frameScheduler } from './frame';

export type ReadOnlyReason = 'observer' | 'locked' | 'denied';

/** A board's rights and anonymity as this page last heard of them (the server enforces its own). */
export interface BoardSettingsView {
	rights: BoardRights;
	anonymous: boolean;
}

export interface BoardMember {
	id: string;
	name: string;
	organisation: string;
	role: MemberRole;
	/** Index of the member's presence colour (PRESENCE_COLOURS) */
	colour: number;
	workgroup?: string | null;
}

const EMPTY: BoardView = { groups: [], ungrouped: [], variants: [], cardCount: 0 };
/** What the server says when a write reaches a locked board (sync/connection.ts). */
const LOCKED_REASON = 'board is locked';
const TYPING_IDLE_MS = 3000;

/**
 * A board as this browser sees it: the document (through the board model's verbs only),
 * a plain view redrawn at most once a frame, who else is here, and undo for this
 * member's own changes.
 */
export class BoardConnection {
	readonly connection: DocConnection;
	/** Whether this member's changes are in the server's database yet (the badge says so). */
	readonly save: SaveState;
	/** Every change made here carries this origin; the undo manager tracks nothing else. */
	readonly origin = { board: 'local' };
	/** Changes that must not be undone from here (see deleteCard). */
	readonly #untracked = { board: 'untracked' };
	readonly #undo: Y.UndoManager;
	readonly #me: BoardMember;
	readonly #locked: () => boolean;
	readonly #frames = frameScheduler(() => (this.view = reuseUnchanged(this.view, board.readBoard(this.doc))));
	readonly #settings: () => BoardSettingsView | null;
	/** Anonymous boards: the cards the server recorded as this member's, and those added here since. */
	readonly #own: Set<string>;
	#typingTimer: ReturnType<typeof setTimeout> | null = null;

	view = $state.raw<BoardView>(EMPTY);
	peers = $state.raw<Peer[]>([]);
	/** The phase this member said they are done with ("I'm done"), shared as presence. */
	done = $state<string | null>(null);
	canUndo = $state(false);
	canRedo = $state(false);
	/** A card or group title just created here, to focus once it is drawn. */
	focusRequest = $state<string | null>(null);
	/** A board limit this member just ran into (cards, groups, variants). */
	limit = $state<string | null>(null);

	readonly readOnlyReason: ReadOnlyReason | null = $derived.by(() => {
		if (this.#me.role === 'observer') return 'observer';
		if (this.#locked()) return 'locked';
		const denied = this.connection.denied;
		// A "locked" refusal is over once the board is unlocked; any other refusal stands.
		if (denied && denied !== LOCKED_REASON) return 'denied';
		return null;
	});
	readonly canEdit = $derived(this.readOnlyReason === null);

	/**
	 * `draft`: a member's private-brainstorm document (cards only, nobody else there):
	 * no presence and no statement.
	 */
	constructor(options: {
		docName: string;
		me: BoardMember;
		locked: () => boolean;
		draft?: boolean;
		settings?: () => BoardSettingsView;
		ownCards?: readonly string[];
	}) {
		this.#me = options.me;
		this.#locked = options.locked;
		// a draft is its member's alone: every card in it is theirs
		this.#settings = options.draft ? () => null : (options.settings ?? (() => null));
		this.#own = new Set(options.ownCards ?? []);
		this.connection = new DocConnection({ docName: options.docName, presence: !options.draft });
		this.save = new SaveState(this.connection.provider);
		const doc = this.connection.doc;
		this.#undo = new Y.UndoManager(board.rootsOf(doc), {
			trackedOrigins: new Set([this.origin]),
			captureTimeout: 500
		});
		const stacks = () => {
			this.canUndo = this.#undo.canUndo();
			this.canRedo = this.#undo.canRedo();
		};
		this.#undo.on('stack-item-added', stacks);
		this.#undo.on('stack-item-popped', stacks);
		this.#undo.on('stack-cleared', stacks);
		doc.on('update', this.#schedule);
		if (!options.draft) {
			const awareness = this.connection.provider.awareness;
			awareness.setLocalState({ editing: null, typing: null });
			awareness.on('change', this.#readPeers);
			this.connection.provider.on('sync', this.#ensureMainWording);
		}
		this.#schedule();
	}

	get doc(): Y.Doc {
		return this.connection.doc;
	}

	get me(): BoardMember {
		return this.#me;
	}

	#schedule = () => this.#frames.schedule();
	/** Draws the view now: after this member adds something, the next keystroke must find it on screen. */
	#render = () => this.#frames.now();

	#readPeers = () => {
		this.peers = readPeers(this.connection.provider.awareness.getStates() as Map<number, Record<string, unknown>>, this.doc.clientID);
	};

	/** The main wording exists from the first sync on, so two people never create it at once while typing. */
	#ensureMainWording = (synced: boolean) => {
		if (!synced || !this.canEdit || board.hasVariant(this.doc, board.MAIN_VARIANT)) return;
		this.#attempt(() => board.ensureVariant(this.doc, board.MAIN_VARIANT, '', this.#untracked));
	};

	#attempt<T>(fn: () => T): T | null {
		if (!this.canEdit) return null;
		try {
			this.limit = null;
			return fn();
		} catch (error) {
			if (error instanceof board.BoardLimitError) {
				this.limit = error.limit;
				return null;
			}
			throw error;
		}
	}

	/** What the server holds this member to on this board (null: a draft, all theirs). */
	#writer(): Writer | null {
		const settings = this.#settings();
		return settings && { memberId: this.#me.id, role: this.#me.role, rights: settings.rights, ownCards: this.#own };
	}

	addCard(group = ''): string | null {
		const me = this.#me;
		// An anonymous board's card names nobody; the server records its author privately.
		const author = this.#settings()?.anonymous ? board.NO_AUTHOR : { memberId: me.id, name: me.name, organisation: me.organisation };
		const id = this.#attempt(() => board.addCard(this.doc, { author, group }, this.origin));
		if (id) this.#own.add(id);
		if (id) {
			this.#render();
			this.focusRequest = id;
		}
		return id;
	}

	setCardColour(cardId: string, colour: CardColour): void {
		this.#attempt(() => board.setCardColour(this.doc, cardId, colour, this.origin));
	}

	setCardField(cardId: string, field: GoalField, value: string): void {
		this.#attempt(() => board.setCardField(this.doc, cardId, field, value, this.origin));
	}

	moveCard(cardId: string, group: string, order?: number): void {
		this.#attempt(() => board.moveCard(this.doc, cardId, group, this.origin, order));
	}

	/** May change the card's text, fields and colour, and delete it. */
	canChangeCard(card: CardView): boolean {
		const writer = this.#writer();
		return this.canEdit && (writer === null || mayChangeCard(writer, card));
	}

	canDelete(card: CardView): boolean {
		return this.canChangeCard(card);
	}

	/** May rename, merge away and remove the group (anyone may create groups and move them). */
	canManageGroup(group: { createdBy: string }): boolean {
		const writer = this.#writer();
		return this.canEdit && (writer === null || mayManageGroup(writer, group));
	}

	get canDeleteWordings(): boolean {
		const writer = this.#writer();
		return this.canEdit && (writer === null || mayDeleteWordings(writer));
	}

	/** The card is this member's (its author, or the server's record on an anonymous board). */
	owns(card: CardView): boolean {
		return card.author === this.#me.id || this.#own.has(card.id);
	}

	/**
	 * Only the author's own deletions can be undone: undoing re-creates the card, and the
	 * server accepts a new card only with the writer as its author.
	 */
	deleteCard(card: CardView): void {
		if (!this.canDelete(card)) return;
		this.#attempt(() => board.deleteCard(this.doc, card.id, this.owns(card) ? this.origin : this.#untracked));
	}

	addGroup(): string | null {
		const id = this.#attempt(() => board.addGroup(this.doc, '', this.origin, { createdBy: this.#me.id }));
		if (id) {
			this.#render();
			this.focusRequest = `group:${id}`;
		}
		return id;
	}

	renameGroup(groupId: string, title: string): void {
		this.#attempt(() => board.renameGroup(this.doc, groupId, title, this.origin));
	}

	/** Several cards at once (drag and drop, a multi-selection, the keyboard): one undo step. */
	moveCards(cardIds: readonly string[], group: string, before: string | null = null): void {
		this.#attempt(() => board.moveCards(this.doc, cardIds, group, this.origin, before));
	}

	mergeGroups(from: string, into: string): void {
		this.#attempt(() => board.mergeGroups(this.doc, from, into, this.origin));
	}

	moveGroup(groupId: string, direction: -1 | 1): void {
		this.#attempt(() => board.moveGroup(this.doc, groupId, direction, this.origin));
	}

	removeGroup(groupId: string): void {
		this.#attempt(() => board.removeGroup(this.doc, groupId, this.origin));
	}

	/**
	 * Files cards into groups (a suggestion the facilitator accepted) as one undo step of its
	 * own: not merged with an edit made just before or after it.
	 */
	applyGrouping(grouping: readonly Grouping[]): boolean {
		this.#undo.stopCapturing();
		const ids = this.#attempt(() => board.applyGrouping(this.doc, grouping, this.origin, this.#me.id));
		this.#undo.stopCapturing();
		if (ids) this.#render();
		return ids !== null;
	}

	addVariant(from: string): string | null {
		const id = this.#attempt(() => board.addVariant(this.doc, '', from, this.origin));
		if (id) this.#render();
		return id;
	}

	renameVariant(variantId: string, label: string): void {
		this.#attempt(() => board.renameVariant(this.doc, variantId, label, this.origin));
	}

	removeVariant(variantId: string): void {
		this.#attempt(() => board.removeVariant(this.doc, variantId, this.origin));
	}

	bindCardText(cardId: string): Attachment<HTMLTextAreaElement> {
		return bindText({
			doc: this.doc,
			resolve: () => board.cardText(this.doc, cardId),
			write: (splice) => this.#attempt(() => board.spliceCardText(this.doc, cardId, splice, this.origin)),
			undo: () => this.undo(),
			redo: () => this.redo()
		});
	}

	bindVariantText(variantId: string): Attachment<HTMLTextAreaElement> {
		return bindText({
			doc: this.doc,
			resolve: () => board.variantText(this.doc, variantId),
			write: (splice) => {
				this.#attempt(() => board.spliceVariantText(this.doc, variantId, splice, this.origin));
				this.setTyping(variantId);
			},
			undo: () => this.undo(),
			redo: () => this.redo()
		});
	}

	/** Presence: the card this member is writing in. */
	setEditing(cardId: string | null): void {
		const awareness = this.connection.provider.awareness;
		if (awareness.getLocalState()?.editing !== cardId) awareness.setLocalStateField('editing', cardId);
	}

	/** "I'm done" with a phase (or not, with null): the facilitator sees the counts. */
	setDone(phase: string | null): void {
		this.done = phase;
		this.connection.provider.awareness.setLocalStateField('done', phase);
	}

	/** Presence: typing in a statement variant; clears itself after a pause. */
	setTyping(variantId: string | null): void {
		const awareness = this.connection.provider.awareness;
		if (this.#typingTimer) clearTimeout(this.#typingTimer);
		this.#typingTimer = variantId ? setTimeout(() => this.setTyping(null), TYPING_IDLE_MS) : null;
		if (awareness.getLocalState()?.typing !== variantId) awareness.setLocalStateField('typing', variantId);
	}

	undo(): void {
		if (this.canEdit) this.#undo.undo();
	}

	redo(): void {
		if (this.canEdit) this.#undo.redo();
	}

	destroy(): void {
		this.#frames.cancel();
		if (this.#typingTimer) clearTimeout(this.#typingTimer);
		this.connection.provider.awareness.off('change', this.#readPeers);
		this.doc.off('update', this.#schedule);
		this.#undo.destroy();
		this.save.destroy();
		this.connection.destroy();
	}
}
