import { readBoardControl, readSession, type BoardControl, type SessionControl } from '$lib/domain/workshop/control-model';
import { DocConnection } from './doc-connection.svelte';

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

	/**
	 * `initial` is the state the page was loaded with. This device's stored copy may be
	 * older, so the document is read only once the server has synced it.
	 */
	constructor(options: { workshopId: string; boardId: string; initial: { board: BoardControl; session: SessionControl } }) {
		this.#boardId = options.boardId;
		this.board = options.initial.board;
		this.session = options.initial.session;
		this.connection = new DocConnection({ docName: `control/${options.workshopId}`, presence: false });
		this.connection.doc.on('update', this.#read);
		this.connection.provider.on('sync', this.#read);
	}

	#read = () => {
		if (!this.connection.everSynced) return;
		this.board = readBoardControl(this.connection.doc, this.#boardId);
		this.session = readSession(this.connection.doc);
	};

	destroy(): void {
		this.connection.doc.off('update', this.#read);
		this.connection.destroy();
	}
}
