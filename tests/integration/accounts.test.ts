import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asUser, type Sql, type Tx } from '#lib/server/db/client.js';
import { asMember, createWorkshop, joinWorkshop, migratedDatabase, rejection, type TestDatabase } from './helpers';

// Facilitator accounts under row-level security: every query runs as role `authenticated`
// with the account's Supabase claims (sub, email), exactly as the server runs them after
// verifying the access token.

interface Account {
	sub: string;
	email: string;
}

let db: TestDatabase;
let sql: Sql;
const ana: Account = { sub: randomUUID(), email: 'ana@example.org' };
const bela: Account = { sub: randomUUID(), email: 'bela@example.org' };
const cili: Account = { sub: randomUUID(), email: 'cili@example.org' };

const asAccount = <T>(account: Account, fn: (tx: Tx) => Promise<T>) => asUser(sql, { sub: account.sub, role: 'authenticated', email: account.email }, fn);

const boards = [{ kind: 'values', title: 'Values', prompt: '' }];

async function createOwned(account: Account, title: string) {
	const [row] = await asAccount(
		account,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select * from public.create_account_workshop(${title}, ${'2026-03-01'}, ${'Győr'}, ${'en'}, ${'strategy'}, ${'Owner'}, ${tx.json(boards)})`
	);
	return row;
}

const titles = (account: Account) =>
	asAccount(account, async (tx) => (await tx<{ title: string }[]>`select title from public.workshops order by title`).map((r) => r.title));

function newToken() {
	const token = randomBytes(32).toString('base64url');
	return { token, hash: createHash('sha256').update(token).digest('hex') };
}

async function invite(by: Account, workshopId: string, email: string, expiresAt?: Date) {
	const { token, hash } = newToken();
	const [{ id }] = await asAccount(
		by,
		(tx) => tx<{ id: string }[]>`
		insert into public.facilitator_invites (workshop_id, email, token_hash, invited_by, expires_at)
		values (${workshopId}, ${email}, ${hash}, ${by.sub}, ${expiresAt ?? new Date(Date.now() + 86_400_000)})
		returning id`
	);
	return { id, token, hash };
}

const accept = (account: Account, hash: string, name = 'Co Facilitator') =>
	asAccount(account, (tx) => tx<{ workshop_id: string; member_id: string }[]>`select * from public.accept_facilitator_invite(${hash}, ${name})`);

let anaWorkshop: { workshop_id: string; member_id: string };
let belaWorkshop: { workshop_id: string; member_id: string };

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	sql = db.sql;
	anaWorkshop = await createOwned(ana, 'Ana’s workshop');
	belaWorkshop = await createOwned(bela, 'Béla’s workshop');
});

afterAll(async () => {
	await db?.drop();
});

describe('accounts and their workshops', () => {
	test('a workshop created while signed in belongs to the account, with the account’s facilitator member', async () => {
		const [owner] = await sql`select user_id, role from public.workshop_accounts where workshop_id = ${anaWorkshop.workshop_id}`;
		expect(owner).toEqual({ user_id: ana.sub, role: 'owner' });
		const [member] = await sql`select role, user_id from public.members where id = ${anaWorkshop.member_id}`;
		expect(member).toEqual({ role: 'facilitator', user_id: ana.sub });
	});

	test('an account sees only the workshops it owns or co-facilitates', async () => {
		const other = await createWorkshop(sql, { title: 'Anonymous workshop' });
		expect(await titles(ana)).toEqual(['Ana’s workshop']);
		expect(await titles(bela)).toEqual(['Béla’s workshop']);
		expect(await titles(cili)).toEqual([]);
		const lists = await asAccount(ana, (tx) => tx`select workshop_id, user_id, role from public.workshop_accounts`);
		expect(lists).toEqual([{ workshop_id: anaWorkshop.workshop_id, user_id: ana.sub, role: 'owner' }]);
		// A participant's member session (sub = member id) sees no account rows at all.
		const p = await joinWorkshop(sql, other.join_code, 'Pál', 'Org');
		expect(await asMember(sql, p.member_id, (tx) => tx`select * from public.workshop_accounts`)).toEqual([]);
		expect(await asMember(sql, p.member_id, (tx) => tx`select id, email from public.facilitator_invites`)).toEqual([]);
	});

	test('creating as an account needs a signed-in user with an e-mail; nobody writes workshop_accounts directly', async () => {
		const noEmail = await rejection(
			asUser(
				sql,
				{ sub: randomUUID(), role: 'authenticated' },
				(tx) => tx`
			select * from public.create_account_workshop('x', null, '', 'en', 'blank', 'Me', '[]'::jsonb)`
			)
		);
		expect(noEmail.message).toBe('not_allowed');
		const direct = await rejection(
			asAccount(
				cili,
				(tx) => tx`
			insert into public.workshop_accounts (workshop_id, user_id, role) values (${anaWorkshop.workshop_id}, ${cili.sub}, 'owner')`
			)
		);
		expect(direct.code).toBe('42501');
		const steal = await asAccount(cili, (tx) => tx`update public.workshops set title = 'Mine' where id = ${anaWorkshop.workshop_id}`);
		expect(steal.count).toBe(0);
		expect(await titles(ana)).toEqual(['Ana’s workshop']);
	});

	test('account_member gives the account its own member, and refuses strangers', async () => {
		const [mine] = await asAccount(ana, (tx) => tx`select * from public.account_member(${anaWorkshop.workshop_id}, ${'Ana'})`);
		expect(mine).toEqual({ member_id: anaWorkshop.member_id, role: 'facilitator' });
		const refused = await rejection(asAccount(bela, (tx) => tx`select * from public.account_member(${anaWorkshop.workshop_id}, ${'Béla'})`));
		expect(refused.message).toBe('not_allowed');
	});
});

describe('claiming a workshop made without an account', () => {
	test('its facilitator, signed in, makes it the account’s; nobody else, and only once', async () => {
		const w = await createWorkshop(sql, { title: 'Made before signing in', facilitator: 'Dóra' });
		const participant = (await joinWorkshop(sql, w.join_code, 'Pál', 'Org')).member_id;
		const dora: Account = { sub: randomUUID(), email: 'dora@example.org' };
		const claim = (account: Account, member: string) => asAccount(account, (tx) => tx`select public.claim_workshop(${w.workshop_id}, ${member})`);
		// A participant's member, a member of another workshop: refused.
		expect((await rejection(claim(dora, participant))).message).toBe('not_allowed');
		expect((await rejection(claim(dora, anaWorkshop.member_id))).message).toBe('not_allowed');
		expect(await titles(dora)).toEqual([]);
		await claim(dora, w.member_id);
		expect(await titles(dora)).toEqual(['Made before signing in']);
		const [owner] = await sql`select user_id, role from public.workshop_accounts where workshop_id = ${w.workshop_id}`;
		expect(owner).toEqual({ user_id: dora.sub, role: 'owner' });
		// The member is now the account's: another account cannot claim it, nor a second owner appear.
		expect((await rejection(claim(bela, w.member_id))).message).toBe('not_allowed');
		const [{ id: otherFacilitator }] = await sql`
			insert into public.members (workshop_id, name, role) values (${w.workshop_id}, 'Second', 'facilitator') returning id`;
		expect((await rejection(claim(bela, otherFacilitator))).message).toBe('already_owned');
		// Without an e-mail in the token (not a signed-in account): refused.
		const noEmail = await rejection(
			asUser(sql, { sub: randomUUID(), role: 'authenticated' }, (tx) => tx`select public.claim_workshop(${w.workshop_id}, ${otherFacilitator})`)
		);
		expect(noEmail.message).toBe('not_allowed');
	});
});

describe('co-facilitator invites', () => {
	test('only the workshop’s accounts invite and read its invites', async () => {
		const { id, hash } = await invite(ana, anaWorkshop.workshop_id, 'cili@example.org');
		const seen = await asAccount(ana, (tx) => tx`select email, invited_by from public.facilitator_invites where workshop_id = ${anaWorkshop.workshop_id}`);
		expect(seen).toContainEqual({ email: 'cili@example.org', invited_by: ana.sub });
		// Béla neither sees Ana's invites nor adds one to her workshop.
		expect(await asAccount(bela, (tx) => tx`select id, email from public.facilitator_invites where workshop_id = ${anaWorkshop.workshop_id}`)).toEqual([]);
		const forged = await rejection(invite(bela, anaWorkshop.workshop_id, 'bela2@example.org'));
		expect(forged.code).toBe('42501');
		// Nor in his own name as someone else, nor pre-accepted.
		const asOther = await rejection(
			asAccount(
				bela,
				(tx) => tx`
			insert into public.facilitator_invites (workshop_id, email, token_hash, invited_by)
			values (${belaWorkshop.workshop_id}, 'x@example.org', ${newToken().hash}, ${ana.sub})`
			)
		);
		expect(asOther.code).toBe('42501');
		// The token hash is not readable even by the workshop's own accounts.
		const hidden = await rejection(asAccount(ana, (tx) => tx`select token_hash from public.facilitator_invites`));
		expect(hidden.code).toBe('42501');
		// Béla cannot revoke Ana's invite: nothing changes.
		const r = await asAccount(bela, (tx) => tx`update public.facilitator_invites set revoked_at = now() where id = ${id}`);
		expect(r.count).toBe(0);
		const [row] = await sql`select revoked_at from public.facilitator_invites where token_hash = ${hash}`;
		expect(row.revoked_at).toBeNull();
	});

	test('acceptance only by the invited address; then the account co-facilitates', async () => {
		const { hash } = await invite(ana, anaWorkshop.workshop_id, 'cili@example.org');
		const wrong = await rejection(accept(bela, hash));
		expect(wrong.message).toBe('invite_wrong_account');
		// Same address in other capitals is the same address.
		const [accepted] = await accept({ ...cili, email: 'Cili@Example.org' }, hash, 'Cili');
		expect(accepted.workshop_id).toBe(anaWorkshop.workshop_id);
		const [member] = await sql`select name, role, user_id from public.members where id = ${accepted.member_id}`;
		expect(member).toEqual({ name: 'Cili', role: 'facilitator', user_id: cili.sub });
		expect(await titles(cili)).toEqual(['Ana’s workshop']);
		const [me] = await asAccount(
			cili,
			(tx) => tx`select role from public.workshop_accounts where workshop_id = ${anaWorkshop.workshop_id} and user_id = ${cili.sub}`
		);
		expect(me.role).toBe('co-facilitator');
		// Accepting again is harmless for the same account; another account cannot reuse it.
		expect((await accept(cili, hash))[0].member_id).toBe(accepted.member_id);
		expect((await rejection(accept({ sub: randomUUID(), email: 'cili@example.org' }, hash))).message).toBe('invite_used');
		// As a co-facilitator through the account, Cili passes member_role's checks (facilitator).
		const [{ f }] = await asAccount(cili, (tx) => tx`select public.is_facilitator(${anaWorkshop.workshop_id}) as f`);
		expect(f).toBe(true);
		// And may now invite in turn, and read the workshop's invites.
		await invite(cili, anaWorkshop.workshop_id, 'dora@example.org');
		expect((await asAccount(cili, (tx) => tx`select email from public.facilitator_invites`)).map((r) => r.email)).toContain('dora@example.org');
	});

	test('expired, revoked and unknown invites are refused and change nothing', async () => {
		const expired = await invite(ana, anaWorkshop.workshop_id, 'bela@example.org', new Date(Date.now() + 1000));
		await sql`update public.facilitator_invites set expires_at = now() - interval '1 minute', created_at = now() - interval '2 days' where token_hash = ${expired.hash}`;
		expect((await rejection(accept(bela, expired.hash))).message).toBe('invite_expired');

		const revoked = await invite(ana, anaWorkshop.workshop_id, 'bela@example.org');
		const r = await asAccount(ana, (tx) => tx`update public.facilitator_invites set revoked_at = now() where id = ${revoked.id}`);
		expect(r.count).toBe(1);
		expect((await rejection(accept(bela, revoked.hash))).message).toBe('invite_revoked');

		expect((await rejection(accept(bela, newToken().hash))).message).toBe('invite_not_found');
		expect((await rejection(accept(bela, "' or 1=1 --"))).message).toBe('invite_not_found');
		expect(await titles(bela)).toEqual(['Béla’s workshop']);
		const [{ n }] = await sql`select count(*)::int as n from public.workshop_accounts where user_id = ${bela.sub}`;
		expect(n).toBe(1);
		// A revoked invite stays revoked, and an accepted one cannot be revoked after the fact.
		const un = await asAccount(ana, (tx) => tx`update public.facilitator_invites set revoked_at = null where id = ${revoked.id}`);
		expect(un.count).toBe(0);
		const [{ n: accepted }] = await sql`select count(*)::int as n from public.facilitator_invites where accepted_at is not null`;
		expect(accepted).toBeGreaterThan(0);
		const late = await asAccount(ana, (tx) => tx`update public.facilitator_invites set revoked_at = now() where accepted_at is not null`);
		expect(late.count).toBe(0);
	});

	test('the invite preview shows workshop, address and state only to a holder of the token', async () => {
		const { hash } = await invite(ana, anaWorkshop.workshop_id, 'eva@example.org');
		const [preview] = await asAccount(bela, (tx) => tx`select * from public.facilitator_invite(${hash})`);
		expect(preview).toEqual({ workshop_id: anaWorkshop.workshop_id, workshop_title: 'Ana’s workshop', email: 'eva@example.org', status: 'pending' });
		expect(await asAccount(bela, (tx) => tx`select * from public.facilitator_invite(${newToken().hash})`)).toEqual([]);
		// Not for anonymous callers.
		const anon = await rejection(
			sql.begin(async (tx) => {
				await tx`select set_config('role', 'anon', true)`;
				return tx`select * from public.facilitator_invite(${hash})`;
			})
		);
		expect(anon.code).toBe('42501');
	});
});
