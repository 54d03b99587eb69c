import { readBoardControl, readSession, type BoardControl, type SessionControl } from '$lib/domain/workshop/control-model';
import { DocConnection } from './doc-connection.svelte';
import { readRounds, type PublishedRound } from '$lib/domain/voting/published';

/**
 * The workshop's control document, read-only here: the phase, lock and private mode of one
 * board, and the session (where the facilitator sends the room, the timer). Facilitators
 * write it through the server.
 */
export class ControlConnection {
	readonly connection: DocConnection;
	readonly #boardId: string;
	board = $state.raw<BoardControl>({ phase: 'brainstorm', private: false, locked: false });
	session = $state.raw<SessionControl>({ focusBoard: null, focusSeq: 0, timerEnd: null, timerBoard: null, timerLock: false });
	/** The board's voting rounds, newest first, as the server publishes them. */
	rounds = $state.raw<PublishedRound[]>([]);

	/**
	 * `initial` is the state the page was loaded with. This device's stored copy may be
	 * older, so the document is read only once the server has synced it.
	 */
	constructor(options: { workshopId: string; boardId: string; initial: { board: BoardControl; session: SessionControl; rounds?: PublishedRound[] } }) {
		this.#boardId = options.boardId;
		this.board = options.initial.board;
		this.session = options.initial.session;
		this.rounds = options.initial.rounds ?? [];
		this.connection = new DocConnection({ docName: `control/${options.workshopId}`, presence: false });
		this.connection.doc.on('update', this.#read);
		this.connection.provider.on('sync', this.#read);
	}

	#read = () => {
		if (!this.connection.everSynced) return;
		this.board = readBoardControl(this.connection.doc, this.#boardId);
		this.session = readSession(this.connection.doc);
		if (this.#boardId) this.rounds = readRounds(this.connection.doc, this.#boardId);
	};

	destroy(): void {
		this.connection.doc.off('update', this.#read);
		this.connection.destroy();
	}
}
