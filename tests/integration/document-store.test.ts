import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';
import { describeDocumentStore, type StoreFixture } from '#lib/server/sync/store-contract.js';
import { createWorkshop, joinWorkshop, migratedDatabase } from './helpers';

/** The Postgres store against the contract the in-memory one meets too (memory-store.spec.ts). */
async function postgres(options: { shared?: boolean }): Promise<StoreFixture> {
	const db = await migratedDatabase({ seed: false });
	const workshop = await createWorkshop(db.sql);
	const [board] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position`;
	const ada = await joinWorkshop(db.sql, workshop.join_code, 'Ada', 'Org A');
	const bob = await joinWorkshop(db.sql, workshop.join_code, 'Bob', 'Org B');
	return {
		store: new PostgresDocumentStore(db.sql, options),
		workshopId: workshop.workshop_id,
		boardId: board.id,
		members: [ada.member_id, bob.member_id],
		cardAuthors: async (boardId) =>
			new Map(
				(await db.sql<{ card_id: string; member_id: string }[]>`select card_id, member_id from public.card_authors where board_id = ${boardId}`).map((r) => [
					r.card_id,
					r.member_id
				])
			),
		close: () => db.drop()
	};
}

describeDocumentStore('Postgres', () => postgres({}));
describeDocumentStore('Postgres, shared by several instances', () => postgres({ shared: true }));
