import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardText, cardsOf, editCardText } from '#lib/domain/board/board-model.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

// Every accepted update is a row in board_updates: one connection gets a burst of 100 updates,
// then 40 a second (the server's defaults, used here), and is closed past that.

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
const people: Record<'anna' | 'bela', { memberId: string; name: string; organisation: string; cookie: string }> = {} as never;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
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

const docName = () => `board/${boardId}`;
const rows = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${docName()}`)[0].n;

test('a connection flooding updates is closed with 4429 "too many updates" past its burst; nothing over it is applied; others carry on; reconnected, it loses nothing', async () => {
	const anna = connectClient(server, docName(), people.anna.cookie);
	const bela = connectClient(server, docName(), people.bela.cookie);
	await Promise.all([anna.synced, bela.synced]);
	const closes: { code: number; reason: string }[] = [];
	bela.provider.on('connection-close', (e: { code: number; reason: string } | null) => closes.push({ code: e?.code ?? 0, reason: e?.reason ?? '' }));

	// Béla's burst within the limit: 80 updates at once, each its own message. Nothing closes.
	const before = await rows();
	const card = addCard(bela.doc, { author: people.bela, text: '' });
	for (let i = 1; i < 80; i++) editCardText(bela.doc, card, `burst ${i}`);
	await waitFor(() => cardText(anna.doc, card)?.toString() === 'burst 79', 5000, 'the burst at Anna');
	expect(await rows()).toBe(before + 80);
	expect(closes).toEqual([]);

	// Then 400 more at once: the bucket (refilled to its 100 meanwhile) runs dry.
	await new Promise((r) => setTimeout(r, 2500));
	const flooded = await rows();
	// 44xx: a default provider stops (the board page's reconnects on 4429, doc-connection.svelte.ts)
	const stopped = new Promise<void>((resolve) => bela.provider.once('closed', () => resolve()));
	for (let i = 1; i <= 400; i++) editCardText(bela.doc, card, `flood ${i}`);
	await stopped;
	expect(closes).toEqual([{ code: 4429, reason: 'too many updates' }]);
	// What the server applied and stored: the burst (and what refilled meanwhile), never the flood.
	await new Promise((r) => setTimeout(r, 200));
	const stored = (await rows()) - flooded;
	expect(stored).toBeGreaterThanOrEqual(100);
	expect(stored).toBeLessThan(150); // tokens refill (40/s) while the server reads the flood
	await waitFor(() => cardText(anna.doc, card)?.toString() === `flood ${stored}`, 5000, 'the accepted part at Anna');

	// Anna's connection was never touched: her edit reaches Béla once he is back.
	const annaCard = addCard(anna.doc, { author: people.anna, text: 'still live' });
	// Béla reconnects; his sync step 2 carries the rest as one update.
	bela.provider.connect();
	await waitFor(() => cardText(anna.doc, card)?.toString() === 'flood 400', 10_000, "Béla's last edit after his reconnect");
	await waitFor(() => cardsOf(bela.doc).has(annaCard), 5000, "Anna's card at Béla");
	anna.destroy();
	bela.destroy();
	const fresh = connectClient(server, docName(), people.anna.cookie, new Y.Doc());
	await fresh.synced;
	expect(cardText(fresh.doc, card)?.toString()).toBe('flood 400');
	fresh.destroy();
});
