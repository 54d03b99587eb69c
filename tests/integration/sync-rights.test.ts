import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addGroup,
	addVariant,
	cardsOf,
	deleteCard,
	editCardText,
	groupsOf,
	removeVariant,
	renameGroup,
	statementsOf,
	type Author
} from '#lib/domain/board/board-model.js';
import { DEFAULT_RIGHTS } from '#lib/domain/board/board-rights.js';
import { updateBoardSettings } from '#lib/server/board-settings.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

/**
 * Rights per board at the protocol level, with real y-websocket providers: what a participant
 * may not do to others' cards, groups and wordings is refused and never stored; a facilitator
 * may; a board that allows it lets participants too, from the moment the setting changes.
 */
let db: TestDatabase;
let workshop: CreatedWorkshop;
let server: TestSyncServer;
let boardId: string;
const people: Record<'facilitator' | 'pal' | 'zita', { id: string; cookie: string; author: Author }> = {} as never;
/** Pál's card, the facilitator's group and wording. */
let card = '';
let group = '';
let wording = '';

const doc = () => `board/${boardId}`;
const updatesIn = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from public.board_updates where doc = ${doc()}`)[0].n;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	server = await startSyncServer(db.sql);
	const w = workshop.workshop_id;
	const pal = (await joinWorkshop(db.sql, workshop.join_code, 'Pál', 'NOHAC')).member_id;
	const zita = (await joinWorkshop(db.sql, workshop.join_code, 'Zita', 'IQ Kecskemét')).member_id;
	const [{ name: facilitatorName }] = await db.sql<{ name: string }[]>`select name from public.members where id = ${workshop.member_id}`;
	people.facilitator = {
		id: workshop.member_id,
		cookie: await sessionCookie(server.sessionKey, w, workshop.member_id, 'facilitator'),
		author: { memberId: workshop.member_id, name: facilitatorName, organisation: '' }
	};
	people.pal = { id: pal, cookie: await sessionCookie(server.sessionKey, w, pal), author: { memberId: pal, name: 'Pál', organisation: 'NOHAC' } };
	people.zita = { id: zita, cookie: await sessionCookie(server.sessionKey, w, zita), author: { memberId: zita, name: 'Zita', organisation: 'IQ Kecskemét' } };
	// Pál writes a card; the facilitator creates a group and a second wording.
	expect(await attempt('pal', (d) => (card = addCard(d, { author: people.pal.author, text: 'Pál wrote this' })))).toBe('accepted');
	expect(await attempt('facilitator', (d) => (group = addGroup(d, 'Együttműködés', undefined, { createdBy: people.facilitator.id })))).toBe('accepted');
	expect(await attempt('facilitator', (d) => (wording = addVariant(d, 'Rövidebb')))).toBe('accepted');
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

/**
 * Opens a real provider as `who`, makes one edit, and reports what the server did: accepted
 * (stored), or the close reason of the refused update.
 */
async function attempt(who: keyof typeof people, edit: (doc: Y.Doc) => void, client = connectClient(server, doc(), people[who].cookie)): Promise<string> {
	await client.synced;
	const before = await updatesIn();
	const closed = new Promise<string>((resolve) =>
		client.provider.once('connection-close', (e: { code: number; reason: string } | null) => resolve(`${e?.code} ${e?.reason}`))
	);
	edit(client.doc);
	const outcome = await Promise.race([closed, waitFor(async () => (await updatesIn()) > before, 5000, 'the update stored').then(() => 'accepted')]);
	client.destroy();
	return outcome;
}

/** The board as stored: a fresh provider's copy after sync. */
async function stored(): Promise<Y.Doc> {
	const fresh = connectClient(server, doc(), people.pal.cookie);
	await fresh.synced;
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(fresh.doc));
	fresh.destroy();
	return copy;
}

const text = (d: Y.Doc, id: string) => cardsOf(d).get(id)?.get('text')?.toString();

describe('rights per board, enforced by the sync server', () => {
	test("a participant may not rewrite or delete another's card, rename another's group or delete a wording: refused, nothing stored", async () => {
		const before = await updatesIn();
		expect(await attempt('zita', (d) => editCardText(d, card, 'Zita rewrote it'))).toBe('4403 update refused: not_your_card');
		expect(await attempt('zita', (d) => deleteCard(d, card))).toBe('4403 update refused: not_your_card');
		expect(await attempt('zita', (d) => renameGroup(d, group, "Zita's now"))).toBe('4403 update refused: not_your_group');
		expect(await attempt('pal', (d) => removeVariant(d, wording))).toBe('4403 update refused: not_allowed');
		expect(await updatesIn()).toBe(before);
		const board = await stored();
		expect(text(board, card)).toBe('Pál wrote this');
		expect(groupsOf(board).get(group)?.get('title')).toBe('Együttműködés');
		expect(statementsOf(board).has(wording)).toBe(true);
		// their own card stays theirs to change
		expect(await attempt('pal', (d) => editCardText(d, card, 'Pál wrote this, and edited it'))).toBe('accepted');
		expect(text(await stored(), card)).toBe('Pál wrote this, and edited it');
	});

	test("with the board's settings turned on, live connections may do it at once; without them again, not", async () => {
		const open = connectClient(server, doc(), people.zita.cookie);
		await open.synced;
		const facilitator = { memberId: people.facilitator.id, workshopId: workshop.workshop_id };
		const all = { editOthers: true, manageGroups: true, deleteWordings: true };
		expect(await updateBoardSettings(db.sql, server.sync, facilitator, boardId, { title: 'Board', prompt: '', rights: all, anonymous: false })).toBe(true);
		// a participant cannot change the settings (RLS)
		expect(
			await updateBoardSettings(db.sql, server.sync, { memberId: people.zita.id, workshopId: workshop.workshop_id }, boardId, {
				title: 'Board',
				prompt: '',
				rights: DEFAULT_RIGHTS,
				anonymous: false
			})
		).toBe(false);
		// the connection opened before the change is held to the new settings
		expect(await attempt('zita', (d) => editCardText(d, card, 'Zita may now'), open)).toBe('accepted');
		expect(await attempt('zita', (d) => renameGroup(d, group, 'Zita renamed it'))).toBe('accepted');
		expect(await attempt('pal', (d) => removeVariant(d, wording))).toBe('accepted');
		const board = await stored();
		expect(text(board, card)).toBe('Zita may now');
		expect(groupsOf(board).get(group)?.get('title')).toBe('Zita renamed it');
		expect(statementsOf(board).has(wording)).toBe(false);
		expect(await attempt('zita', (d) => deleteCard(d, card))).toBe('accepted');
		expect(cardsOf(await stored()).has(card)).toBe(false);
		// and back: refused again, live
		const again = connectClient(server, doc(), people.zita.cookie);
		await again.synced;
		expect(await updateBoardSettings(db.sql, server.sync, facilitator, boardId, { title: 'Board', prompt: '', rights: DEFAULT_RIGHTS, anonymous: false })).toBe(
			true
		);
		expect(await attempt('zita', (d) => renameGroup(d, group, 'not any more'), again)).toBe('4403 update refused: not_your_group');
	});

	test('a facilitator may do all of it', async () => {
		let other = '';
		expect(await attempt('pal', (d) => (other = addCard(d, { author: people.pal.author, text: 'Pál again' })))).toBe('accepted');
		let second = '';
		expect(await attempt('facilitator', (d) => (second = addVariant(d, 'Másik')))).toBe('accepted');
		expect(await attempt('facilitator', (d) => editCardText(d, other, 'Tidied by the facilitator'))).toBe('accepted');
		expect(await attempt('facilitator', (d) => renameGroup(d, group, 'Renamed by the facilitator'))).toBe('accepted');
		expect(await attempt('facilitator', (d) => removeVariant(d, second))).toBe('accepted');
		expect(await attempt('facilitator', (d) => deleteCard(d, other))).toBe('accepted');
		const board = await stored();
		expect(cardsOf(board).has(other)).toBe(false);
		expect(groupsOf(board).get(group)?.get('title')).toBe('Renamed by the facilitator');
		expect(statementsOf(board).has(second)).toBe(false);
	});
});
