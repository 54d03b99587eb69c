import type { Cookies } from '@sveltejs/kit';
import { isUuid } from '#lib/domain/ids.js';
import { accountMember, accountWorkshops } from '../repositories/accounts';
import { getRuntime } from '../runtime';
import { endSession, startSession } from './guard';
import { sessionCookieName, verifySession } from './session';
import type { Account } from './supabase';

const WORKSHOP_PATH = /^\/w\/([0-9a-f-]{36})(?:\/|$)/;

/**
 * A signed-in account opening one of its workshops gets the workshop's ordinary session (its
 * own member, a facilitator) without the facilitator link. Runs before the page's loads, so
 * they all see the session. A browser that already holds a session there keeps it.
 */
export async function enterAsAccount(account: Account, cookies: Cookies, url: URL): Promise<void> {
	const workshopId = WORKSHOP_PATH.exec(url.pathname)?.[1];
	if (!workshopId || !isUuid(workshopId)) return;
	const { sql, sessionKey } = await getRuntime();
	const session = await verifySession(sessionKey, cookies.get(sessionCookieName(workshopId)));
	if (session?.workshopId === workshopId) return;
	const member = await accountMember(sql, account, workshopId);
	if (!member) return;
	await startSession(cookies, url, { memberId: member.memberId, workshopId, role: member.role });
}

/** Signing out also ends the sessions the account's workshops have in this browser. */
export async function endAccountSessions(account: Account, cookies: Cookies): Promise<void> {
	const { sql } = await getRuntime();
	for (const w of await accountWorkshops(sql, account)) {
		if (cookies.get(sessionCookieName(w.id))) endSession(cookies, w.id);
	}
}
