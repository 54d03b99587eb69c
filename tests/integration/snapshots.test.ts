import * as Y from 'yjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addCard, addGroup, cardsOf, editCardText, readBoard } from '#lib/domain/board/board-model.js';
import { Voting } from '#lib/server/voting.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import * as snapshots from '#lib/server/repositories/snapshots.js';
import { renderBoard, takeSnapshot } from '#lib/server/snapshots.js';
import { defaultSettings } from '#lib/domain/voting/rules.js';
import { POOLED } from '#lib/domain/voting/types.js';
import { boardMarkdown } from '#lib/exports/markdown.js';
import { boardCsv, reportCsv } from '#lib/exports/csv.js';
import { boardJson, reportJson } from '#lib/exports/json.js';
import { compileReport } from '#lib/exports/report.js';
import { reportMarkdown } from '#lib/exports/markdown.js';
import { marked } from 'marked';
import { asMember, createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';
import { startSyncServer, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
let voting: Voting;
let anna: string;
const facilitator = () => ({ memberId: workshop.member_id, workshopId: workshop.workshop_id });
const viewer = (memberId: string) => ({ memberId, workshopId: workshop.workshop_id });
const PAYLOAD = '<img src=x onerror=alert(1)> [x](javascript:alert(1)) =cmd|calc';
const board = () => ({ doc: parseDocName(`board/${boardId}`)!, workshopId: workshop.workshop_id });

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql, { facilitator: 'Fanni Facilitator' });
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	voting = new Voting(db.sql, server.sync);
	anna = (await joinWorkshop(db.sql, workshop.join_code, 'Anna Annamária', 'Innoskart')).member_id;
	await server.sync.write(board(), (doc: Y.Doc) => {
		const group = addGroup(doc, 'People');
		const author = { memberId: anna, name: 'Anna Annamária', organisation: 'Innoskart' };
		addCard(doc, { author, text: 'Trust', group });
		addCard(doc, { author, text: PAYLOAD, group });
		addCard(doc, { author: { memberId: workshop.member_id, name: 'Fanni Facilitator', organisation: '' }, text: 'Openness' });
	});
});

afterAll(async () => {
	voting?.stop();
	await server?.close();
	await db?.drop();
});

