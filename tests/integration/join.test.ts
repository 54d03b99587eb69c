import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAnon, type Sql } from '#lib/server/db/client.js';
import { claimFacilitator, countRows, createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';

let db: TestDatabase;
let sql: Sql;
let W: CreatedWorkshop;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false, max: 20 });
	sql = db.sql;
	W = await createWorkshop(sql, { title: 'Join tests' });
});

afterAll(async () => {
	await db?.drop();
});

async function totals() {
	const [row] = await sql`select
		(select count(*)::int from public.workshops) as workshops,
		(select count(*)::int from public.members) as members,
		(select count(*)::int from public.organisations) as organisations,
		(select count(*)::int from public.boards) as boards,
		(select count(*)::int from public.workshop_secrets) as secrets`;
	return row;
}

/** A code in the right format that no workshop has. */
function unusedCode(taken: string): string {
	return taken === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
}

describe('join_workshop refuses', () => {
	it.each([
		['a wrong code', () => unusedCode(W.join_code), 'Anna', 'Org', 'participant', 'wrong_code'],
		['an empty code', () => '', 'Anna', 'Org', 'participant', 'wrong_code'],
		['a code with SQL in it', () => `' or 1=1 --`, 'Anna', 'Org', 'participant', 'wrong_code'],
		['an 81-character name', () => W.join_code, 'x'.repeat(81), 'Org', 'participant', 'invalid_name'],
		['an empty name', () => W.join_code, '', 'Org', 'participant', 'invalid_name'],
		['a whitespace-only name', () => W.join_code, ' \n\t ', 'Org', 'participant', 'invalid_name'],
		['an empty organisation', () => W.join_code, 'Anna', '', 'participant', 'invalid_organisation'],
		['a whitespace-only organisation', () => W.join_code, 'Anna', '   \n ', 'participant', 'invalid_organisation'],
		['a 121-character organisation', () => W.join_code, 'Anna', 'o'.repeat(121), 'participant', 'invalid_organisation'],
		['the facilitator role', () => W.join_code, 'Anna', 'Org', 'facilitator', 'invalid_role'],
		['an unknown role', () => W.join_code, 'Anna', 'Org', 'admin', 'invalid_role']
	])('%s', async (_label, code, name, organisation, role, expected) => {
		const before = await totals();
		const err = await rejection(joinWorkshop(sql, code(), name, organisation, role));
		expect(err).toEqual({ code: 'P0001', message: expected });
		expect(await totals()).toEqual(before);
	});

	it('null arguments', async () => {
		const before = await totals();
		const call = (code: string | null, name: string | null, org: string | null, role: string | null) =>
			rejection(asAnon(sql, (tx) => tx`select * from public.join_workshop(${code}, ${name}, ${org}, ${role})`));
		expect((await call(null, 'Anna', 'Org', 'participant')).message).toBe('wrong_code');
		expect((await call(W.join_code, null, 'Org', 'participant')).message).toBe('invalid_name');
		expect((await call(W.join_code, 'Anna', null, 'participant')).message).toBe('invalid_organisation');
		expect((await call(W.join_code, 'Anna', 'Org', null)).message).toBe('invalid_role');
		expect(await totals()).toEqual(before);
	});

	it('while joining is closed, and accepts again once reopened', async () => {
		await sql`update public.workshops set joining_open = false where id = ${W.workshop_id}`;
		try {
			const before = await totals();
			const err = await rejection(joinWorkshop(sql, W.join_code, 'Anna', 'A brand new organisation'));
			expect(err).toEqual({ code: 'P0001', message: 'joining_closed' });
			expect(await totals()).toEqual(before);
			const [found] = await sql`select 1 from public.organisations where name = 'A brand new organisation'`;
			expect(found).toBeUndefined();
		} finally {
			await sql`update public.workshops set joining_open = true where id = ${W.workshop_id}`;
		}
		const ok = await joinWorkshop(sql, W.join_code, 'Anna', 'Reopened Org');
		expect(ok.workshop_id).toBe(W.workshop_id);
	});
});

