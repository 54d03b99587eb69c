import { afterAll, beforeAll, expect, test } from 'vitest';
import { asMember, createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let other: CreatedWorkshop;
let themes: string[];
let otherBoard: string;
const ids: Record<'participant' | 'second' | 'observer', string> = {} as never;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	const boards = ['Digitalisation', '3D printing'].map((title) => ({ kind: 'theme', title }));
	workshop = await createWorkshop(db.sql, { boards });
	other = await createWorkshop(db.sql, { title: 'Other' });
	themes = (await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position`).map((b) => b.id);
	[{ id: otherBoard }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${other.workshop_id} limit 1`;
	ids.participant = (await joinWorkshop(db.sql, workshop.join_code, 'Anna', 'Innoskart')).member_id;
	ids.second = (await joinWorkshop(db.sql, workshop.join_code, 'Béla', 'NOHAC')).member_id;
	ids.observer = (await joinWorkshop(db.sql, workshop.join_code, 'Olga', 'Ministry', 'observer')).member_id;
});

afterAll(async () => {
	await db?.drop();
});

const workgroupOf = async (member: string) => (await db.sql`select workgroup_board_id as w from public.members where id = ${member}`)[0].w;

test('a participant picks their own workgroup, and only their own', async () => {
	const own = await asMember(db.sql, ids.participant, (tx) => tx`update public.members set workgroup_board_id = ${themes[0]} where id = ${ids.participant}`);
	expect(own.count).toBe(1);
	expect(await workgroupOf(ids.participant)).toBe(themes[0]);
	const someoneElse = await asMember(db.sql, ids.participant, (tx) => tx`update public.members set workgroup_board_id = ${themes[1]} where id = ${ids.second}`);
	expect(someoneElse.count).toBe(0);
	expect(await workgroupOf(ids.second)).toBeNull();
	expect((await rejection(asMember(db.sql, ids.participant, (tx) => tx`select public.assign_workgroup(${ids.second}, ${themes[1]})`))).message).toBe(
		'not_allowed'
	);
});

test('a workgroup must be a board of the same workshop', async () => {
	const err = await rejection(
		asMember(db.sql, ids.participant, (tx) => tx`update public.members set workgroup_board_id = ${otherBoard} where id = ${ids.participant}`)
	);
	expect(err.code).toBe('23503');
	expect(await workgroupOf(ids.participant)).toBe(themes[0]);
	expect((await rejection(asMember(db.sql, workshop.member_id, (tx) => tx`select public.assign_workgroup(${ids.second}, ${otherBoard})`))).message).toBe(
		'not_found'
	);
});

test('an observer cannot join a workgroup; a facilitator can assign anyone, and removing the board frees them', async () => {
	const observer = await asMember(db.sql, ids.observer, (tx) => tx`update public.members set workgroup_board_id = ${themes[0]} where id = ${ids.observer}`);
	expect(observer.count).toBe(0);
	await asMember(db.sql, workshop.member_id, (tx) => tx`select public.assign_workgroup(${ids.second}, ${themes[1]})`);
	expect(await workgroupOf(ids.second)).toBe(themes[1]);
	await asMember(db.sql, workshop.member_id, (tx) => tx`delete from public.boards where id = ${themes[1]}`);
	expect(await workgroupOf(ids.second)).toBeNull();
	// The member row itself survives the board's removal.
	expect((await db.sql`select count(*)::int as n from public.members where id = ${ids.second}`)[0].n).toBe(1);
});
