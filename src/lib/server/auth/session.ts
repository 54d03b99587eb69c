import { SignJWT, jwtVerify } from 'jose';
import type { MemberRole } from '#lib/domain/workshop/roles.js';

export interface Session {
	memberId: string;
	workshopId: string;
	role: MemberRole;
}

const ISSUER = 'roundtable';
const AUDIENCE = 'roundtable-session';
export const SESSION_DAYS = 30;

/** One cookie per workshop: a browser can facilitate one workshop and join another. */
export function sessionCookieName(workshopId: string): string {
	return `rt_${workshopId.replaceAll('-', '')}`;
}

export async function signSession(key: Uint8Array, session: Session): Promise<string> {
	return new SignJWT({ wid: session.workshopId, role: session.role })
		.setProtectedHeader({ alg: 'HS256' })
		.setSubject(session.memberId)
		.setIssuer(ISSUER)
		.setAudience(AUDIENCE)
		.setIssuedAt()
		.setExpirationTime(`${SESSION_DAYS}d`)
		.sign(key);
}

/** The session in a cookie value, or null when it is missing, forged, expired or malformed. */
export async function verifySession(key: Uint8Array, token: string | undefined): Promise<Session | null> {
	if (!token || token.length > 2048) return null;
	try {
		const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
		const { sub, wid, role } = payload;
		if (typeof sub !== 'string' || typeof wid !== 'string' || typeof role !== 'string') return null;
		if (role !== 'facilitator' && role !== 'participant' && role !== 'observer') return null;
		return { memberId: sub, workshopId: wid, role };
	} catch {
		return null;
	}
}
