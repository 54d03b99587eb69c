import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf, deleteCard, editCardText, NO_AUTHOR, readBoard, type Author } from '#lib/domain/board/board-model.js';
import { DEFAULT_RIGHTS } from '#lib/domain/board/board-rights.js';
import { BoardSettingsRefusal, updateBoardSettings } from '#lib/server/board-settings.js';
import { LiveControl } from '#lib/server/live-control.js';
import { asMember, createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

/**
 * Anonymous boards at the protocol level: a card names nobody in the document, so no byte of
 * the board another member receives says who wrote it; the server knows (card_authors), so
 * the author alone still edits and deletes it.
 */
let db: TestDatabase;
let workshop: CreatedWorkshop;
let server: TestSyncServer;
let control: LiveControl;
let boardId: string;
let writtenBoardId: string;
const ANNA = { name: 'Titkos Annamária', organisation: 'Rejtett Klaszter Kft' };
const people: Record<'facilitator' | 'anna' | 'bela', { id: string; cookie: string; author: Author }> = {} as never;

const doc = () => `board/${boardId}`;
const MESSAGE_SYNC = 0;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }, { id: writtenBoardId }] = await db.sql<
		{ id: string }[]
	>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 2`;
	server = await startSyncServer(db.sql);
	control = new LiveControl(db.sql, server.sync);
	const w = workshop.workshop_id;
	const anna = (await joinWorkshop(db.sql, workshop.join_code, ANNA.name, ANNA.organisation)).member_id;
	const bela = (await joinWorkshop(db.sql, workshop.join_code, 'Nagy Béla', 'Látható Kft')).member_id;
	people.facilitator = { id: workshop.member_id, cookie: await sessionCookie(server.sessionKey, w, workshop.member_id, 'facilitator'), author: NO_AUTHOR };
	people.anna = { id: anna, cookie: await sessionCookie(server.sessionKey, w, anna), author: { memberId: anna, ...ANNA } };
	people.bela = {
		id: bela,
		cookie: await sessionCookie(server.sessionKey, w, bela),
		author: { memberId: bela, name: 'Nagy Béla', organisation: 'Látható Kft' }
	};
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const facilitator = () => ({ memberId: people.facilitator.id, workshopId: workshop.workshop_id });
const settings = (anonymous: boolean) => ({ title: 'Board', prompt: '', rights: DEFAULT_RIGHTS, anonymous });

/** One edit over a fresh provider: 'accepted' once stored, or the refused update's close reason. */
async function attempt(
	who: keyof typeof people,
	edit: (doc: Y.Doc) => void,
	client: TestClient = connectClient(server, doc(), people[who].cookie)
): Promise<string> {
	await client.synced;
	// (one attempt at a time: any stored row is this one)
	const count = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc like 'board/%'`)[0].n;
	const before = await count();
	const closed = new Promise<string>((resolve) =>
		client.provider.once('connection-close', (e: { code: number; reason: string } | null) => resolve(`${e?.code} ${e?.reason}`))
	);
	edit(client.doc);
	const outcome = await Promise.race([closed, waitFor(async () => (await count()) > before, 5000, 'the update stored').then(() => 'accepted')]);
	client.destroy();
	return outcome;
}

/** Every sync message (document content) a provider receives, on each of its sockets. */
function recordSync(client: TestClient): Uint8Array[] {
	const received: Uint8Array[] = [];
	type Ws = { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void } | null;
	const listen = () =>
		(client.provider.ws as unknown as Ws)?.addEventListener('message', (e) => {
			const bytes = new Uint8Array(e.data);
			if (bytes[0] === MESSAGE_SYNC) received.push(bytes);
		});
	listen();
	client.provider.on('status', listen);
	return received;
}

