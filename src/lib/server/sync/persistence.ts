import * as Y from 'yjs';
import type { Sql } from '../db/client';

export interface StoredDocument {
	/** Compacted state, Yjs v2 encoding, or null for a document never compacted. */
	state: Uint8Array | null;
	/** Updates after the state, v1 encoding, in commit order. */
	updates: Uint8Array[];
	/** The seq of the last update included (state or log); 0 for a new document. */
	upto: number;
	/** Bytes in the log, to decide when to compact. */
	logBytes: number;
}

export interface PendingWrite {
	workshopId: string;
	doc: string;
	update: Uint8Array;
	/** Anonymous boards: the authors of the cards this update creates, committed with it. */
	cardAuthors?: CardAuthor[];
}

export interface CardAuthor {
	boardId: string;
	cardId: string;
	memberId: string;
}

/** Where documents live. The sync core knows only this interface. */
export interface DocumentStore {
	load(doc: string): Promise<StoredDocument>;
	/** Appends in one transaction; resolves, once committed, with the highest seq written. */
	append(writes: PendingWrite[]): Promise<number>;
	/** Replaces the log up to `upto` by `state` (v2). */
	compact(input: { workshopId: string; doc: string; state: Uint8Array; upto: number }): Promise<void>;
	/**
	 * Several instances: merges the stored state and the whole log into a new state, from the
	 * store itself (an instance's memory may lack what another committed a moment ago).
	 */
	compactStored?(input: { workshopId: string; doc: string }): Promise<{ stateBytes: number }>;
	/** The stored documents (with a state, a log or both) whose names start with `prefix`, sorted. */
	listDocs(prefix: string): Promise<string[]>;
}

/** First key of the advisory locks that order appends and compactions of one document (`RTDC`). */
const DOC_LOCK = 0x52544443;

export class PostgresDocumentStore implements DocumentStore {
	/**
	 * `shared`: several instances append to the same documents. Each append then holds a
	 * shared advisory lock per document, a compaction the exclusive one, so that a compaction
	 * sees every row below the seq it folds in: no append still in flight can commit a lower seq.
	 */
	constructor(
		private readonly sql: Sql,
		private readonly options: { shared?: boolean } = {}
	) {}

	async load(doc: string): Promise<StoredDocument> {
		const { state, stateUpto, rows } = await this.#read(doc);
		return {
			state,
			updates: rows.map((r) => r.data),
			upto: rows.length ? rows[rows.length - 1].seq : stateUpto,
			logBytes: rows.reduce((n, r) => n + r.data.length, 0)
		};
	}

