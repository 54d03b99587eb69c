import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAnon, asUser, type Sql } from '#lib/server/db/client.js';
import {
	asMember,
	claimFacilitator,
	countRows,
	createWorkshop,
	joinWorkshop,
	migratedDatabase,
	rejection,
	type CreatedWorkshop,
	type TestDatabase
} from './helpers';

// Row-level security as the app uses it: every query on behalf of someone runs as role
// `authenticated` (or `anon`) with their member id as `sub`, and the policies decide.

const TABLES = ['workshops', 'workshop_secrets', 'organisations', 'members', 'boards'] as const;
/** The column naming the workshop a row belongs to. */
const WORKSHOP_COLUMN: Record<(typeof TABLES)[number], string> = {
	workshops: 'id',
	workshop_secrets: 'workshop_id',
	organisations: 'workshop_id',
	members: 'workshop_id',
	boards: 'workshop_id'
};

let db: TestDatabase;
let sql: Sql;
let A: CreatedWorkshop;
let B: CreatedWorkshop;
/** A participant and an observer of A, a participant of B. */
let pA: string, oA: string, pB: string;
let orgB: string;

/** Every row of a workshop, as the owner sees it: to prove that nothing changed. */
async function snapshot(workshopId: string) {
	const out: Record<string, unknown> = {};
	for (const t of TABLES) {
		out[t] = await sql`select * from ${sql('public.' + t)} where ${sql(WORKSHOP_COLUMN[t])} = ${workshopId} order by 1`;
	}
	return out;
}

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	sql = db.sql;
	A = await createWorkshop(sql, { title: 'Workshop A', facilitator: 'Fanni' });
	B = await createWorkshop(sql, { title: 'Workshop B', facilitator: 'Ferenc' });
	pA = (await joinWorkshop(sql, A.join_code, 'Anna', 'Org A')).member_id;
	oA = (await joinWorkshop(sql, A.join_code, 'Olga', 'Org A', 'observer')).member_id;
	pB = (await joinWorkshop(sql, B.join_code, 'Béla', 'Org B')).member_id;
	[{ id: orgB }] = await sql`select id from public.organisations where workshop_id = ${B.workshop_id}`;
});

afterAll(async () => {
	await db?.drop();
});

