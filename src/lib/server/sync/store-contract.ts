import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStore, StoredDocument } from './persistence';

/** What the contract needs of a store under test: the store, and a workshop it may write for. */
export interface StoreFixture {
	store: DocumentStore;
	workshopId: string;
	boardId: string;
	/** Two members of the workshop. */
	members: [string, string];
	/** The authors the store recorded for a board's cards, by card id. */
	cardAuthors(boardId: string): Promise<Map<string, string>>;
	close?(): Promise<void>;
}

/**
 * The behaviour every `DocumentStore` shares, run against the in-memory store (unit project)
 * and the Postgres one (integration project): what the sync core may rely on, whichever it has.
 */
export function describeDocumentStore(name: string, setup: () => Promise<StoreFixture>): void {
	describe(`${name}: the DocumentStore contract`, () => {
		let f: StoreFixture;
		beforeAll(async () => {
			f = await setup();
		});
		afterAll(async () => {
			await f?.close?.();
		});

		/** A fresh document name per test: stores may be shared between tests. */
		const fresh = (kind = 'contract') => `${kind}/${crypto.randomUUID()}`;
		const write = (doc: string, update: Uint8Array) => ({ workshopId: f.workshopId, doc, update });
		/** One client typing `texts`: its update per text, and its state (v2) after each. */
		const edits = (texts: string[]) => {
			const doc = new Y.Doc();
			const updates: Uint8Array[] = [];
			const states: Uint8Array[] = [];
			doc.on('update', (u: Uint8Array) => updates.push(u));
			for (const t of texts) {
				doc.getText('t').insert(doc.getText('t').length, t);
				states.push(Y.encodeStateAsUpdateV2(doc));
			}
			return { updates, states };
		};
		const textOf = (stored: StoredDocument) => {
			const doc = new Y.Doc();
			if (stored.state) Y.applyUpdateV2(doc, stored.state);
			for (const u of stored.updates) Y.applyUpdate(doc, u);
			return doc.getText('t').toString();
		};

		test('a document never written loads empty, at seq 0', async () => {
			expect(await f.store.load(fresh())).toEqual({ state: null, updates: [], upto: 0, logBytes: 0 });
		});

		test('an empty append writes nothing', async () => {
			expect(await f.store.append([])).toBe(0);
		});

		test('appends load back in commit order, with the last seq and the log size', async () => {
			const doc = fresh();
			const { updates } = edits(['a', 'b', 'c']);
			const first = await f.store.append([write(doc, updates[0])]);
			const last = await f.store.append([write(doc, updates[1]), write(doc, updates[2])]);
			expect(last).toBeGreaterThan(first);
			const stored = await f.store.load(doc);
			expect(stored.state).toBeNull();
			expect(stored.updates).toEqual(updates);
			expect(stored.upto).toBe(last);
			expect(stored.logBytes).toBe(updates.reduce((n, u) => n + u.length, 0));
			expect(textOf(stored)).toBe('abc');
		});

		test('one append spans documents: each gets its own updates, the seq returned is the highest', async () => {
			const [x, y] = [fresh(), fresh()];
			const one = edits(['x']).updates[0];
			const two = edits(['y']).updates[0];
			const seq = await f.store.append([write(x, one), write(y, two)]);
			const [sx, sy] = await Promise.all([f.store.load(x), f.store.load(y)]);
			expect(sx.updates).toEqual([one]);
			expect(sy.updates).toEqual([two]);
			expect(Math.max(sx.upto, sy.upto)).toBe(seq);
		});

		test('a compaction replaces the log up to its seq by the state; later updates stay', async () => {
			const doc = fresh();
			const { updates, states } = edits(['a', 'b', 'c']);
			const upto = await f.store.append([write(doc, updates[0]), write(doc, updates[1])]);
			const state = states[1];
			const later = updates[2];
			const last = await f.store.append([write(doc, later)]);
			await f.store.compact({ workshopId: f.workshopId, doc, state, upto });
			const stored = await f.store.load(doc);
			expect(stored.state).toEqual(state);
			expect(stored.updates).toEqual([later]);
			expect(stored.upto).toBe(last);
			expect(stored.logBytes).toBe(later.length);
			expect(textOf(stored)).toBe('abc');
		});

		test('an older compaction never replaces a newer state', async () => {
			const doc = fresh();
			const { updates, states } = edits(['a', 'b']);
			const first = await f.store.append([write(doc, updates[0])]);
			const second = await f.store.append([write(doc, updates[1])]);
			const newState = states[1];
			await f.store.compact({ workshopId: f.workshopId, doc, state: newState, upto: second });
			await f.store.compact({ workshopId: f.workshopId, doc, state: states[0], upto: first });
			const stored = await f.store.load(doc);
			expect(stored.state).toEqual(newState);
			expect(stored.upto).toBe(second);
			expect(textOf(stored)).toBe('ab');
		});

		test('a compaction from the store itself folds the state and the whole log', async () => {
			if (!f.store.compactStored) return;
			const doc = fresh();
			const { updates, states } = edits(['a', 'b', 'c', 'd']);
			const upto = await f.store.append([write(doc, updates[0]), write(doc, updates[1])]);
			await f.store.compact({ workshopId: f.workshopId, doc, state: states[1], upto });
			const last = await f.store.append([write(doc, updates[2]), write(doc, updates[3])]);
			const { stateBytes } = await f.store.compactStored({ workshopId: f.workshopId, doc });
			const stored = await f.store.load(doc);
			expect(stored.updates).toEqual([]);
			expect(stored.upto).toBe(last);
			expect(stored.state?.length).toBe(stateBytes);
			expect(textOf(stored)).toBe('abcd');
			// Nothing to fold: the state stays as it is.
			expect(await f.store.compactStored({ workshopId: f.workshopId, doc })).toEqual({ stateBytes });
		});

		test('documents are listed by the prefix of their name, each once, whether logged, compacted or both', async () => {
			const prefix = `${fresh('list')}/`;
			const { updates, states } = edits(['a', 'b']);
			const [logged, compacted, both, outside] = [`${prefix}a`, `${prefix}b`, `${prefix}c`, `${prefix.slice(0, -1)}x/d`];
			const seqs = new Map<string, number>();
			for (const doc of [logged, compacted, both, outside]) seqs.set(doc, await f.store.append([write(doc, updates[0])]));
			await f.store.append([write(both, updates[1])]);
			for (const doc of [compacted, both]) await f.store.compact({ workshopId: f.workshopId, doc, state: states[0], upto: seqs.get(doc)! });
			expect(await f.store.listDocs(prefix)).toEqual([logged, compacted, both]);
			// Wildcards are letters like any other: `_` and `%` match themselves only.
			expect(await f.store.listDocs(`${prefix.slice(0, -1)}_`)).toEqual([]);
			expect(await f.store.listDocs(`${prefix}%`)).toEqual([]);
		});

		test("anonymous cards' authors are committed with their update; the last one written wins", async () => {
			const [ada, bob] = f.members;
			const card = crypto.randomUUID();
			const other = crypto.randomUUID();
			const doc = fresh();
			const [u1, u2] = edits(['a', 'b']).updates;
			await f.store.append([
				{ ...write(doc, u1), cardAuthors: [{ boardId: f.boardId, cardId: card, memberId: ada }] },
				{
					...write(doc, u2),
					cardAuthors: [
						{ boardId: f.boardId, cardId: card, memberId: bob },
						{ boardId: f.boardId, cardId: other, memberId: ada }
					]
				}
			]);
			const authors = await f.cardAuthors(f.boardId);
			expect(authors.get(card)).toBe(bob);
			expect(authors.get(other)).toBe(ada);
		});
	});
}