	async #read(doc: string): Promise<{ state: Uint8Array | null; stateUpto: number; rows: { seq: number; data: Uint8Array }[] }> {
		return (await this.sql.begin('isolation level repeatable read read only', async (tx) => {
			const [state] = await tx<{ state: Uint8Array; upto: string }[]>`
				select state, upto from public.board_states where doc = ${doc}`;
			const upto = state ? Number(state.upto) : 0;
			const rows = await tx<{ seq: string; data: Uint8Array }[]>`
				select seq, data from public.board_updates where doc = ${doc} and seq > ${upto} order by seq`;
			return {
				state: state ? new Uint8Array(state.state) : null,
				stateUpto: upto,
				rows: rows.map((r) => ({ seq: Number(r.seq), data: new Uint8Array(r.data) }))
			};
		})) as { state: Uint8Array | null; stateUpto: number; rows: { seq: number; data: Uint8Array }[] };
	}

	async listDocs(prefix: string): Promise<string[]> {
		const pattern = `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
		const rows = await this.sql<{ doc: string }[]>`
			select doc from public.board_updates where doc like ${pattern}
			union select doc from public.board_states where doc like ${pattern}
			order by doc`;
		return rows.map((r) => r.doc);
	}

	async append(writes: PendingWrite[]): Promise<number> {
		if (writes.length === 0) return 0;
		// One statement, one commit, however many documents the batch spans.
		// Hex in a text array: bytea arrays do not survive array-literal escaping intact.
		const hex = writes.map((w) => Buffer.from(w.update.buffer, w.update.byteOffset, w.update.byteLength).toString('hex'));
		// An anonymous card's author goes in the same statement as the card: both or neither.
		const authors = writes.flatMap((w) => w.cardAuthors ?? []);
		const insert = (sql: Sql) => sql<{ seq: string }[]>`
			with written as (
				insert into public.board_updates (workshop_id, doc, data)
				select w, d, decode(h, 'hex')
				from unnest(${writes.map((w) => w.workshopId)}::uuid[], ${writes.map((w) => w.doc)}::text[], ${hex}::text[]) as t(w, d, h)
				returning seq
			)${
				authors.length
					? sql`, authored as (
				insert into public.card_authors (board_id, card_id, member_id)
				select distinct on (b, c) b, c, m
				from unnest(${authors.map((a) => a.boardId)}::uuid[], ${authors.map((a) => a.cardId)}::text[], ${authors.map((a) => a.memberId)}::uuid[])
					with ordinality as t(b, c, m, n)
				order by b, c, n desc
				on conflict (board_id, card_id) do update set member_id = excluded.member_id, created_at = now()
			)`
					: sql``
			}
			select max(seq) as seq from written`;
		if (!this.options.shared) {
			const [row] = await insert(this.sql);
			return Number(row.seq);
		}
		const docs = [...new Set(writes.map((w) => w.doc))].sort();
		return (await this.sql.begin(async (tx) => {
			await tx`select count(pg_advisory_xact_lock_shared(${DOC_LOCK}, hashtext(d))) from unnest(${docs}::text[]) as t(d)`;
			const [row] = await insert(tx as unknown as Sql);
			return Number(row.seq);
		})) as number;
	}

	async compactStored(input: { workshopId: string; doc: string }): Promise<{ stateBytes: number }> {
		// The merge (the costly part) first, without the lock: appends of this document go on.
		const first = await this.#read(input.doc);
		const doc = new Y.Doc({ gc: true });
		try {
			if (first.state) Y.applyUpdateV2(doc, first.state);
			for (const row of first.rows) Y.applyUpdate(doc, row.data);
			const seen = first.rows.map((r) => String(r.seq));
			return (await this.sql.begin(async (tx) => {
				// Then the lock: it waits for appends of this document in flight, so that every row
				// below the highest seq read next is committed and read, and none can commit below it
				// afterwards. Only what the first read missed is merged under it.
				await tx`select pg_advisory_xact_lock(${DOC_LOCK}, hashtext(${input.doc}))`;
				const [stored] = await tx<{ state: Uint8Array; upto: string }[]>`
					select state, upto from public.board_states where doc = ${input.doc}`;
				const from = stored ? Number(stored.upto) : 0;
				// Another instance compacted meanwhile: its state holds what it folded in.
				if (stored && from !== first.stateUpto) Y.applyUpdateV2(doc, new Uint8Array(stored.state));
				const rows = await tx<{ seq: string; data: Uint8Array }[]>`
					select seq, data from public.board_updates where doc = ${input.doc} and seq > ${from} and not (seq = any(${seen}::bigint[])) order by seq`;
				for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.data));
				const [{ max }] = await tx<{ max: string | null }[]>`select max(seq) as max from public.board_updates where doc = ${input.doc}`;
				if (max === null) return { stateBytes: stored?.state.length ?? 0 };
				const upto = Number(max);
				const state = Y.encodeStateAsUpdateV2(doc);
				await tx`
					insert into public.board_states (doc, workshop_id, state, upto) values
						(${input.doc}, ${input.workshopId}, ${Buffer.from(state)}, ${upto})
					on conflict (doc) do update set state = excluded.state, upto = excluded.upto, updated_at = now()
					where public.board_states.upto < excluded.upto`;
				await tx`delete from public.board_updates where doc = ${input.doc} and seq <= ${upto}`;
				return { stateBytes: state.length };
			})) as { stateBytes: number };
		} finally {
			doc.destroy();
		}
	}

	async compact(input: { workshopId: string; doc: string; state: Uint8Array; upto: number }): Promise<void> {
		await this.sql.begin(async (tx) => {
			await tx`
				insert into public.board_states (doc, workshop_id, state, upto) values
					(${input.doc}, ${input.workshopId}, ${Buffer.from(input.state)}, ${input.upto})
				on conflict (doc) do update set state = excluded.state, upto = excluded.upto, updated_at = now()
				where public.board_states.upto < excluded.upto`;
			await tx`delete from public.board_updates where doc = ${input.doc} and seq <= ${input.upto}`;
		});
	}
}