test('a snapshot is the board at that moment: its rendering and its stored Yjs state; later edits do not touch it', async () => {
	const round = await voting.open(facilitator(), {
		boardId,
		title: 'Values',
		source: 'cards',
		settings: { ...defaultSettings('dots'), anonymous: true },
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	const trust = [...cardsOf(await server.sync.read(board())).entries()].find(([, c]) => String(c.get('text')) === 'Trust')![0];
	await voting.cast(viewer(anna), round, [{ option: trust, criterion: 0, value: 3 }]);
	await voting.reveal(facilitator(), round);

	const before = readBoard(await server.sync.read(board()));
	const id = await takeSnapshot(db.sql, server.sync, facilitator(), { boardId, title: 'After the vote' });
	expect(id).not.toBeNull();
	await server.sync.write(board(), (doc: Y.Doc) => editCardText(doc, trust, 'Trust, changed later'));

	const stored = (await snapshots.getSnapshot(db.sql, viewer(anna), id!))!;
	const cardsOfRendering = [...stored.rendering.groups.flatMap((g) => g.cards), ...stored.rendering.ungrouped];
	expect(cardsOfRendering.map((c) => [c.id, c.text, c.organisation])).toEqual(
		[...before.groups.flatMap((g) => g.cards), ...before.ungrouped].map((c) => [c.id, c.text, c.organisation])
	);
	expect(stored.rendering.groups.map((g) => g.title)).toEqual(['People']);
	expect(stored.rendering.rounds).toHaveLength(1);
	// Anonymous, one voter: the aggregate names no organisation.
	expect(stored.rendering.rounds[0].aggregate?.voters).toEqual([{ organisation: POOLED, count: 1, proxies: 0, pooled: true, organisations: 1 }]);
	// The stored state is the same board.
	const state = await snapshots.snapshotState(db.sql, viewer(anna), id!);
	const doc = new Y.Doc();
	Y.applyUpdateV2(doc, state!);
	expect(readBoard(doc)).toEqual(before);
	// Readers outside the room never get people's names or member ids from a rendering.
	const json = JSON.stringify(stored.rendering);
	for (const secret of ['Anna Annamária', 'Fanni Facilitator', anna, workshop.member_id]) expect(json).not.toContain(secret);
});

test('only facilitators take, share and revoke; a share link works for anyone until revoked, then never again', async () => {
	expect(await takeSnapshot(db.sql, server.sync, viewer(anna), { boardId, title: 'Mine' })).toBeNull();
	const id = (await takeSnapshot(db.sql, server.sync, facilitator(), { boardId, title: 'Shared' }))!;
	expect(await snapshots.shareSnapshot(db.sql, viewer(anna), id)).toBeNull();
	const token = (await snapshots.shareSnapshot(db.sql, facilitator(), id))!;
	expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
	expect((await snapshots.snapshotByToken(db.sql, token))?.id).toBe(id);
	// Members read snapshots, but the token only a facilitator hands out reaches facilitators alone.
	expect((await snapshots.listSnapshots(db.sql, viewer(anna), boardId)).find((s) => s.id === id)?.shareToken).toBeNull();
	expect((await snapshots.getSnapshot(db.sql, viewer(anna), id))?.shareToken).toBeNull();
	expect((await snapshots.getSnapshot(db.sql, facilitator(), id))?.shareToken).toBe(token);
	expect((await rejection(asMember(db.sql, anna, (tx) => tx`select share_token from public.snapshots where id = ${id}`))).code).toBe('42501');
	expect(await asMember(db.sql, anna, (tx) => tx`select title from public.snapshots where id = ${id}`)).toEqual([{ title: 'Shared' }]);
	// Anonymous visitors cannot read the table itself, only that one snapshot through its token.
	expect(
		(
			await rejection(
				db.sql.begin(async (tx) => {
					await tx`select set_config('role', 'anon', true)`;
					return tx`select * from public.snapshots`;
				})
			)
		).code
	).toBe('42501');
	expect(await snapshots.revokeSnapshot(db.sql, viewer(anna), id)).toBe(false);
	expect(await snapshots.revokeSnapshot(db.sql, facilitator(), id)).toBe(true);
	expect(await snapshots.snapshotByToken(db.sql, token)).toBeNull();
	// Sharing again makes a new link; the old one stays dead.
	const again = (await snapshots.shareSnapshot(db.sql, facilitator(), id))!;
	expect(again).not.toBe(token);
	expect(await snapshots.snapshotByToken(db.sql, token)).toBeNull();
	expect(await snapshots.snapshotByToken(db.sql, 'x'.repeat(43))).toBeNull();
	// A participant cannot change the token behind the facilitator's back.
	const r = await asMember(db.sql, anna, (tx) => tx`update public.snapshots set share_token = ${'y'.repeat(43)} where id = ${id}`);
	expect(r.count).toBe(0);
});

test('the report link follows the same rules', async () => {
	expect(await snapshots.shareReport(db.sql, viewer(anna))).toBeNull();
	const token = (await snapshots.shareReport(db.sql, facilitator()))!;
	expect(await snapshots.reportByToken(db.sql, token)).toBe(workshop.workshop_id);
	const next = (await snapshots.shareReport(db.sql, facilitator()))!;
	expect(await snapshots.reportByToken(db.sql, token)).toBeNull();
	expect(await snapshots.reportByToken(db.sql, next)).toBe(workshop.workshop_id);
	expect(await snapshots.revokeReport(db.sql, facilitator())).toBe(true);
	expect(await snapshots.reportByToken(db.sql, next)).toBeNull();
});

test('every export keeps script as text and names out', async () => {
	const { rendering } = (await renderBoard(db.sql, server.sync, workshop.workshop_id, boardId))!;
	const md = boardMarkdown(rendering, null, 'en');
	const csv = boardCsv(rendering, 'en');
	const json = boardJson(rendering, null);
	const compiled = compileReport({ workshop: rendering.workshop, boards: [rendering] });
	const report = reportMarkdown(compiled, 'en');
	for (const out of [md, csv, json, report, reportCsv(compiled, 'en'), reportJson(compiled)]) {
		expect(out).not.toContain('Anna Annamária');
		expect(out).not.toContain(anna);
	}
	// Markdown: the tag and the link are escaped, so a renderer shows them as text, not markup.
	for (const doc of [md, report]) {
		const html = await marked.parse(doc);
		expect(html).not.toMatch(/<img|href="javascript/i);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
	}
	// JSON cannot break out of a script or HTML context: < and > are escaped.
	expect(json).not.toContain('<img');
	expect(reportJson(compiled)).not.toContain('<img');
	// CSV: a cell that starts like a formula is neutralised; JSON keeps the text exactly.
	expect(JSON.parse(json).groups[0].cards.map((c: { text: string }) => c.text)).toContain(PAYLOAD);
	expect(csv).toContain('Trust');
});
