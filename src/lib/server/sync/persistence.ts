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
}

/** Where documents live. The sync core knows only this interface. */
export interface DocumentStore {
	load(doc: string): Promise<StoredDocument>;
	/** Appends in one transaction; resolves, once committed, with the highest seq written. */
	append(writes: PendingWrite[]): Promise<number>;
	/** Replaces the log up to `upto` by `state` (v2). */
	compact(input: { workshopId: string; doc: string; state: Uint8Array; upto: number }): Promise<void>;
}

export class PostgresDocumentStore implements DocumentStore {
	constructor(private readonly sql: Sql) {}

	async load(doc: string): Promise<StoredDocument> {
		return (await this.sql.begin('isolation level repeatable read read only', async (tx) => {
			const [state] = await tx<{ state: Uint8Array; upto: string }[]>`
				select state, upto from public.board_states where doc = ${doc}`;
			const upto = state ? Number(state.upto) : 0;
			const rows = await tx<{ seq: string; data: Uint8Array }[]>`
				select seq, data from public.board_updates where doc = ${doc} and seq > ${upto} order by seq`;
			return {
				state: state ? new Uint8Array(state.state) : null,
				updates: rows.map((r) => new Uint8Array(r.data)),
				upto: rows.length ? Number(rows[rows.length - 1].seq) : upto,
				logBytes: rows.reduce((n, r) => n + r.data.length, 0)
			};
		})) as StoredDocument;
	}

	async append(writes: PendingWrite[]): Promise<number> {
		if (writes.length === 0) return 0;
		// One statement, one commit, however many documents the batch spans.
		// Hex in a text array: bytea arrays do not survive array-literal escaping intact.
		const hex = writes.map((w) => Buffer.from(w.update.buffer, w.update.byteOffset, w.update.byteLength).toString('hex'));
		const [row] = await this.sql<{ seq: string }[]>`
			with written as (
				insert into public.board_updates (workshop_id, doc, data)
				select w, d, decode(h, 'hex')
				from unnest(${writes.map((w) => w.workshopId)}::uuid[], ${writes.map((w) => w.doc)}::text[], ${hex}::text[]) as t(w, d, h)
				returning seq
			)
			select max(seq) as seq from written`;
		return Number(row.seq);
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
