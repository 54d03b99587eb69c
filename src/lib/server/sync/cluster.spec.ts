import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_RIGHTS } from '#lib/domain/board/board-rights.js';
import type { Access } from './access';
import { Cluster } from './cluster';
import type { Socket } from './connection';
import { parseDocName } from './doc-name';
import { MemoryDocumentStore } from './memory-store';
import { MESSAGE_SYNC, SYNC_UPDATE } from './protocol';
import type { ControlMessage, Relay, RelayRoomHandlers } from './relay';
import { SyncServer } from './sync-server';

/**
 * The cluster on an in-process relay and the in-memory store: two sync servers share a room
 * through the hooks alone. (Redis, Postgres and two real processes: sync-instances.test.ts.)
 */

/** Pub/sub between the relays of one bus, delivered later as Redis would. */
function bus() {
	const relays = new Set<BusRelay>();
	const later = (fn: () => void) => setImmediate(fn);
	class BusRelay implements Relay {
		readonly instanceId = crypto.randomUUID();
		readonly ready = true;
		readonly rooms = new Map<string, RelayRoomHandlers>();
		readonly controls: ((message: ControlMessage, from: string) => void)[] = [];
		#others = () => [...relays].filter((r) => r !== this);
		async subscribe(doc: string, handlers: RelayRoomHandlers): Promise<void> {
			this.rooms.set(doc, handlers);
		}
		unsubscribe(doc: string): void {
			this.rooms.delete(doc);
		}
		publish(doc: string, update: Uint8Array): void {
			for (const r of this.#others()) later(() => r.rooms.get(doc)?.update(update, this.instanceId));
		}
		publishAwareness(doc: string, update: Uint8Array): void {
			for (const r of this.#others()) later(() => r.rooms.get(doc)?.awareness(update, this.instanceId));
		}
		queryPresence(doc: string): void {
			for (const r of this.#others()) later(() => r.rooms.get(doc)?.presenceQuery(this.instanceId));
		}
		publishControl(message: ControlMessage): void {
			const copy = JSON.parse(JSON.stringify(message)) as ControlMessage;
			for (const r of this.#others()) later(() => r.controls.forEach((h) => h(copy, this.instanceId)));
		}
		onControl(handler: (message: ControlMessage, from: string) => void): void {
			this.controls.push(handler);
		}
		onResync(): void {}
		async close(): Promise<void> {
			relays.delete(this);
		}
	}
	return () => {
		const relay = new BusRelay();
		relays.add(relay);
		return relay;
	};
}

const workshopId = crypto.randomUUID();
const servers: SyncServer[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.close();
});

const store = new MemoryDocumentStore();

function instances(count: number) {
	const relay = bus();
	return Array.from({ length: count }, () => {
		const sync = new SyncServer({ store, log: () => {} });
		new Cluster({ sync, relay: relay(), store, log: () => {} });
		servers.push(sync);
		return sync;
	});
}

function socket(): Socket & { sent: Uint8Array[] } {
	const sent: Uint8Array[] = [];
	return { sent, bufferedAmount: 0, send: (data) => void sent.push(data), close: () => {} };
}

const member = (doc: Access['doc']): Access => ({
	doc,
	workshopId,
	user: { memberId: crypto.randomUUID(), name: 'Ada', organisation: 'Org', colour: '#000', role: 'participant' },
	writer: true,
	locked: false,
	rights: DEFAULT_RIGHTS,
	anonymous: false,
	ownCards: null
});

describe('the cluster, attached through the hooks', () => {
	test('a commit on one instance reaches a connection on the other, and is stored once', async () => {
		const [a, b] = instances(2);
		expect(a.shared && b.shared).toBe(true);
		const doc = parseDocName(`board/${crypto.randomUUID()}`)!;
		const watcher = socket();
		await b.attach(watcher, member(doc));
		await a.write({ doc, workshopId }, (d) => d.getText('t').insert(0, 'from a'));
		await expect.poll(() => watcher.sent.filter((m) => m[0] === MESSAGE_SYNC && m[1] === SYNC_UPDATE).length).toBe(1);
		expect((await b.read({ doc, workshopId })).getText('t').toString()).toBe('from a');
		// B relayed it, and stored nothing of it: one row, from A.
		expect((await store.load(doc.name)).updates).toHaveLength(1);
	});

	test('a lock and a disconnect on one instance reach live connections on the other', async () => {
		const [a, b] = instances(2);
		const boardId = crypto.randomUUID();
		const access = member(parseDocName(`board/${boardId}`)!);
		const closed: number[] = [];
		await b.attach({ ...socket(), close: (code) => void closed.push(code) }, access);
		a.setBoardLocked(boardId, true);
		await expect.poll(() => access.locked).toBe(true);
		a.disconnect(workshopId, access.user.memberId);
		await expect.poll(() => closed).toEqual([4403]);
	});

	test("who is online counts the other instance's members", async () => {
		const [a, b] = instances(2);
		const doc = parseDocName(`board/${crypto.randomUUID()}`)!;
		const access = member(doc);
		await b.attach(socket(), access);
		await expect.poll(async () => [...(await a.onlineMembers(workshopId)).keys()], { timeout: 2000 }).toEqual([access.user.memberId]);
	});
});
