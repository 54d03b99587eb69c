import { readBoard, type BoardView } from '#lib/domain/board/board-model.js';
import { DocConnection } from './doc-connection.svelte';
import { readPeers, type Peer } from './peers';
import { reuseUnchanged } from './view-reuse';
import { frameScheduler } from './frame';

const EMPTY: BoardView = { groups: [], ungrouped: [], variants: [], cardCount: 0 };

/**
 * A board read by the presenter screen through its screen link: the server admits it
 * read-only, it keeps no local copy and shows no presence of its own. The view is redrawn
 * at most once a frame; presence (who is done) is read from the others.
 */
export class BoardWatch {
	readonly connection: DocConnection;
	view = $state.raw<BoardView>(EMPTY);
	peers = $state.raw<Peer[]>([]);
	readonly #frames = frameScheduler(() => (this.view = reuseUnchanged(this.view, readBoard(this.connection.doc))));

	constructor(options: { boardId: string; screenToken: string }) {
		this.connection = new DocConnection({ docName: `board/${options.boardId}`, presence: false, persist: false, params: { screen: options.screenToken } });
		this.connection.doc.on('update', this.#schedule);
		this.connection.provider.awareness.on('change', this.#readPeers);
	}

	#schedule = () => this.#frames.schedule();

	#readPeers = () => {
		this.peers = readPeers(this.connection.provider.awareness.getStates() as Map<number, Record<string, unknown>>, this.connection.doc.clientID);
	};

	destroy(): void {
		this.#frames.cancel();
		this.connection.provider.awareness.off('change', this.#readPeers);
		this.connection.destroy();
	}
}
