import {
	privateCardCount,
	privateWriters,
	readBoardControl,
	readRoster,
	readSession,
	type BoardControl,
	type SessionControl
} from '#lib/domain/workshop/control-model.js';
import type { MemberView } from '#lib/domain/workshop/members.js';
import { DocConnection } from './doc-connection.svelte';
import { readRounds, type PublishedRound } from '#lib/domain/voting/published.js';

export interface ControlInitial {
	board: BoardControl;
	session: SessionControl;
	rounds?: PublishedRound[];
	boards?: Record<string, BoardControl>;
	roster?: MemberView[];
}

/**
 * The workshop's control document, read-only here: phase, lock and private mode of the
 * boards, the session (where the facilitator sends the room and the presenter screen, the
 * timer), the voting rounds, the members and the private cards waiting. Facilitators write
 * it through the server; every screen reads it live, so no count or label is kept from an
 * earlier state.
 */
export class ControlConnection {
	readonly connection: DocConnection;
	readonly #boardId: string;
	readonly #boardIds: readonly string[];
	/** The state of `boardId` (the board this page shows). */
	board = $state.raw<BoardControl>({ phase: 'brainstorm', private: false, locked: false, settings: null });
	/** The state of every board in `boardIds` (consoles and the presenter). */
	boards = $state.raw<Record<string, BoardControl>>({});
	session = $state.raw<SessionControl>({
		focusBoard: null,
		focusSeq: 0,
		timerEnd: null,
		timerBoard: null,
		timerLock: false,
		timerPhase: null,
		screen: 'join',
		screenBoard: null,
		joiningOpen: null
	});
	/** The board's voting rounds, newest first, as the server publishes them. */
	rounds = $state.raw<PublishedRound[]>([]);
	/** The members, as the server publishes them on every join and role change. */
	roster = $state.raw<MemberView[]>([]);
	/** Private cards waiting for the reveal on `boardId`, and how many members wrote them. */
	privateCards = $state(0);
	privateWriters = $state(0);
	/** Bumped on every change: what reads the document through the methods below depends on it. */
	version = $state(0);

	/**
	 * `initial` is the state the page was loaded with. This device's stored copy may be
	 * older, so the document is read only once the server has synced it.
	 */
	constructor(options: { workshopId: string; boardId: string; boardIds?: readonly string[]; initial: ControlInitial; screenToken?: string }) {
		this.#boardId = options.boardId;
		this.#boardIds = options.boardIds ?? [];
		this.board = options.initial.board;
		this.boards = options.initial.boards ?? {};
		this.session = options.initial.session;
		this.rounds = options.initial.rounds ?? [];
		this.roster = options.initial.roster ?? [];
		this.connection = new DocConnection({
			docName: `control/${options.workshopId}`,
			presence: false,
			...(options.screenToken ? { persist: false, params: { screen: options.screenToken } } : {})
		});
		this.connection.doc.on('update', this.#read);
		this.connection.provider.on('sync', this.#read);
	}

	#read = () => {
		if (!this.connection.everSynced) return;
		const doc = this.connection.doc;
		this.board = readBoardControl(doc, this.#boardId);
		this.boards = Object.fromEntries(this.#boardIds.map((id) => [id, readBoardControl(doc, id)]));
		this.session = readSession(doc);
		if (this.#boardId) this.rounds = readRounds(doc, this.#boardId);
		const roster = readRoster(doc);
		// Workshops from before the roster existed have none until the server writes it.
		if (roster.length) this.roster = roster;
		this.privateCards = this.#boardId ? privateCardCount(doc, this.#boardId) : 0;
		this.privateWriters = this.#boardId ? privateWriters(doc, this.#boardId) : 0;
		this.version++;
	};

	// For any board (the presenter follows whichever board is on screen); live through `version`.
	roundsOf(boardId: string): PublishedRound[] {
		return this.version >= 0 && this.connection.everSynced ? readRounds(this.connection.doc, boardId) : this.rounds.filter((r) => r.boardId === boardId);
	}

	boardOf(boardId: string): BoardControl {
		return this.version >= 0 && this.connection.everSynced ? readBoardControl(this.connection.doc, boardId) : (this.boards[boardId] ?? this.board);
	}

	privateOf(boardId: string): { cards: number; writers: number } {
		if (!(this.version >= 0 && this.connection.everSynced)) return { cards: 0, writers: 0 };
		return { cards: privateCardCount(this.connection.doc, boardId), writers: privateWriters(this.connection.doc, boardId) };
	}

	destroy(): void {
		this.connection.doc.off('update', this.#read);
		this.connection.destroy();
	}
}
