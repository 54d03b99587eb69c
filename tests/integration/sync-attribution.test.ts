import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf, type Author } from '#lib/domain/board/board-model.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { LiveControl } from '#lib/server/live-control.js';
import * as snapshots from '#lib/server/repositories/snapshots.js';
import { renderWorkshop, takeSnapshot } from '#lib/server/snapshots.js';
import { compileReport } from '#lib/exports/report.js';
import { reportMarkdown } from '#lib/exports/markdown.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestClient, type TestSyncServer } from './sync-helpers';

// Who wrote a card — name and organisation — comes from the member row, never from the client
// (DESIGN.md, "Attribution and anonymity"): reports, snapshots and exports print it.

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
const people: Record<'pal' | 'zita', Author & { cookie: string }> = {} as never;
const SPOOF = 'Ministry of Spoofing';

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql, { facilitator: 'Facilitator Fac' });
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	for (const [key, name, organisation] of [
		['pal', 'Pál', 'NOHAC'],
		['zita', 'Zita', 'IQ Kecskemét']
	] as const) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, organisation);
		people[key] = { memberId: member_id, name, organisation, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) };
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

const boardDoc = () => `board/${boardId}`;
const updatesIn = async (doc: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc}`)[0].n;
const closeOf = (client: TestClient) =>
	new Promise<{ code: number; reason: string }>((resolve) =>
		client.provider.once('connection-close', (e: { code: number; reason: string } | null) => resolve({ code: e?.code ?? 0, reason: e?.reason ?? '' }))
	);
/** The board as a fresh provider loads it from the server. */
async function storedCards(docName = boardDoc()) {
	const fresh = connectClient(server, docName, people.zita.cookie, new Y.Doc());
	await fresh.synced;
	const cards = [...cardsOf(fresh.doc).values()].map((c) => ({
		text: String(c.get('text')),
		author: c.get('author'),
		authorName: c.get('authorName'),
		organisation: c.get('organisation')
	}));
	fresh.destroy();
	return cards;
}

/** Sends one edit from a member's provider; expects the server to close the connection for it and to store nothing. */
async function expectRefused(who: Author & { cookie: string }, edit: (doc: Y.Doc) => void, docName = boardDoc()) {
	const client = connectClient(server, docName, who.cookie);
	await client.synced;
	const before = await updatesIn(docName);
	const closed = closeOf(client);
	edit(client.doc);
	expect(await closed).toEqual({ code: 4403, reason: 'update refused: bad_author' });
	client.destroy();
	expect(await updatesIn(docName)).toBe(before);
}

describe('a card says who wrote it as the member row has it', () => {
	test('a new card signed with another name or organisation is refused and nothing is stored', async () => {
		const forgeries: Author[] = [
			{ memberId: people.pal.memberId, name: 'Facilitator Fac', organisation: SPOOF },
			{ memberId: people.pal.memberId, name: 'Pál', organisation: SPOOF },
			{ memberId: people.pal.memberId, name: 'Facilitator Fac', organisation: 'NOHAC' }
		];
		for (const author of forgeries) await expectRefused(people.pal, (doc) => addCard(doc, { author, text: 'forged signature' }));
		expect((await storedCards()).some((c) => c.text === 'forged signature')).toBe(false);
	});

	test('an honest card goes through; rewriting its name or organisation is refused, by anyone', async () => {
		const zita = connectClient(server, boardDoc(), people.zita.cookie);
		const pal = connectClient(server, boardDoc(), people.pal.cookie);
		await Promise.all([zita.synced, pal.synced]);
		const before = await updatesIn(boardDoc());
		const id = addCard(zita.doc, { author: people.zita, text: "Zita's idea" });
		await waitFor(() => cardsOf(pal.doc).has(id), 5000, 'the honest card reaches Pál');
		expect(await updatesIn(boardDoc())).toBe(before + 1);
		zita.destroy();
		pal.destroy();

		await expectRefused(people.pal, (doc) => cardsOf(doc).get(id)!.set('organisation', SPOOF));
		await expectRefused(people.pal, (doc) => cardsOf(doc).get(id)!.set('authorName', 'Facilitator Fac'));
		await expectRefused(people.pal, (doc) => cardsOf(doc).get(id)!.set('author', people.pal.memberId));
		await expectRefused(people.zita, (doc) => cardsOf(doc).get(id)!.set('organisation', SPOOF));
		await expectRefused(people.pal, (doc) => cardsOf(doc).get(id)!.delete('organisation'));
		expect((await storedCards()).find((c) => c.text === "Zita's idea")).toEqual({
			text: "Zita's idea",
			author: people.zita.memberId,
			authorName: 'Zita',
			organisation: 'IQ Kecskemét'
		});
	});

	test('a private draft refuses a forged signature, and the reveal signs with the member row whatever the draft says', async () => {
		const draftName = `draft/${boardId}/${people.pal.memberId}`;
		const control = new LiveControl(db.sql, server.sync);
		// Drafts take writes only in private brainstorming.
		await control.setPrivate(workshop.workshop_id, boardId, true);
		await expectRefused(people.pal, (doc) => addCard(doc, { author: { ...people.pal, organisation: SPOOF }, text: 'forged draft' }), draftName);
		// A draft written before drafts were checked (or by any path the guard did not see).
		await server.sync.write({ doc: parseDocName(draftName)!, workshopId: workshop.workshop_id }, (doc) =>
			addCard(doc, { author: { memberId: people.zita.memberId, name: 'Facilitator Fac', organisation: SPOOF }, text: 'old draft' })
		);
		const moved = await control.reveal(workshop.workshop_id, boardId);
		expect(moved).toEqual({ revealed: 1, notRevealed: 0 });
		expect((await storedCards()).find((c) => c.text === 'old draft')).toEqual({
			text: 'old draft',
			author: people.pal.memberId,
			authorName: 'Pál',
			organisation: 'NOHAC'
		});
	});

	test('snapshot, report and its export name only the organisations that wrote', async () => {
		const id = await takeSnapshot(
			db.sql,
			server.sync,
			{ memberId: workshop.member_id, workshopId: workshop.workshop_id },
			{ boardId, title: 'After the forgeries' }
		);
		const stored = (await snapshots.getSnapshot(db.sql, { memberId: people.zita.memberId, workshopId: workshop.workshop_id }, id!))!;
		expect(stored.rendering.organisations).toEqual(['IQ Kecskemét', 'NOHAC']);
		expect(JSON.stringify(stored.rendering)).not.toContain(SPOOF);
		const boards = await renderWorkshop(db.sql, server.sync, workshop.workshop_id);
		const report = compileReport({ workshop: boards[0].workshop, boards });
		expect(report.organisations).toEqual(['IQ Kecskemét', 'NOHAC']);
		expect(reportMarkdown(report, 'en')).not.toContain(SPOOF);
	});
});
