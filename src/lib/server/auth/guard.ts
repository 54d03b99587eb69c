import { error, redirect, type Cookies } from '@sveltejs/kit';
import { isUuid } from '#lib/domain/ids.js';
import type { MemberView } from '#lib/domain/workshop/members.js';
import { findMe } from '../repositories/workshops';
import type { Viewer } from '../db/client';
import { getRuntime } from '../runtime';
import { SESSION_DAYS, sessionCookieName, signSession, verifySession, type Session } from './session';

export async function startSession(cookies: Cookies, url: URL, session: Session): Promise<void> {
	const { sessionKey } = await getRuntime();
	cookies.set(sessionCookieName(session.workshopId), await signSession(sessionKey, session), {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: SESSION_DAYS * 24 * 60 * 60
	});
}

export function endSession(cookies: Cookies, workshopId: string): void {
	cookies.delete(sessionCookieName(workshopId), { path: '/' });
}

/** The member this browser is in `workshopId`, or null (no cookie, forged, or removed). */
export async function currentMember(cookies: Cookies, workshopId: string): Promise<{ viewer: Viewer; me: MemberView } | null> {
	if (!isUuid(workshopId)) return null;
	const { sql, sessionKey } = await getRuntime();
	const session = await verifySession(sessionKey, cookies.get(sessionCookieName(workshopId)));
	if (!session || session.workshopId !== workshopId) return null;
	const viewer = { memberId: session.memberId, workshopId };
	const me = await findMe(sql, viewer);
	return me ? { viewer, me } : null;
}

/** For workshop pages: the member, or off to the join page. */
export async function requireMember(cookies: Cookies, workshopId: string) {
	if (!isUuid(workshopId)) error(404, 'not_found');
	const member = await currentMember(cookies, workshopId);
	if (!member) redirect(303, `/join?from=${encodeURIComponent(workshopId)}`);
	return member;
}

/**
 * For writes that the database checks in full itself (casting a ballot): the session only,
 * without reading the member first. A member removed since gets the database's refusal.
 */
export async function requireSession(cookies: Cookies, workshopId: string): Promise<{ viewer: Viewer }> {
	if (!isUuid(workshopId)) error(404, 'not_found');
	const { sessionKey } = await getRuntime();
	const session = await verifySession(sessionKey, cookies.get(sessionCookieName(workshopId)));
	if (!session || session.workshopId !== workshopId) redirect(303, `/join?from=${encodeURIComponent(workshopId)}`);
	return { viewer: { memberId: session.memberId, workshopId } };
}