describe('between workshops', () => {
	it('the fixture is what the tests assume', async () => {
		expect(A.workshop_id).not.toBe(B.workshop_id);
		for (const w of [A, B]) {
			expect(await countRows(sql, 'public.boards', w.workshop_id)).toBe(2);
			expect(await countRows(sql, 'public.workshop_secrets', w.workshop_id)).toBe(1);
			expect(await countRows(sql, 'public.organisations', w.workshop_id)).toBe(1);
		}
		expect(await countRows(sql, 'public.members', A.workshop_id)).toBe(3);
		expect(await countRows(sql, 'public.members', B.workshop_id)).toBe(2);
	});

	it("a participant of A reads all of A's rows and none of B's", async () => {
		for (const t of ['workshops', 'organisations', 'members', 'boards'] as const) {
			const col = WORKSHOP_COLUMN[t];
			const rows = await asMember(sql, pA, (tx) => tx`select ${tx(col)} as wid from ${tx('public.' + t)}`);
			const [{ n }] = await sql`select count(*)::int as n from ${sql('public.' + t)} where ${sql(col)} = ${A.workshop_id}`;
			expect(n, t).toBeGreaterThan(0);
			expect(rows.length, t).toBe(n);
			expect(new Set(rows.map((r) => r.wid)), t).toEqual(new Set([A.workshop_id]));
			const ofB = await asMember(sql, pA, (tx) => tx`select 1 from ${tx('public.' + t)} where ${tx(col)} = ${B.workshop_id}`);
			expect(ofB.length, t).toBe(0);
		}
	});

	it("a facilitator of A reads A's secret but not B's", async () => {
		const rows = await asMember(sql, A.member_id, (tx) => tx`select workshop_id, facilitator_key from public.workshop_secrets`);
		expect(rows).toEqual([{ workshop_id: A.workshop_id, facilitator_key: A.facilitator_key }]);
		const ofB = await asMember(sql, A.member_id, (tx) => tx`select 1 from public.workshop_secrets where workshop_id = ${B.workshop_id}`);
		expect(ofB.length).toBe(0);
	});

	it("neither a participant nor a facilitator of A can change B's rows", async () => {
		const before = await snapshot(B.workshop_id);
		const bid = B.workshop_id;
		for (const member of [pA, A.member_id]) {
			const affected = await asMember(sql, member, async (tx) => [
				(await tx`update public.workshops set title = 'hacked' where id = ${bid}`).count,
				(await tx`update public.workshops set joining_open = false where id = ${bid}`).count,
				(await tx`delete from public.workshops where id = ${bid}`).count,
				(await tx`update public.boards set title = 'hacked', locked = true where workshop_id = ${bid}`).count,
				(await tx`delete from public.boards where workshop_id = ${bid}`).count,
				(await tx`update public.members set name = 'hacked' where workshop_id = ${bid}`).count,
				(await tx`update public.members set organisation_id = null where workshop_id = ${bid}`).count
			]);
			expect(affected).toEqual([0, 0, 0, 0, 0, 0, 0]);

			const board = await rejection(
				asMember(sql, member, (tx) => tx`insert into public.boards (workshop_id, position, kind, title) values (${bid}, 9, 'free', 'x')`)
			);
			expect(board.code).toBe('42501');
			expect(board.message).toMatch(/row-level security/);
			const org = await rejection(asMember(sql, member, (tx) => tx`insert into public.organisations (workshop_id, name) values (${bid}, 'Intruders')`));
			expect(org.code).toBe('42501');
			for (const statement of [
				(tx: Sql) => tx`update public.workshop_secrets set facilitator_key = ${'x'.repeat(40)} where workshop_id = ${bid}`,
				(tx: Sql) => tx`delete from public.workshop_secrets where workshop_id = ${bid}`,
				(tx: Sql) => tx`insert into public.workshop_secrets (workshop_id, facilitator_key) values (${bid}, ${'y'.repeat(40)})`
			]) {
				expect((await rejection(asMember(sql, member, (tx) => statement(tx as unknown as Sql)))).code).toBe('42501');
			}
		}
		const refused = await rejection(asMember(sql, A.member_id, (tx) => tx`select public.set_member_role(${pB}, 'observer')`));
		expect(refused).toEqual({ code: 'P0001', message: 'not_allowed' });
		expect(await snapshot(B.workshop_id)).toEqual(before);
	});

	it("a member of A cannot point their organisation at one of B's", async () => {
		const err = await rejection(asMember(sql, pA, (tx) => tx`update public.members set organisation_id = ${orgB} where id = ${pA}`));
		expect(err.code).toBe('23503'); // the (organisation_id, workshop_id) foreign key
		const [me] = await sql`select o.workshop_id from public.members m join public.organisations o on o.id = m.organisation_id where m.id = ${pA}`;
		expect(me.workshop_id).toBe(A.workshop_id);
	});

	it('someone who is a member of no workshop reads nothing', async () => {
		const stranger = randomUUID();
		for (const t of TABLES) {
			const rows = await asMember(sql, stranger, (tx) => tx`select * from ${tx('public.' + t)}`);
			expect(rows.length, t).toBe(0);
		}
		expect(await countRows(sql, 'public.workshops')).toBeGreaterThan(0);
	});
});

