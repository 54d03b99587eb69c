import * as Y from 'yjs';
import type { CardAuthor, DocumentStore, PendingWrite, StoredDocument } from './persistence';

/**
 * Documents in memory, for testing the sync core without a database: the same contract as
 * the Postgres store (`store-contract.ts` runs against both), nothing kept across restarts.
 */
export class MemoryDocumentStore implements DocumentStore {
	#seq = 0;
	readonly #logs = new Map<string, { seq: number; data: Uint8Array }[]>();
	readonly #states = new Map<string, { workshopId: string; state: Uint8Array; upto: number }>();
	/** `board card` → member, as `card_authors` has it. */
	readonly #authors = new Map<string, CardAuthor>();

	async load(doc: string): Promise<StoredDocument> {
		const stored = this.#states.get(doc);
		const upto = stored?.upto ?? 0;
		const rows = (this.#logs.get(doc) ?? []).filter((r) => r.seq > upto);
		return {
			state: stored ? stored.state.slice() : null,
			updates: rows.map((r) => r.data.slice()),
			upto: rows.length ? rows[rows.length - 1].seq : upto,
			logBytes: rows.reduce((n, r) => n + r.data.length, 0)
		};
	}

	async append(writes: PendingWrite[]): Promise<number> {
		if (writes.length === 0) return 0;
		for (const w of writes) {
			const log = this.#logs.get(w.doc) ?? [];
			log.push({ seq: ++this.#seq, data: w.update.slice() });
			this.#logs.set(w.doc, log);
			// The last write of a card's author wins, as in one statement's `on conflict`.
			for (const a of w.cardAuthors ?? []) this.#authors.set(`${a.boardId} ${a.cardId}`, { ...a });
		}
		return this.#seq;
	}

	async compact(input: { workshopId: string; doc: string; state: Uint8Array; upto: number }): Promise<void> {
		const stored = this.#states.get(input.doc);
		if (!stored || stored.upto < input.upto) this.#states.set(input.doc, { workshopId: input.workshopId, state: input.state.slice(), upto: input.upto });
		this.#dropLog(input.doc, input.upto);
	}

	async compactStored(input: { workshopId: string; doc: string }): Promise<{ stateBytes: number }> {
		const stored = this.#states.get(input.doc);
		const log = this.#logs.get(input.doc) ?? [];
		if (log.length === 0) return { stateBytes: stored?.state.length ?? 0 };
		const doc = new Y.Doc({ gc: true });
		try {
			if (stored) Y.applyUpdateV2(doc, stored.state);
			for (const row of log) if (row.seq > (stored?.upto ?? 0)) Y.applyUpdate(doc, row.data);
			const upto = log[log.length - 1].seq;
			const state = Y.encodeStateAsUpdateV2(doc);
			this.#states.set(input.doc, { workshopId: input.workshopId, state, upto });
			this.#dropLog(input.doc, upto);
			return { stateBytes: state.length };
		} finally {
			doc.destroy();
		}
	}

	async listDocs(prefix: string): Promise<string[]> {
		return [...new Set([...this.#logs.keys(), ...this.#states.keys()])].filter((doc) => doc.startsWith(prefix)).sort();
	}

	/** The authors recorded for a board's cards (what `card_authors` holds), by card id. */
	cardAuthors(boardId: string): Map<string, string> {
		return new Map([...this.#authors.values()].filter((a) => a.boardId === boardId).map((a) => [a.cardId, a.memberId]));
	}

	#dropLog(doc: string, upto: number): void {
		const log = (this.#logs.get(doc) ?? []).filter((r) => r.seq > upto);
		if (log.length) this.#logs.set(doc, log);
		else this.#logs.delete(doc);
	}
}
