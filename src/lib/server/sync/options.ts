import type { DocumentStore } from './persistence';

export interface SyncOptions {
	store: DocumentStore;
	/** Compact a document's log past this many bytes or updates. */
	compactAfterBytes?: number;
	compactAfterUpdates?: number;
	/** Unload a document this long after its last connection left. */
	unloadAfterMs?: number;
	/** Close a connection whose unsent data exceeds this. */
	maxBufferedBytes?: number;
	/**
	 * Updates one connection may send (each accepted one is a row in board_updates): `updateBurst`
	 * at once, then `updatesPerSecond` sustained; past that the connection is closed (4429) and the
	 * update not applied. Measured in Chromium with the real client (y-websocket provider, board
	 * page, Playwright typing 132 characters into a card): one update message per keystroke and
	 * nothing else — 13 a second at 60 ms between keys (a very fast typist), 22 at 30 ms, 56 with
	 * no delay at all (no person). A held key repeats at up to ~30/s (the fastest OS setting;
	 * not measured here). 100 at once and 40/s leave all people untouched and stop a flood.
	 */
	updateBurst?: number;
	updatesPerSecond?: number;
	/** Largest document (stored state + log) before further growth is refused. */
	maxDocumentBytes?: number;
	/** Minimum time between two presence broadcasts of one room. */
	awarenessIntervalMs?: number;
	/**
	 * Largest share of time a room's relays may take (0 < share ≤ 1): after a relay to a room
	 * that took d ms, its next waits d × (1/share − 1) ms (see Room.relayUpdate), so that a room
	 * of a thousand people gets fewer, fuller messages instead of a relay loop that never stops.
	 * Small rooms relay in well under a millisecond and are not held back.
	 */
	relayShare?: number;
	log?: (message: string, error?: unknown) => void;
}

export type Limits = Required<Omit<SyncOptions, 'store' | 'log'>>;

export function limitsOf(options: SyncOptions): Limits {
	return {
		compactAfterBytes: options.compactAfterBytes ?? 512 * 1024,
		compactAfterUpdates: options.compactAfterUpdates ?? 500,
		unloadAfterMs: options.unloadAfterMs ?? 30_000,
		maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
		updateBurst: options.updateBurst ?? 100,
		updatesPerSecond: options.updatesPerSecond ?? 40,
		maxDocumentBytes: options.maxDocumentBytes ?? 16 * 1024 * 1024,
		awarenessIntervalMs: options.awarenessIntervalMs ?? 50,
		relayShare: Math.min(1, Math.max(0.05, options.relayShare ?? 0.5))
	};
}
