import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { LIMITS, addCard, cardsOf, deleteCard, type Author } from '#lib/domain/board/board-model.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { LiveControl } from '#lib/server/live-control.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

// Private drafts (issue #15, item 4): a draft takes writes only while its board is in private
// brainstorming, and the reveal moves its cards through the board's own rules, under their
// draft ids, reporting what does not fit.

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boards: string[];
let server: TestSyncServer;
let control: LiveControl;
const people: Record<'anna' | 'bela', Author & { cookie: string }> = {} as never;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql, { boards: ['Values', 'Mission', 'Vision', 'Goals'].map((title) => ({ kind: 'free', title })) });
	boards = (await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position`).map((b) => b.id);
	server = await startSyncServer(db.sql);
	control = new LiveControl(db.sql, server.sync);
	for (const [key, name, organisation] of [
		['anna', 'Anna', 'Innoskart'],
		['bela', 'Béla', 'NOHAC']
	] as const) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, organisation);
		people[key] = { memberId: member_id, name, organisation, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) };
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const draftOf = (boardId: string, who: Author) => `draft/${boardId}/${who.memberId}`;
const updatesIn = async (doc: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc}`)[0].n;
const access = (name: string) => ({ doc: parseDocName(name)!, workshopId: workshop.workshop_id });
const author = (who: Author): Author => ({ memberId: who.memberId, name: who.name, organisation: who.organisation });

/** Every message the server sends this client, as text (a permission-denied message carries its reason). */
function heard(client: TestClient): () => string {
	const received: Uint8Array[] = [];
	const listen = () => {
		const ws = client.provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void } | null;
		ws?.addEventListener('message', (e) => received.push(new Uint8Array(e.data)));
	};
	listen();
	client.provider.on('status', listen);
	return () => Buffer.concat(received.map((b) => Buffer.from(b))).toString('utf8');
}

/** The draft's card ids as a fresh provider of its owner loads them from the server. */
async function storedIds(name: string, who: { cookie: string }): Promise<string[]> {
	const fresh = connectClient(server, name, who.cookie, new Y.Doc());
	await fresh.synced;
	const ids = [...cardsOf(fresh.doc).keys()].sort();
	fresh.destroy();
	return ids;
}

describe('a draft takes writes only in private brainstorming', () => {
	test('outside it a write is denied with its reason and nothing is stored; its owner still reads it back', async () => {
		const boardId = boards[0];
		const name = draftOf(boardId, people.anna);
		const anna = connectClient(server, name, people.anna.cookie);
		const messages = heard(anna);
		await anna.synced;
		addCard(anna.doc, { author: author(people.anna), text: 'before private mode' });
		await waitFor(() => messages().includes('draft closed: the board is not in private brainstorming'), 5000, 'the refusal');
		expect(await updatesIn(name)).toBe(0);
		anna.destroy();

		// In private mode the same member's draft takes their cards …
		await control.setPrivate(workshop.workshop_id, boardId, true);
		const again = connectClient(server, name, people.anna.cookie);
		await again.synced;
		const kept = addCard(again.doc, { author: author(people.anna), text: 'in private mode' });
		await waitFor(async () => (await storedIds(name, people.anna)).includes(kept), 5000, 'the private card stored');
		const stored = await updatesIn(name);

		// … and stops the moment private mode ends, on a connection already open.
		await control.setPrivate(workshop.workshop_id, boardId, false);
		const ids: string[] = [];
		again.doc.transact(() => {
			for (let i = 0; i < 400; i++) ids.push(addCard(again.doc, { author: author(people.anna), text: `flood ${i}` }));
		});
		await new Promise((r) => setTimeout(r, 500));
		expect(await updatesIn(name)).toBe(stored);
		// Reading one's own draft back stays allowed.
		expect(await storedIds(name, people.anna)).toEqual([kept]);
		expect(ids).toHaveLength(400);
		again.destroy();
	});
});