describe('anon', () => {
	it('reads nothing from any table: permission denied, not just empty', async () => {
		for (const t of TABLES) {
			const err = await rejection(asAnon(sql, (tx) => tx`select * from ${tx('public.' + t)}`));
			expect(err, t).toEqual({ code: '42501', message: `permission denied for table ${t}` });
		}
		for (const q of ['select * from private.settings', 'select * from supabase_migrations.schema_migrations']) {
			expect((await rejection(asAnon(sql, (tx) => tx.unsafe(q)))).code, q).toBe('42501');
		}
	});

	it('cannot write to any table', async () => {
		const wid = A.workshop_id;
		const statements = [
			(tx: Sql) => tx`update public.workshops set title = 'x' where id = ${wid}`,
			(tx: Sql) => tx`delete from public.boards where workshop_id = ${wid}`,
			(tx: Sql) => tx`insert into public.organisations (workshop_id, name) values (${wid}, 'x')`,
			(tx: Sql) => tx`insert into public.members (workshop_id, name, role) values (${wid}, 'x', 'facilitator')`,
			(tx: Sql) => tx`update public.members set role = 'facilitator'`
		];
		for (const s of statements) {
			expect((await rejection(asAnon(sql, (tx) => s(tx as unknown as Sql)))).code).toBe('42501');
		}
		expect(await countRows(sql, 'public.members', wid)).toBe(3);
	});

	it('cannot call the member-only functions', async () => {
		for (const q of [
			`select public.member_role('${A.workshop_id}')`,
			`select public.is_facilitator('${A.workshop_id}')`,
			`select public.set_member_role('${pA}', 'facilitator')`
		]) {
			const err = await rejection(asAnon(sql, (tx) => tx.unsafe(q)));
			expect(err.code, q).toBe('42501');
			expect(err.message).toMatch(/permission denied for function/);
		}
	});

	it('sees only public fields of a workshop through workshop_by_code: no join code, no key', async () => {
		const rows = await asAnon(sql, (tx) => tx`select * from public.workshop_by_code(${A.join_code})`);
		expect(rows.length).toBe(1);
		expect(Object.keys(rows[0]).sort()).toEqual(['id', 'joining_open', 'language', 'organisations', 'starts_on', 'title', 'venue']);
		expect(rows[0]).toMatchObject({ id: A.workshop_id, title: 'Workshop A', organisations: ['Org A'] });
		expect(JSON.stringify(rows)).not.toContain(A.facilitator_key);
	});
});

describe('a participant', () => {
	it('reads their workshop, boards, members and organisations but not its secret', async () => {
		const r = await asMember(sql, pA, async (tx) => ({
			workshops: (await tx`select id from public.workshops`).length,
			boards: (await tx`select id from public.boards where workshop_id = ${A.workshop_id}`).length,
			members: (await tx`select id from public.members where workshop_id = ${A.workshop_id}`).length,
			organisations: (await tx`select id from public.organisations where workshop_id = ${A.workshop_id}`).length,
			secrets: (await tx`select * from public.workshop_secrets`).length
		}));
		expect(r).toEqual({ workshops: 1, boards: 2, members: 3, organisations: 1, secrets: 0 });
		expect(await countRows(sql, 'public.workshop_secrets', A.workshop_id)).toBe(1);
	});

	it('cannot promote themselves, neither by update nor through set_member_role', async () => {
		const update = await rejection(asMember(sql, pA, (tx) => tx`update public.members set role = 'facilitator' where id = ${pA}`));
		expect(update.code).toBe('42501');
		const viaFunction = await rejection(asMember(sql, pA, (tx) => tx`select public.set_member_role(${pA}, 'facilitator')`));
		expect(viaFunction).toEqual({ code: 'P0001', message: 'not_allowed' });
		const demote = await rejection(asMember(sql, pA, (tx) => tx`select public.set_member_role(${A.member_id}, 'observer')`));
		expect(demote).toEqual({ code: 'P0001', message: 'not_allowed' });
		const roles = await sql`select id, role from public.members where id in (${pA}, ${A.member_id}) order by role`;
		expect(roles).toEqual([
			{ id: A.member_id, role: 'facilitator' },
			{ id: pA, role: 'participant' }
		]);
	});

	it('cannot move to another workshop or touch the workshop itself', async () => {
		const move = await rejection(asMember(sql, pA, (tx) => tx`update public.members set workshop_id = ${B.workshop_id} where id = ${pA}`));
		expect(move.code).toBe('42501');
		const counts = await asMember(sql, pA, async (tx) => [
			(await tx`update public.workshops set joining_open = false where id = ${A.workshop_id}`).count,
			(await tx`update public.boards set title = 'mine' where workshop_id = ${A.workshop_id}`).count,
			(await tx`delete from public.boards where workshop_id = ${A.workshop_id}`).count,
			(await tx`update public.members set name = 'renamed' where id = ${A.member_id}`).count
		]);
		expect(counts).toEqual([0, 0, 0, 0]);
		const board = await rejection(
			asMember(sql, pA, (tx) => tx`insert into public.boards (workshop_id, position, kind, title) values (${A.workshop_id}, 9, 'free', 'x')`)
		);
		expect(board.code).toBe('42501');
	});

	it('can rename themselves and add an organisation to their own workshop', async () => {
		const renamed = await asMember(sql, pA, (tx) => tx`update public.members set name = 'Anna K.' where id = ${pA}`);
		expect(renamed.count).toBe(1);
		const [org] = await asMember(
			sql,
			pA,
			(tx) => tx`insert into public.organisations (workshop_id, name) values (${A.workshop_id}, 'Second Org') returning id`
		);
		expect(org.id).toEqual(expect.any(String));
		const [row] = await sql`select name from public.members where id = ${pA}`;
		expect(row.name).toBe('Anna K.');
		await sql`delete from public.organisations where id = ${org.id}`;
	});
});

