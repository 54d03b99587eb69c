import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { watchConnectAttempts } from './connect-watchdog';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** Why the server ended this connection for good: reconnecting would send the same thing again. */
export type ConnectionProblem = 'refused' | 'too_large';

/** y-websocket's auth message (y-protocols/auth): type 2, then 0 = permission denied, then the reason. */
const MESSAGE_AUTH = 2;
const PERMISSION_DENIED = 0;
/** The sync server's close code for a client that reads too slowly: worth reconnecting. */
const CLOSE_TOO_SLOW = 4408;
/** Closed for sending updates faster than the server takes them: nothing was lost, reconnect (the step 2 brings the rest). */
const CLOSE_TOO_MANY = 4429;
const CLOSE_TOO_LARGE = 4413;
/** Failed first attempts before "connecting" becomes "offline". */
const ATTEMPTS_BEFORE_OFFLINE = 2;

export function syncUrl(location: Location): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

/**
 * One shared document in the browser: a Y.Doc kept in IndexedDB (it survives reloads and
 * venue Wi-Fi drops) and synced over the websocket. Browser only.
 *
 * The status is honest: "online" only while the socket is open and the first sync is done;
 * offline whenever the browser says so or the socket is down. Edits made meanwhile stay
 * in the Y.Doc and IndexedDB, and the provider's sync on reconnect sends them.
 */
export class DocConnection {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	readonly #persistence: IndexeddbPersistence | null;
	readonly #storeName: string;
	readonly #unwatch: () => void;

	#socket = $state<'connecting' | 'connected' | 'disconnected'>('connecting');
	#browserOnline = $state(true);
	#everConnected = $state(false);
	#failedAttempts = $state(0);
	/** Synced with the server on the current connection. */
	synced = $state(false);
	/** Synced with the server at least once since the page opened. */
	everSynced = $state(false);
	/** The local copy (IndexedDB) is loaded. */
	stored = $state(false);
	/** The server's reason when it answered a write with "permission denied". */
	denied = $state<string | null>(null);
	problem = $state<ConnectionProblem | null>(null);
	/** The guard's reason when the server refused an update (`update refused: <reason>`), e.g. `not_your_card`. */
	refusal = $state<string | null>(null);

	readonly status: ConnectionStatus = $derived.by(() => {
		if (!this.#browserOnline || this.problem) return 'offline';
		if (this.#socket === 'connected') return this.synced ? 'online' : 'connecting';
		// A first connection still on its way is "connecting"; a lost one is "offline".
		return !this.#everConnected && this.#failedAttempts < ATTEMPTS_BEFORE_OFFLINE ? 'connecting' : 'offline';
	});

	/**
	 * `persist: false` keeps no local copy (the presenter screen: a shared machine that only
	 * reads, and shows nothing older than the server's state). `params` go on the websocket
	 * URL (the presenter's screen token).
	 */
	constructor(options: { docName: string; presence: boolean; persist?: boolean; params?: Record<string, string> }) {
		this.#storeName = `roundtable:${options.docName}`;
		this.#persistence = options.persist === false ? null : new IndexeddbPersistence(this.#storeName, this.doc);
		this.#persistence?.on('synced', () => (this.stored = true));
		this.#browserOnline = navigator.onLine;
		this.provider = new WebsocketProvider(syncUrl(location), options.docName, this.doc, {
			connect: navigator.onLine,
			params: options.params,
			// 44xx means "this will not work again" (refused update, too large), except "too slow" and "too many".
			shouldReconnect: (event) => event.code === CLOSE_TOO_SLOW || event.code === CLOSE_TOO_MANY || !(event.code >= 4400 && event.code < 4500)
		});
		// An attempt made while the network was silently gone may hang for good: try again.
		this.#unwatch = watchConnectAttempts(this.provider);
		if (!options.presence) this.provider.awareness.setLocalState(null);
		// The provider only logs "permission denied"; the interface needs the reason.
		this.provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
			if (decoding.readVarUint(decoder) === PERMISSION_DENIED) this.denied = decoding.readVarString(decoder);
		};
		this.provider.on('status', ({ status }) => {
			this.#socket = status;
			if (status === 'connected') this.#everConnected = true;
		});
		this.provider.on('connection-close', () => {
			if (!this.#everConnected) this.#failedAttempts++;
		});
		this.provider.on('sync', (synced) => {
			this.synced = synced;
			if (synced) this.everSynced = true;
		});
		this.provider.on('closed', ({ code, reason }) => {
			this.problem = code === CLOSE_TOO_LARGE ? 'too_large' : 'refused';
			this.refusal = /^update refused: ([a-z_]+)$/.exec(reason ?? '')?.[1] ?? null;
		});
		// Chromium does not always close an open socket when the network goes; follow the browser.
		addEventListener('online', this.#online);
		addEventListener('offline', this.#offline);
	}

	#online = () => {
		this.#browserOnline = true;
		if (!this.problem) this.provider.connect();
	};

	#offline = () => {
		this.#browserOnline = false;
		this.provider.disconnect();
	};

	/**
	 * After the server refused this device's changes, its copy can never sync again: drop the
	 * local copy and load the board as the server has it.
	 */
	async discardLocalCopy(): Promise<void> {
		this.destroy();
		await this.#persistence?.destroy();
		await clearDocument(this.#storeName);
	}

	destroy(): void {
		this.#unwatch();
		removeEventListener('online', this.#online);
		removeEventListener('offline', this.#offline);
		this.provider.awareness.setLocalState(null);
		this.provider.destroy();
		void this.#persistence?.destroy();
		this.doc.destroy();
	}
}