describe('join_workshop accepts', () => {
	it('an 80-character name and a 120-character organisation', async () => {
		const name = 'n'.repeat(80);
		const org = 'O'.repeat(120);
		const { member_id } = await joinWorkshop(sql, W.join_code, name, org);
		const [row] =
			await sql`select m.name, o.name as org from public.members m join public.organisations o on o.id = m.organisation_id where m.id = ${member_id}`;
		expect(row).toEqual({ name, org });
	});

	it('script-laden names verbatim, as text (the interface escapes them)', async () => {
		const name = '<script>alert(1)</script>';
		const org = `"><img src=x onerror=alert('org')>`;
		const { member_id } = await joinWorkshop(sql, W.join_code, name, org);
		const [row] =
			await sql`select m.name, o.name as org from public.members m join public.organisations o on o.id = m.organisation_id where m.id = ${member_id}`;
		expect(row).toEqual({ name, org });
	});

	it('names with runs of whitespace and control characters, collapsed and trimmed', async () => {
		const { member_id } = await joinWorkshop(sql, W.join_code, '  Anna \n\t Kovács\u0007 ', ' Szeged \r\n Cluster ');
		const [row] =
			await sql`select m.name, o.name as org from public.members m join public.organisations o on o.id = m.organisation_id where m.id = ${member_id}`;
		expect(row).toEqual({ name: 'Anna Kovács', org: 'Szeged Cluster' });
	});

	it('codes in any case, with surrounding spaces', async () => {
		for (const code of [W.join_code.toLowerCase(), `  ${W.join_code}  `, ` ${W.join_code.toLowerCase()} `]) {
			const joined = await joinWorkshop(sql, code, 'Case', 'Case Org');
			expect(joined.workshop_id, code).toBe(W.workshop_id);
		}
		const [found] = await asAnon(sql, (tx) => tx`select id from public.workshop_by_code(${' ' + W.join_code.toLowerCase() + ' '})`);
		expect(found.id).toBe(W.workshop_id);
		expect(await asAnon(sql, (tx) => tx`select id from public.workshop_by_code(${unusedCode(W.join_code)})`)).toEqual([]);
	});

	it('observers, who get the observer role', async () => {
		const { member_id } = await joinWorkshop(sql, W.join_code, 'Olivér', 'Watchers', 'observer');
		expect(await sql`select role from public.members where id = ${member_id}`).toEqual([{ role: 'observer' }]);
	});

	it('the same organisation in another case as one organisation, spelt as first given', async () => {
		const spellings = ['Pannon Business Network', 'PANNON BUSINESS NETWORK', ' pannon business   network '];
		const ids = [];
		for (const [i, org] of spellings.entries()) ids.push((await joinWorkshop(sql, W.join_code, `Member ${i}`, org)).member_id);
		const rows = await sql`select distinct o.id, o.name from public.members m join public.organisations o on o.id = m.organisation_id
			where m.id in ${sql(ids)}`;
		expect(rows.length).toBe(1);
		expect(rows[0].name).toBe('Pannon Business Network');
		const [{ n }] = await sql`select count(*)::int as n from public.organisations
			where workshop_id = ${W.workshop_id} and lower(name) = 'pannon business network'`;
		expect(n).toBe(1);
		// The same name in another workshop is another organisation.
		const other = await createWorkshop(sql, { title: 'Other' });
		const { member_id } = await joinWorkshop(sql, other.join_code, 'Elsewhere', 'Pannon Business Network');
		const [o] = await sql`select o.id, o.workshop_id from public.members m join public.organisations o on o.id = m.organisation_id where m.id = ${member_id}`;
		expect(o.workshop_id).toBe(other.workshop_id);
		expect(o.id).not.toBe(rows[0].id);
	});

	it('joined organisations then appear in workshop_by_code, sorted', async () => {
		const [w] = await asAnon(sql, (tx) => tx`select organisations from public.workshop_by_code(${W.join_code})`);
		expect(w.organisations).toContain('Pannon Business Network');
		expect(w.organisations).toEqual([...w.organisations].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
	});
});

describe('facilitator key', () => {
	it('workshop_by_facilitator_key finds the workshop only with the exact key', async () => {
		const [found] = await asAnon(sql, (tx) => tx`select id, title from public.workshop_by_facilitator_key(${W.facilitator_key})`);
		expect(found).toEqual({ id: W.workshop_id, title: 'Join tests' });
		for (const key of ['', W.facilitator_key.toUpperCase(), W.facilitator_key.slice(0, -1), W.join_code]) {
			expect(await asAnon(sql, (tx) => tx`select id from public.workshop_by_facilitator_key(${key})`), key).toEqual([]);
		}
	});

	it('claim_facilitator with a wrong key → wrong_key, and nothing changes', async () => {
		const before = await totals();
		for (const key of ['', 'not-the-key', W.facilitator_key.slice(1)]) {
			expect(await rejection(claimFacilitator(sql, key, 'Mallory'))).toEqual({ code: 'P0001', message: 'wrong_key' });
		}
		expect(await rejection(claimFacilitator(sql, W.facilitator_key, ' '))).toEqual({ code: 'P0001', message: 'invalid_name' });
		expect(await totals()).toEqual(before);
	});

	it('claim_facilitator with the right key creates a second facilitator', async () => {
		const claimed = await claimFacilitator(sql, W.facilitator_key, '  Co  Facilitator ');
		expect(claimed.workshop_id).toBe(W.workshop_id);
		expect(claimed.member_id).not.toBe(W.member_id);
		const facilitators = await sql`select id, name from public.members
			where workshop_id = ${W.workshop_id} and role = 'facilitator' order by created_at, name`;
		expect(facilitators.map((f) => f.id).sort()).toEqual([W.member_id, claimed.member_id].sort());
		expect(facilitators.find((f) => f.id === claimed.member_id)?.name).toBe('Co Facilitator');
	});
});

describe('a room joining at once', () => {
	it('300 joins in parallel into one workshop all succeed', async () => {
		const room = await createWorkshop(sql, { title: 'Plenary', boards: [] });
		const organisations = 30;
		const started = performance.now();
		const results = await Promise.all(
			Array.from({ length: 300 }, (_, i) => {
				const org = `Cluster ${i % organisations}`;
				// Mixed case on purpose: concurrent first joins of one organisation must still
				// end up in one row.
				return joinWorkshop(sql, room.join_code, `Person ${i}`, i % 2 ? org.toUpperCase() : org, i % 10 ? 'participant' : 'observer');
			})
		);
		const ms = performance.now() - started;
		console.log(`[join] 300 parallel joins (pool of 20 connections): ${ms.toFixed(0)} ms`);

		expect(results.length).toBe(300);
		expect(results.every((r) => r.workshop_id === room.workshop_id)).toBe(true);
		expect(new Set(results.map((r) => r.member_id)).size).toBe(300);
		expect(await countRows(sql, 'public.members', room.workshop_id)).toBe(301);
		expect(await countRows(sql, 'public.organisations', room.workshop_id)).toBe(organisations);
		const perOrg = await sql`select count(*)::int as n from public.members where workshop_id = ${room.workshop_id}
			and organisation_id is not null group by organisation_id`;
		expect(perOrg.map((r) => r.n)).toEqual(Array(organisations).fill(10));
		expect(ms).toBeLessThan(20_000);
	});
});
