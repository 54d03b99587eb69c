import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_RIGHTS } from '#lib/domain/board/board-rights.js';
import type { Access } from './access';
import type { Socket } from './connection';
import { parseDocName } from './doc-name';
import { MemoryDocumentStore } from './memory-store';
import type { PendingWrite } from './persistence';
import { MESSAGE_SYNC, SYNC_UPDATE } from './protocol';
import { SyncServer } from './sync-server';

/** The sync core on the in-memory store: what is relayed, and when, needs no database. */

const workshopId = crypto.randomUUID();
const board = () => parseDocName(`board/${crypto.randomUUID()}`)!;

/** A socket that keeps what it is sent. */
function socket(): Socket & { sent: Uint8Array[] } {
	const sent: Uint8Array[] = [];
	return { sent, bufferedAmount: 0, send: (data) => void sent.push(data), close: () => {} };
}

const reader = (doc: Access['doc']): Access => ({
	doc,
	workshopId,
	user: { memberId: crypto.randomUUID(), name: 'Ada', organisation: 'Org', colour: '#000', role: 'observer' },
	writer: false,
	locked: false,
	rights: DEFAULT_RIGHTS,
	anonymous: false,
	ownCards: null
});

const relayed = (s: { sent: Uint8Array[] }) => s.sent.filter((m) => m[0] === MESSAGE_SYNC && m[1] === SYNC_UPDATE).length;

/** A store whose appends wait until `open()`. */
class GatedStore extends MemoryDocumentStore {
	#open = () => {};
	readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));
	open(): void {
		this.#open();
	}
	override async append(writes: PendingWrite[]): Promise<number> {
		await this.#gate;
		return super.append(writes);
	}
}

describe('the sync core on the in-memory store', () => {
	test('an update is relayed only after its commit, and then once', async () => {
		const store = new GatedStore();
		const sync = new SyncServer({ store, log: () => {} });
		const doc = board();
		const watcher = socket();
		await sync.attach(watcher, reader(doc));
		const written = sync.write({ doc, workshopId }, (d) => d.getText('t').insert(0, 'hello'));
		await new Promise((r) => setTimeout(r, 50));
		expect(relayed(watcher)).toBe(0);
		expect((await store.load(doc.name)).updates).toEqual([]);
		store.open();
		await written;
		expect(relayed(watcher)).toBe(1);
		expect((await store.load(doc.name)).updates).toHaveLength(1);
		await sync.close();
	});

	test('a room unloads into a compacted state that a new server loads back', async () => {
		const store = new MemoryDocumentStore();
		const doc = board();
		const first = new SyncServer({ store, unloadAfterMs: 10, log: () => {} });
		for (const word of ['one ', 'two ', 'three']) await first.write({ doc, workshopId }, (d) => d.getText('t').insert(d.getText('t').length, word));
		await expect.poll(() => first.roomCount).toBe(0);
		const stored = await store.load(doc.name);
		expect(stored.state).not.toBeNull();
		expect(stored.updates).toEqual([]);
		await first.close();
		const second = new SyncServer({ store, log: () => {} });
		const loaded: Y.Doc = await second.read({ doc, workshopId });
		expect(loaded.getText('t').toString()).toBe('one two three');
		await second.close();
	});
});