describe("the reveal goes through the board's rules", () => {
	test('draft ids are kept, the 500-card limit holds, what does not fit is reported and stays, and no card comes twice', async () => {
		const boardId = boards[1];
		const board = access(`board/${boardId}`);
		const facilitator = { memberId: workshop.member_id, name: 'F', organisation: '' };
		// 495 cards on the board already.
		await server.sync.write(board, (doc) => {
			for (let i = 0; i < LIMITS.cards - 5; i++) addCard(doc, { author: facilitator, text: `board ${i}` });
		});
		await control.setPrivate(workshop.workshop_id, boardId, true);
		const written: Record<string, string[]> = {};
		for (const [who, n] of [
			[people.anna, 8],
			[people.bela, 2]
		] as const) {
			const client = connectClient(server, draftOf(boardId, who), who.cookie);
			await client.synced;
			written[who.memberId] = Array.from({ length: n }, (_, i) => addCard(client.doc, { author: author(who), text: `${who.name} ${i}` }));
			await waitFor(async () => (await storedIds(draftOf(boardId, who), who)).length === n, 5000, `${who.name}'s draft stored`);
			client.destroy();
		}
		const everyDraftCard = Object.values(written).flat().sort();

		const first = await control.reveal(workshop.workshop_id, boardId);
		expect(first).toEqual({ revealed: 5, notRevealed: 5 });
		const boardDoc = await server.sync.read(board);
		expect(cardsOf(boardDoc).size).toBe(LIMITS.cards);
		const onBoard = () => [...cardsOf(boardDoc).keys()].filter((id) => everyDraftCard.includes(id));
		// Revealed cards keep their draft ids; the rest wait in their drafts.
		expect(onBoard()).toHaveLength(5);
		const left = [...(await storedIds(draftOf(boardId, people.anna), people.anna)), ...(await storedIds(draftOf(boardId, people.bela), people.bela))];
		expect([...onBoard(), ...left].sort()).toEqual(everyDraftCard);

		// Room on the board again: a second reveal brings the rest, and nothing twice.
		await server.sync.write(board, (doc) => {
			for (const [id] of [...cardsOf(doc).entries()].filter(([, card]) => card.get('author') === workshop.member_id).slice(0, 10)) deleteCard(doc, id);
		});
		expect(await control.reveal(workshop.workshop_id, boardId)).toEqual({ revealed: 5, notRevealed: 0 });
		expect(onBoard().sort()).toEqual(everyDraftCard);
		expect(cardsOf(boardDoc).size).toBe(LIMITS.cards - 10 + 5);
		for (const who of [people.anna, people.bela]) expect(await storedIds(draftOf(boardId, who), who)).toEqual([]);
		// Signed from the member row, ungrouped.
		for (const id of written[people.bela.memberId]) {
			expect(cardsOf(boardDoc).get(id)!.toJSON()).toMatchObject({ author: people.bela.memberId, authorName: 'Béla', organisation: 'NOHAC', group: '' });
		}
	});

	test('a card already on the board under its draft id (a reveal cut short) is cleared, not copied again', async () => {
		const boardId = boards[2];
		await control.setPrivate(workshop.workshop_id, boardId, true);
		const anna = connectClient(server, draftOf(boardId, people.anna), people.anna.cookie);
		await anna.synced;
		const ids = ['one', 'two', 'three'].map((text) => addCard(anna.doc, { author: author(people.anna), text }));
		await waitFor(async () => (await storedIds(draftOf(boardId, people.anna), people.anna)).length === 3, 5000, 'the draft stored');
		anna.destroy();
		// The first card was copied by a reveal that then stopped before clearing the draft.
		await server.sync.write(access(`board/${boardId}`), (doc) => addCard(doc, { author: author(people.anna), text: 'one', id: ids[0] }));
		expect(await control.reveal(workshop.workshop_id, boardId)).toEqual({ revealed: 2, notRevealed: 0 });
		const texts = [...cardsOf(await server.sync.read(access(`board/${boardId}`))).values()].map((c) => String(c.get('text'))).sort();
		expect(texts).toEqual(['one', 'three', 'two']);
		expect(await storedIds(draftOf(boardId, people.anna), people.anna)).toEqual([]);
	});

	test('a reveal that would pass the document size limit reveals nothing of that chunk and says so', async () => {
		const small = await startSyncServer(db.sql, { maxDocumentBytes: 4096 });
		try {
			const smallControl = new LiveControl(db.sql, small.sync);
			const boardId = boards[3];
			await smallControl.setPrivate(workshop.workshop_id, boardId, true);
			const bela = connectClient(small, draftOf(boardId, people.bela), people.bela.cookie);
			await bela.synced;
			// 3 × 900 characters: the draft itself stays under the limit; the board cannot take them as well.
			for (let i = 0; i < 3; i++) addCard(bela.doc, { author: author(people.bela), text: `${i}`.padEnd(900, 'x') });
			await small.sync.write(access(`board/${boardId}`), (doc) => {
				for (let i = 0; i < 2; i++) addCard(doc, { author: { memberId: workshop.member_id, name: 'F', organisation: '' }, text: 'y'.repeat(1000) });
			});
			await waitFor(async () => cardsOf(await small.sync.read(access(draftOf(boardId, people.bela)))).size === 3, 5000, 'the draft stored');
			bela.destroy();
			expect(await smallControl.reveal(workshop.workshop_id, boardId)).toEqual({ revealed: 0, notRevealed: 3 });
			expect(cardsOf(await small.sync.read(access(`board/${boardId}`))).size).toBe(2);
			expect(cardsOf(await small.sync.read(access(draftOf(boardId, people.bela)))).size).toBe(3);
		} finally {
			await small.close();
		}
	});
});
