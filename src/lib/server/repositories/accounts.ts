import { createHash, randomBytes } from 'node:crypto';
import { asUser, type Sql, type Tx } from '../db/client';
import type { Account } from '../auth/supabase';
import type { BoardKind, Template } from '#lib/domain/workshop/templates.js';
import type { Language } from '#lib/domain/workshop/validation.js';
import type { MemberRole } from '#lib/domain/workshop/roles.js';

export type AccountRole = 'owner' | 'co-facilitator';

export interface AccountWorkshop {
	id: string;
	title: string;
	startsOn: string | null;
	venue: string;
	role: AccountRole;
}

export interface Invite {
	id: string;
	email: string;
	createdAt: Date;
	expiresAt: Date;
	expired: boolean;
}

export type InviteStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

/** Runs `fn` as the account, with the claims of its verified token, so RLS decides. */
export function asAccount<T>(sql: Sql, account: Account, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return asUser(sql, { sub: account.userId, role: 'authenticated', email: account.email }, fn);
}

export async function accountWorkshops(sql: Sql, account: Account): Promise<AccountWorkshop[]> {
	const rows = await asAccount(
		sql,
		account,
		(tx) => tx<{ id: string; title: string; starts_on: string | null; venue: string; role: AccountRole }[]>`
		select w.id, w.title, w.starts_on, w.venue, a.role
		from public.workshop_accounts a join public.workshops w on w.id = a.workshop_id
		where a.user_id = ${account.userId}
		order by w.starts_on desc nulls last, w.created_at desc`
	);
	return rows.map((r) => ({ id: r.id, title: r.title, startsOn: r.starts_on, venue: r.venue, role: r.role }));
}

export async function accountRole(sql: Sql, account: Account, workshopId: string): Promise<AccountRole | null> {
	const [row] = await asAccount(sql, account, (tx) => tx<{ role: AccountRole | null }[]>`select public.account_role(${workshopId}) as role`);
	return row?.role ?? null;
}

export async function createAccountWorkshop(
	sql: Sql,
	account: Account,
	input: {
		title: string;
		startsOn: string | null;
		venue: string;
		language: Language;
		template: Template;
		facilitatorName: string;
		boards: { kind: BoardKind; title: string; prompt: string }[];
	}
): Promise<{ workshopId: string; memberId: string }> {
	const [row] = await asAccount(
		sql,
		account,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select workshop_id, member_id from public.create_account_workshop(
			${input.title}, ${input.startsOn}, ${input.venue}, ${input.language}, ${input.template},
			${input.facilitatorName}, ${tx.json(input.boards)})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id };
}

/** The account's member in one of its workshops (created on first use), or null if it is not one of its workshops. */
export async function accountMember(sql: Sql, account: Account, workshopId: string): Promise<{ memberId: string; role: MemberRole } | null> {
	if ((await accountRole(sql, account, workshopId)) === null) return null;
	const name = account.email.split('@')[0].slice(0, 80) || 'Facilitator';
	const [row] = await asAccount(
		sql,
		account,
		(tx) => tx<{ member_id: string; role: MemberRole }[]>`
		select member_id, role from public.account_member(${workshopId}, ${name})`
	);
	return row ? { memberId: row.member_id, role: row.role } : null;
}

/** Makes an ownerless workshop the account's, through the facilitator member its session proves. */
export async function claimWorkshop(sql: Sql, account: Account, workshopId: string, memberId: string): Promise<void> {
	await asAccount(sql, account, (tx) => tx`select public.claim_workshop(${workshopId}, ${memberId})`);
}

/** 256 random bits for the link; only their SHA-256 is stored. */
export function newInviteToken(): { token: string; hash: string } {
	const token = randomBytes(32).toString('base64url');
	return { token, hash: hashInviteToken(token) };
}

export function hashInviteToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export const INVITE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Stores an invite and runs `send` (the e-mail) in the same transaction: an invite whose
 * e-mail could not be sent is not kept.
 */
export async function createInvite(sql: Sql, account: Account, workshopId: string, email: string, send: (token: string) => Promise<void>): Promise<boolean> {
	const { token, hash } = newInviteToken();
	return asAccount(sql, account, async (tx) => {
		const r = await tx`
			insert into public.facilitator_invites (workshop_id, email, token_hash, invited_by)
			values (${workshopId}, ${email}, ${hash}, ${account.userId})`;
		if (r.count !== 1) return false;
		await send(token);
		return true;
	});
}

export async function pendingInvites(sql: Sql, account: Account, workshopId: string): Promise<Invite[]> {
	const rows = await asAccount(
		sql,
		account,
		(tx) => tx<{ id: string; email: string; created_at: Date; expires_at: Date; expired: boolean }[]>`
		select id, email, created_at, expires_at, expires_at <= now() as expired from public.facilitator_invites
		where workshop_id = ${workshopId} and accepted_at is null and revoked_at is null
		order by created_at desc limit 50`
	);
	return rows.map((r) => ({ id: r.id, email: r.email, createdAt: r.created_at, expiresAt: r.expires_at, expired: r.expired }));
}

export async function revokeInvite(sql: Sql, account: Account, workshopId: string, inviteId: string): Promise<boolean> {
	const r = await asAccount(
		sql,
		account,
		(tx) => tx`
		update public.facilitator_invites set revoked_at = now()
		where id = ${inviteId} and workshop_id = ${workshopId} and revoked_at is null and accepted_at is null`
	);
	return r.count === 1;
}

export async function invitePreview(
	sql: Sql,
	account: Account,
	token: string
): Promise<{ workshopId: string; workshopTitle: string; email: string; status: InviteStatus } | null> {
	const [row] = await asAccount(
		sql,
		account,
		(tx) => tx<{ workshop_id: string; workshop_title: string; email: string; status: InviteStatus }[]>`
		select * from public.facilitator_invite(${hashInviteToken(token)})`
	);
	return row ? { workshopId: row.workshop_id, workshopTitle: row.workshop_title, email: row.email, status: row.status } : null;
}

export async function acceptInvite(sql: Sql, account: Account, token: string, name: string): Promise<{ workshopId: string; memberId: string }> {
	const [row] = await asAccount(
		sql,
		account,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select workshop_id, member_id from public.accept_facilitator_invite(${hashInviteToken(token)}, ${name})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id };
}