describe('anonymous boards', () => {
	test('anonymity can be switched only while a board has no cards', async () => {
		expect(
			await attempt(
				'bela',
				(d) => addCard(d, { author: people.bela.author, text: 'signed before' }),
				connectClient(server, `board/${writtenBoardId}`, people.bela.cookie)
			)
		).toBe('accepted');
		await expect(updateBoardSettings(db.sql, server.sync, facilitator(), writtenBoardId, settings(true))).rejects.toBeInstanceOf(BoardSettingsRefusal);
		const [row] = await db.sql<{ anonymous: boolean }[]>`select anonymous from public.boards where id = ${writtenBoardId}`;
		expect(row.anonymous).toBe(false);
		expect(await updateBoardSettings(db.sql, server.sync, facilitator(), boardId, settings(true))).toBe(true);
	});

	test('no byte another member receives names the author; a signed card is refused; only the author edits and deletes theirs', async () => {
		const bela = connectClient(server, doc(), people.bela.cookie);
		const seen = recordSync(bela);
		const watching = connectClient(server, doc(), people.facilitator.cookie);
		const seenByFacilitator = recordSync(watching);
		await Promise.all([bela.synced, watching.synced]);

		// A card signed with Anna's member row is refused on this board; an unsigned one is hers.
		expect(await attempt('anna', (d) => addCard(d, { author: people.anna.author, text: 'signed' }))).toBe('4403 update refused: bad_author');
		const anna = connectClient(server, doc(), people.anna.cookie);
		await anna.synced;
		// her page says which card she writes in, as the board page does
		const card = addCard(anna.doc, { author: NO_AUTHOR, text: 'Nobody knows I wrote this' });
		anna.provider.awareness.setLocalStateField('editing', card);
		await waitFor(() => cardsOf(bela.doc).has(card), 5000, 'the card at Béla');
		expect(readBoard(bela.doc).ungrouped.find((c) => c.id === card)).toMatchObject({ author: '', authorName: '', organisation: '' });
		// presence says who is here, never which card they write in
		const annaHere = () =>
			[...bela.provider.awareness.getStates().values()].find((s) => (s as { user?: { memberId?: string } }).user?.memberId === people.anna.id);
		await waitFor(() => annaHere() !== undefined, 5000, "Anna's presence at Béla");
		await new Promise((r) => setTimeout(r, 200));
		expect((annaHere() as { editing?: unknown }).editing ?? null).toBe(null);

		// Béla may not change it; Anna may, from a new connection too (the server's record, not the document).
		expect(await attempt('bela', (d) => editCardText(d, card, 'Béla rewrote it'))).toBe('4403 update refused: not_your_card');
		expect(await attempt('bela', (d) => deleteCard(d, card))).toBe('4403 update refused: not_your_card');
		expect(await attempt('anna', (d) => editCardText(d, card, 'Nobody knows I wrote this, and edited it'))).toBe('accepted');
		await waitFor(() => cardsOf(bela.doc).get(card)?.get('text')?.toString() === 'Nobody knows I wrote this, and edited it', 5000, 'the edit at Béla');

		// The record: Anna reads her row, nobody else reads it (facilitators included).
		const rows = async (memberId: string) =>
			asMember(db.sql, memberId, (tx) => tx<{ card_id: string; member_id: string }[]>`select card_id, member_id from public.card_authors`);
		expect(await rows(people.anna.id)).toEqual([{ card_id: card, member_id: people.anna.id }]);
		expect(await rows(people.bela.id)).toEqual([]);
		expect(await rows(people.facilitator.id)).toEqual([]);

		const bytes = (list: Uint8Array[]) => Buffer.concat(list.map((b) => Buffer.from(b)));
		for (const received of [seen, seenByFacilitator]) {
			expect(received.length).toBeGreaterThan(0);
			for (const secret of [ANNA.name, ANNA.organisation, people.anna.id]) expect(bytes(received).includes(Buffer.from(secret, 'utf8'))).toBe(false);
		}

		expect(await attempt('anna', (d) => deleteCard(d, card))).toBe('accepted');
		await waitFor(() => !cardsOf(bela.doc).has(card), 5000, 'the deletion at Béla');
		for (const c of [bela, watching, anna]) c.destroy();
	});

	test('a reveal writes unsigned cards, records their author, and the author may edit them at once', async () => {
		const bela = connectClient(server, doc(), people.bela.cookie);
		const seen = recordSync(bela);
		const anna = connectClient(server, doc(), people.anna.cookie);
		await Promise.all([bela.synced, anna.synced]);
		await control.setPrivate(workshop.workshop_id, boardId, true);
		const draft = connectClient(server, `draft/${boardId}/${people.anna.id}`, people.anna.cookie);
		await draft.synced;
		// a draft is its member's alone: signed as usual, and the reveal signs anew
		addCard(draft.doc, { author: people.anna.author, text: 'drafted privately' });
		await waitFor(
			async () => (await db.sql`select 1 from public.board_updates where doc = ${`draft/${boardId}/${people.anna.id}`}`).length > 0,
			5000,
			'the draft stored'
		);
		expect(await control.reveal(workshop.workshop_id, boardId)).toEqual({ revealed: 1, notRevealed: 0 });
		await waitFor(() => readBoard(bela.doc).ungrouped.some((c) => c.text === 'drafted privately'), 5000, 'the revealed card at Béla');
		const revealed = readBoard(bela.doc).ungrouped.find((c) => c.text === 'drafted privately')!;
		expect(revealed).toMatchObject({ author: '', authorName: '', organisation: '' });
		// Anna's connection, open since before the reveal, may edit it; Béla's may not.
		expect(await attempt('anna', (d) => editCardText(d, revealed.id, 'drafted privately, revealed'), anna)).toBe('accepted');
		expect(await attempt('bela', (d) => editCardText(d, revealed.id, "not Béla's"))).toBe('4403 update refused: not_your_card');
		for (const secret of [ANNA.name, ANNA.organisation, people.anna.id])
			expect(Buffer.concat(seen.map((b) => Buffer.from(b))).includes(Buffer.from(secret, 'utf8'))).toBe(false);
		for (const c of [bela, draft]) c.destroy();
	});
});