describe('an observer', () => {
	it('reads the boards and members of their workshop', async () => {
		const boards = await asMember(sql, oA, (tx) => tx`select id from public.boards`);
		expect(boards.length).toBe(2);
		const secrets = await asMember(sql, oA, (tx) => tx`select * from public.workshop_secrets`);
		expect(secrets.length).toBe(0);
	});

	it('cannot write: own name, organisations, boards, roles', async () => {
		const counts = await asMember(sql, oA, async (tx) => [
			(await tx`update public.members set name = 'Observer renamed' where id = ${oA}`).count,
			(await tx`update public.members set organisation_id = null where id = ${oA}`).count,
			(await tx`update public.boards set title = 'x' where workshop_id = ${A.workshop_id}`).count,
			(await tx`delete from public.boards where workshop_id = ${A.workshop_id}`).count,
			(await tx`update public.workshops set title = 'x' where id = ${A.workshop_id}`).count
		]);
		expect(counts).toEqual([0, 0, 0, 0, 0]);
		const org = await rejection(asMember(sql, oA, (tx) => tx`insert into public.organisations (workshop_id, name) values (${A.workshop_id}, 'Observers Ltd')`));
		expect(org.code).toBe('42501');
		const board = await rejection(
			asMember(sql, oA, (tx) => tx`insert into public.boards (workshop_id, position, kind, title) values (${A.workshop_id}, 9, 'free', 'x')`)
		);
		expect(board.code).toBe('42501');
		const promote = await rejection(asMember(sql, oA, (tx) => tx`select public.set_member_role(${oA}, 'participant')`));
		expect(promote).toEqual({ code: 'P0001', message: 'not_allowed' });
		const [row] = await sql`select name, role, organisation_id is not null as has_org from public.members where id = ${oA}`;
		expect(row).toEqual({ name: 'Olga', role: 'observer', has_org: true });
		expect(await countRows(sql, 'public.boards', A.workshop_id)).toBe(2);
	});
});

