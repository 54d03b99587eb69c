import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { sessionCookieName, signSession, verifySession, SESSION_DAYS, type Session } from './session';

const key = new Uint8Array(randomBytes(32));
const session: Session = {
	memberId: '0b6a3a44-3f5c-4a52-9a3e-2c1b1f0e9d11',
	workshopId: '00000000-0000-4000-8000-000000000001',
	role: 'participant'
};

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

/** A token as signSession would make it, with claims and expiry under the test's control. */
function token(claims: Record<string, unknown>, options: { key?: Uint8Array; exp?: number | string; iss?: string; aud?: string; sub?: string } = {}) {
	const jwt = new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256' })
		.setIssuer(options.iss ?? 'roundtable')
		.setAudience(options.aud ?? 'roundtable-session')
		.setIssuedAt()
		.setExpirationTime(options.exp ?? '1h');
	if (options.sub !== '') jwt.setSubject(options.sub ?? session.memberId);
	return jwt.sign(options.key ?? key);
}

describe('signSession / verifySession', () => {
	it('round-trips every role', async () => {
		for (const role of ['facilitator', 'participant', 'observer'] as const) {
			const signed = await signSession(key, { ...session, role });
			expect(await verifySession(key, signed)).toEqual({ ...session, role });
		}
	});

	it(`signs an HS256 JWT that expires in ${SESSION_DAYS} days`, async () => {
		const signed = await signSession(key, session);
		const [header, payload] = signed.split('.');
		expect(decode(header)).toEqual({ alg: 'HS256' });
		const claims = decode(payload);
		expect(claims).toMatchObject({ sub: session.memberId, wid: session.workshopId, role: 'participant', iss: 'roundtable', aud: 'roundtable-session' });
		expect(claims.exp - claims.iat).toBe(SESSION_DAYS * 24 * 60 * 60);
		expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5);
	});

	it('refuses a token signed with another key', async () => {
		const other = new Uint8Array(randomBytes(32));
		expect(await verifySession(other, await signSession(key, session))).toBeNull();
	});

	it('refuses a forged signature', async () => {
		const [h, p, s] = (await signSession(key, session)).split('.');
		const bytes = Buffer.from(s, 'base64url');
		bytes[0] ^= 0x01;
		expect(await verifySession(key, `${h}.${p}.${bytes.toString('base64url')}`)).toBeNull();
		expect(await verifySession(key, `${h}.${p}.`)).toBeNull();
		expect(await verifySession(key, `${h}.${p}`)).toBeNull();
	});

	it('refuses a tampered payload (a participant making themselves facilitator)', async () => {
		const [h, p, s] = (await signSession(key, session)).split('.');
		const claims = decode(p);
		expect(claims.role).toBe('participant');
		const forged = `${h}.${b64url(JSON.stringify({ ...claims, role: 'facilitator' }))}.${s}`;
		expect(await verifySession(key, forged)).toBeNull();
		const otherWorkshop = `${h}.${b64url(JSON.stringify({ ...claims, wid: '11111111-1111-4111-8111-111111111111' }))}.${s}`;
		expect(await verifySession(key, otherWorkshop)).toBeNull();
	});

	it('refuses an expired token', async () => {
		const past = Math.floor(Date.now() / 1000) - 60;
		const expired = await token({ wid: session.workshopId, role: 'participant' }, { exp: past });
		expect(await verifySession(key, expired)).toBeNull();
		// The same token with a future expiry is accepted: the expiry is what was refused.
		const fresh = await token({ wid: session.workshopId, role: 'participant' }, { exp: past + 3600 });
		expect(await verifySession(key, fresh)).toEqual(session);
	});

	it('refuses an unsigned token (alg none) and other algorithms', async () => {
		const unsecured = new UnsecuredJWT({ wid: session.workshopId, role: 'facilitator' })
			.setSubject(session.memberId)
			.setIssuer('roundtable')
			.setAudience('roundtable-session')
			.setExpirationTime('1h')
			.encode();
		expect(await verifySession(key, unsecured)).toBeNull();
		const hs512 = await new SignJWT({ wid: session.workshopId, role: 'facilitator' })
			.setProtectedHeader({ alg: 'HS512' })
			.setSubject(session.memberId)
			.setIssuer('roundtable')
			.setAudience('roundtable-session')
			.setExpirationTime('1h')
			.sign(key);
		expect(await verifySession(key, hs512)).toBeNull();
	});

	it('refuses a token for another issuer or audience, even with the right key', async () => {
		const claims = { wid: session.workshopId, role: 'participant' };
		expect(await verifySession(key, await token(claims, { iss: 'supabase' }))).toBeNull();
		expect(await verifySession(key, await token(claims, { aud: 'authenticated' }))).toBeNull();
	});

	it('refuses well-signed tokens with missing or unexpected claims', async () => {
		expect(await verifySession(key, await token({ wid: session.workshopId, role: 'admin' }))).toBeNull();
		expect(await verifySession(key, await token({ role: 'participant' }))).toBeNull();
		expect(await verifySession(key, await token({ wid: session.workshopId }))).toBeNull();
		expect(await verifySession(key, await token({ wid: 42, role: 'participant' }))).toBeNull();
		expect(await verifySession(key, await token({ wid: session.workshopId, role: 'participant' }, { sub: '' }))).toBeNull();
	});

	it.each([undefined, '', 'garbage', 'a.b.c', '...', 'eyJhbGciOiJIUzI1NiJ9.e30.', 'x'.repeat(3000)])('returns null for %j', async (input) => {
		expect(await verifySession(key, input)).toBeNull();
	});

	it('refuses an over-long token before verifying it', async () => {
		const long = await token({ wid: session.workshopId, role: 'participant', pad: 'p'.repeat(2100) });
		expect(long.length).toBeGreaterThan(2048);
		expect(await verifySession(key, long)).toBeNull();
	});
});

describe('sessionCookieName', () => {
	it('is one cookie per workshop, a valid cookie name without dashes', () => {
		const name = sessionCookieName('00000000-0000-4000-8000-000000000001');
		expect(name).toBe('rt_00000000000040008000000000000001');
		expect(name).toMatch(/^[A-Za-z0-9_]+$/);
		expect(sessionCookieName('11111111-1111-4111-8111-111111111111')).not.toBe(name);
	});
});
