// Follow-up meetings (issue #19): create_follow_up and meeting_chain against the real database,
// and startFollowUp with the real sync server carrying each board's statement over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAnon, type Sql } from '#lib/server/db/client.js';
import { addVariant, editVariantText, MAIN_VARIANT, readBoard, renameVariant } from '#lib/domain/board/board-model.js';
import { createFollowUp, meetingChain } from '#lib/server/repositories/workshops.js';
import { startFollowUp } from '#lib/server/follow-up.js';
import { processView } from '#lib/server/process.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { countRows, createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';
import { startSyncServer, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let sql: Sql;
let server: TestSyncServer;
let W: CreatedWorkshop;
let participant: string;
const boardIds = async (workshopId: string) =>
	(
		await sql<{ id: string; kind: string; title: string; prompt: string }[]>`
		select id, kind, title, prompt from public.boards where workshop_id = ${workshopId} order by position`
	).map((b) => ({ ...b }));

const next = { title: 'Debreceni találkozó — a stratégia vitája', startsOn: '2021-07-08', venue: 'Debrecen', facilitatorName: 'Kovács Éva' };

beforeAll(async () => {
	db = await migratedDatabase({ seed: false, max: 20 });
	sql = db.sql;
	server = await startSyncServer(sql);
	W = await createWorkshop(sql, {
		title: 'Balatonfüredi műhely',
		boards: [
			{ kind: 'values', title: 'Értékek', prompt: 'Mi az, amiben hiszünk?' },
			{ kind: 'mission', title: 'Küldetés', prompt: 'Miért létezünk?' },
			{ kind: 'vision', title: 'Jövőkép', prompt: 'Hol leszünk 2030-ban?' }
		]
	});
	participant = (await joinWorkshop(sql, W.join_code, 'Szőke Ödön', 'Pannon Gépipari Klaszter')).member_id;
	await joinWorkshop(sql, W.join_code, 'Újvári Ágnes', 'Észak-alföldi Öko-Klaszter');
	const [, mission] = await boardIds(W.workshop_id);
	await server.sync.write({ doc: parseDocName(`board/${mission.id}`)!, workshopId: W.workshop_id }, (doc) => {
		editVariantText(doc, MAIN_VARIANT, 'A klaszterek együtt erősítik a magyar gazdaság versenyképességét.');
		renameVariant(doc, MAIN_VARIANT, 'Elfogadott');
		editVariantText(doc, addVariant(doc, 'Rövidebb'), 'Együtt erősebbek vagyunk.');
	});
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

describe('create_follow_up refuses', () => {
	it('a participant of the meeting, a facilitator of another, and a visitor; nothing is created', async () => {
		const other = await createWorkshop(sql, { title: 'Másik műhely' });
		const before = await countRows(sql, 'public.workshops');
		expect(await rejection(createFollowUp(sql, { memberId: participant, workshopId: W.workshop_id }, next))).toEqual({ code: 'P0001', message: 'not_allowed' });
		expect(await rejection(createFollowUp(sql, { memberId: other.member_id, workshopId: W.workshop_id }, next))).toEqual({
			code: 'P0001',
			message: 'not_allowed'
		});
		const anon = await rejection(asAnon(sql, (tx) => tx`select * from public.create_follow_up(${W.workshop_id}, 'x', null, '', 'y')`));
		expect(anon.code).toBe('42501');
		expect(await countRows(sql, 'public.workshops')).toBe(before);
	});

	it('a title or name the workshop itself would refuse', async () => {
		const facilitator = { memberId: W.member_id, workshopId: W.workshop_id };
		expect((await rejection(createFollowUp(sql, facilitator, { ...next, title: '  ' }))).message).toBe('invalid_title');
		expect((await rejection(createFollowUp(sql, facilitator, { ...next, facilitatorName: 'x'.repeat(81) }))).message).toBe('invalid_name');
	});
});

describe('a follow-up meeting', () => {
	it('keeps the boards, the organisations and the language, starts each board from its statement, and links the two meetings', async () => {
		const facilitator = { memberId: W.member_id, workshopId: W.workshop_id };
		const made = await startFollowUp(sql, server.sync, facilitator, next);

		const [row] = await sql`select title, starts_on, venue, language, template, follows from public.workshops where id = ${made.workshopId}`;
		expect(row).toEqual({ title: next.title, starts_on: '2021-07-08', venue: 'Debrecen', language: 'en', template: 'strategy', follows: W.workshop_id });
		const [me] = await sql`select name, role, user_id from public.members where id = ${made.memberId}`;
		expect(me).toEqual({ name: 'Kovács Éva', role: 'facilitator', user_id: null });
		// The boards, in order, as the previous meeting had them.
		const strip = (bs: { kind: string; title: string; prompt: string }[]) => bs.map(({ kind, title, prompt }) => ({ kind, title, prompt }));
		const [oldBoards, newBoards] = [await boardIds(W.workshop_id), await boardIds(made.workshopId)];
		expect(strip(newBoards)).toEqual(strip(oldBoards));
		// The organisations, for members to pick when they join again.
		const orgs = await sql<{ name: string }[]>`select name from public.organisations where workshop_id = ${made.workshopId}`;
		expect(new Set(orgs.map((o) => o.name))).toEqual(new Set(['Észak-alföldi Öko-Klaszter', 'Pannon Gépipari Klaszter']));
		expect(await countRows(sql, 'public.members', made.workshopId)).toBe(1);
		// The mission board starts from the statement and its wording; the others start empty.
		const read = async (boardId: string) => readBoard(await server.sync.read({ doc: parseDocName(`board/${boardId}`)!, workshopId: made.workshopId }));
		expect((await read(newBoards[1].id)).variants.map((v) => [v.label, v.text])).toEqual([
			['Elfogadott', 'A klaszterek együtt erősítik a magyar gazdaság versenyképességét.'],
			['Rövidebb', 'Együtt erősebbek vagyunk.']
		]);
		expect((await read(newBoards[0].id)).variants).toEqual([]);
		expect((await read(newBoards[0].id)).cardCount).toBe(0);

		// The process, from either meeting, for its own members only.
		const steps = (ms: { title: string; step: number }[]) => ms.map((m) => [m.title, m.step]);
		expect(steps(await meetingChain(sql, { memberId: made.memberId, workshopId: made.workshopId }))).toEqual([
			['Balatonfüredi műhely', -1],
			[next.title, 0]
		]);
		expect(steps(await meetingChain(sql, { memberId: participant, workshopId: W.workshop_id }))).toEqual([
			['Balatonfüredi műhely', 0],
			[next.title, 1]
		]);
		// A member of the new meeting asking about the old one directly: not theirs, nothing.
		expect(await meetingChain(sql, { memberId: made.memberId, workshopId: W.workshop_id })).toEqual([]);

		// The process page: unchanged at first, then the new meeting's rewording, word by word.
		const viewer = { memberId: made.memberId, workshopId: made.workshopId };
		const kept = (await processView(sql, server.sync, viewer)).changes[made.workshopId];
		expect(kept.map((c) => [c.title, c.words.every((w) => w.kind === 'same')])).toEqual([['Küldetés', true]]);
		await server.sync.write({ doc: parseDocName(`board/${newBoards[1].id}`)!, workshopId: made.workshopId }, (doc) =>
			editVariantText(doc, MAIN_VARIANT, 'A klaszterek együtt erősítik a magyar és az európai gazdaság versenyképességét.')
		);
		const view = await processView(sql, server.sync, viewer);
		expect(view.meetings.map((m) => m.title)).toEqual(['Balatonfüredi műhely', next.title]);
		expect(view.changes[W.workshop_id]).toBeUndefined();
		const [change] = view.changes[made.workshopId];
		expect(change.before).toBe('A klaszterek együtt erősítik a magyar gazdaság versenyképességét.');
		expect(change.words.filter((w) => w.kind !== 'same').map((w) => [w.kind, w.text.trim()])).toEqual([['added', 'és az európai']]);
		// Someone outside the process sees nothing of it.
		const stranger = await createWorkshop(sql, { title: 'Kívülálló' });
		expect(await processView(sql, server.sync, { memberId: stranger.member_id, workshopId: made.workshopId })).toEqual({ meetings: [], changes: {} });
	});
});