describe('a facilitator', () => {
	let C: CreatedWorkshop;
	beforeAll(async () => {
		C = await createWorkshop(sql, {
			title: 'Workshop C',
			boards: [
				{ kind: 'values', title: 'Values' },
				{ kind: 'vision', title: 'Vision' },
				{ kind: 'goals', title: 'Goals' }
			]
		});
	});

	const boardsOf = (id: string) => sql`select id, position, title, locked from public.boards where workshop_id = ${id} order by position`;

	it('adds, renames, reorders, locks and deletes boards', async () => {
		const f = C.member_id;
		const [added] = await asMember(
			sql,
			f,
			(tx) => tx`insert into public.boards (workshop_id, position, kind, title, prompt)
				values (${C.workshop_id}, 3, 'free', 'Parking lot', 'Anything else?') returning id`
		);
		let boards = await boardsOf(C.workshop_id);
		expect(boards.map((b) => b.title)).toEqual(['Values', 'Vision', 'Goals', 'Parking lot']);

		const renamed = await asMember(sql, f, (tx) => tx`update public.boards set title = 'Open questions' where id = ${added.id}`);
		expect(renamed.count).toBe(1);

		const [first, second] = boards;
		const reordered = await asMember(
			sql,
			f,
			(tx) => tx`update public.boards set position = case id when ${first.id}::uuid then 1 else 0 end
				where id in (${first.id}, ${second.id})`
		);
		expect(reordered.count).toBe(2);

		const locked = await asMember(sql, f, (tx) => tx`update public.boards set locked = true where id = ${added.id}`);
		expect(locked.count).toBe(1);

		boards = await boardsOf(C.workshop_id);
		expect(boards.map((b) => b.title)).toEqual(['Vision', 'Values', 'Goals', 'Open questions']);
		expect(boards.map((b) => b.locked)).toEqual([false, false, false, true]);

		const deleted = await asMember(sql, f, (tx) => tx`delete from public.boards where id = ${added.id}`);
		expect(deleted.count).toBe(1);
		expect((await boardsOf(C.workshop_id)).length).toBe(3);
	});

	it('toggles joining_open, which join_workshop obeys', async () => {
		const close = await asMember(sql, C.member_id, (tx) => tx`update public.workshops set joining_open = false where id = ${C.workshop_id}`);
		expect(close.count).toBe(1);
		const closed = await rejection(joinWorkshop(sql, C.join_code, 'Late', 'Org'));
		expect(closed).toEqual({ code: 'P0001', message: 'joining_closed' });
		const open = await asMember(sql, C.member_id, (tx) => tx`update public.workshops set joining_open = true where id = ${C.workshop_id}`);
		expect(open.count).toBe(1);
		const joined = await joinWorkshop(sql, C.join_code, 'Late', 'Org');
		expect(joined.workshop_id).toBe(C.workshop_id);
	});

	it('reads the secret, but cannot change the join code, the key or the template', async () => {
		const [secret] = await asMember(sql, C.member_id, (tx) => tx`select facilitator_key from public.workshop_secrets`);
		expect(secret.facilitator_key).toBe(C.facilitator_key);
		for (const statement of [
			(tx: Sql) => tx`update public.workshops set join_code = 'ZZZZZZ' where id = ${C.workshop_id}`,
			(tx: Sql) => tx`update public.workshops set template = 'blank' where id = ${C.workshop_id}`,
			(tx: Sql) => tx`update public.workshop_secrets set facilitator_key = ${'k'.repeat(40)}`
		]) {
			expect((await rejection(asMember(sql, C.member_id, (tx) => statement(tx as unknown as Sql)))).code).toBe('42501');
		}
		const [w] = await sql`select join_code from public.workshops where id = ${C.workshop_id}`;
		expect(w.join_code).toBe(C.join_code);
	});

	it('changes roles with set_member_role, which takes effect at once', async () => {
		const p = (await joinWorkshop(sql, C.join_code, 'Petra', 'Org')).member_id;
		await asMember(sql, C.member_id, (tx) => tx`select public.set_member_role(${p}, 'facilitator')`);
		const added = await asMember(
			sql,
			p,
			(tx) => tx`insert into public.boards (workshop_id, position, kind, title) values (${C.workshop_id}, 7, 'free', 'By Petra') returning id`
		);
		expect(added.length).toBe(1);
		await asMember(sql, C.member_id, (tx) => tx`select public.set_member_role(${p}, 'observer')`);
		const denied = await asMember(sql, p, (tx) => tx`delete from public.boards where id = ${added[0].id}`);
		expect(denied.count).toBe(0);
		const invalid = await rejection(asMember(sql, C.member_id, (tx) => tx`select public.set_member_role(${p}, 'admin')`));
		expect(invalid).toEqual({ code: 'P0001', message: 'invalid_role' });
		const unknown = await rejection(asMember(sql, C.member_id, (tx) => tx`select public.set_member_role(${randomUUID()}, 'observer')`));
		expect(unknown).toEqual({ code: 'P0001', message: 'not_allowed' });
		const [row] = await sql`select role from public.members where id = ${p}`;
		expect(row.role).toBe('observer');
	});

	it('cannot demote the last facilitator, but can once a second one exists', async () => {
		const W = await createWorkshop(sql, { title: 'Workshop W', boards: [] });
		const last = await rejection(asMember(sql, W.member_id, (tx) => tx`select public.set_member_role(${W.member_id}, 'participant')`));
		expect(last).toEqual({ code: 'P0001', message: 'last_facilitator' });
		expect(await sql`select role from public.members where id = ${W.member_id}`).toEqual([{ role: 'facilitator' }]);

		const second = await claimFacilitator(sql, W.facilitator_key, 'Second');
		await asMember(sql, W.member_id, (tx) => tx`select public.set_member_role(${W.member_id}, 'participant')`);
		const again = await rejection(asMember(sql, second.member_id, (tx) => tx`select public.set_member_role(${second.member_id}, 'observer')`));
		expect(again).toEqual({ code: 'P0001', message: 'last_facilitator' });
		const roles = await sql`select role, count(*)::int as n from public.members where workshop_id = ${W.workshop_id} group by role order by role`;
		expect(roles).toEqual([
			{ role: 'facilitator', n: 1 },
			{ role: 'participant', n: 1 }
		]);
	});

	it('two facilitators demoting each other at the same moment leave one facilitator', async () => {
		const W = await createWorkshop(sql, { title: 'Workshop race', boards: [] });
		const f1 = W.member_id;
		const f2 = (await claimFacilitator(sql, W.facilitator_key, 'Other')).member_id;

		let firstDone!: () => void;
		const firstStatementDone = new Promise<void>((r) => (firstDone = r));
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		// f1 demotes f2 and keeps the transaction open...
		const t1 = asMember(sql, f1, async (tx) => {
			await tx`select public.set_member_role(${f2}, 'participant')`;
			firstDone();
			await gate;
		});
		await firstStatementDone;
		// ...while f2, who has not seen that yet, demotes f1.
		const t2 = asMember(sql, f2, (tx) => tx`select public.set_member_role(${f1}, 'participant')`);
		await new Promise((r) => setTimeout(r, 150));
		release();
		const results = await Promise.allSettled([t1, t2]);

		const [{ n }] = await sql`select count(*)::int as n from public.members where workshop_id = ${W.workshop_id} and role = 'facilitator'`;
		expect(n).toBe(1);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
		// f2 waited for f1's change, then found it was no longer a facilitator.
		expect(await rejection(t2)).toEqual({ code: 'P0001', message: 'not_allowed' });
		expect(await sql`select role from public.members where id = ${f1}`).toEqual([{ role: 'facilitator' }]);
	});

	it('can delete their workshop (everything in it goes), which a participant cannot', async () => {
		const D = await createWorkshop(sql, { title: 'Workshop D' });
		const p = (await joinWorkshop(sql, D.join_code, 'Dora', 'Org D')).member_id;
		const byParticipant = await asMember(sql, p, (tx) => tx`delete from public.workshops where id = ${D.workshop_id}`);
		expect(byParticipant.count).toBe(0);
		const byFacilitator = await asMember(sql, D.member_id, (tx) => tx`delete from public.workshops where id = ${D.workshop_id}`);
		expect(byFacilitator.count).toBe(1);
		const [left] = await sql`select
			(select count(*)::int from public.boards where workshop_id = ${D.workshop_id}) +
			(select count(*)::int from public.members where workshop_id = ${D.workshop_id}) +
			(select count(*)::int from public.organisations where workshop_id = ${D.workshop_id}) +
			(select count(*)::int from public.workshop_secrets where workshop_id = ${D.workshop_id}) as n`;
		expect(left.n).toBe(0);
	});
});

describe('a Supabase user (user_id instead of a member id)', () => {
	it('who creates a workshop while signed in is its facilitator under their user id', async () => {
		const userId = randomUUID();
		const [created] = await asUser(
			sql,
			{ sub: userId, role: 'authenticated' },
			(tx) => tx`select * from public.create_workshop('Signed-in workshop', null, '', 'hu', 'blank', 'Zita', '[]'::jsonb)`
		);
		const [member] = await sql`select user_id, role from public.members where id = ${created.member_id}`;
		expect(member).toEqual({ user_id: userId, role: 'facilitator' });
		const secrets = await asUser(sql, { sub: userId, role: 'authenticated' }, (tx) => tx`select workshop_id from public.workshop_secrets`);
		expect(secrets).toEqual([{ workshop_id: created.workshop_id }]);
	});
});
