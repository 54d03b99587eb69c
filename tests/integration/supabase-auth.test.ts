import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { supabaseTokenVerifier } from '#lib/server/auth/supabase-token.js';
import { asUser } from '#lib/server/db/client.js';
import { migrate, bundledMigrations } from '#lib/server/db/migrate.js';
import { createWorkshop, freshDatabase, migratedDatabase, type TestDatabase } from './helpers';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
let jwksServer: Server;
let url: string;
let key: Awaited<ReturnType<typeof generateKeyPair>>;
let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
let jwksRequests = 0;

/** A token as Supabase Auth issues it (claims and header as in its access tokens). */
function token(over: { sub?: string; aud?: string; iss?: string; exp?: number; role?: string } = {}) {
	const now = Math.floor(Date.now() / 1000);
	return new SignJWT({ role: over.role ?? 'authenticated', email: 'fanni@example.org', aal: 'aal1', session_id: randomUUID() })
		.setSubject(over.sub ?? randomUUID())
		.setAudience(over.aud ?? 'authenticated')
		.setIssuer(over.iss ?? `${url}/auth/v1`)
		.setIssuedAt(now - 10)
		.setExpirationTime(over.exp ?? now + 3600);
}

beforeAll(async () => {
	key = await generateKeyPair('ES256', { extractable: true });
	stranger = await generateKeyPair('ES256', { extractable: true });
	const jwk: JWK = { ...(await exportJWK(key.publicKey)), kid: 'project-key-1', alg: 'ES256', use: 'sig' };
	// The project's JWKS endpoint, served over real HTTP on loopback.
	jwksServer = createServer((req, res) => {
		if (req.url !== '/auth/v1/.well-known/jwks.json') return void res.writeHead(404).end();
		jwksRequests++;
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
	});
	await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => jwksServer?.close(resolve));
});

describe('Supabase access tokens, verified by the server', () => {
	test('legacy HS256 secret: accepted, expired, wrong audience, wrong issuer, wrong signature', async () => {
		const verify = supabaseTokenVerifier({ url, jwtSecret: SECRET });
		const secret = new TextEncoder().encode(SECRET);
		const sub = randomUUID();
		const good = await verify(await token({ sub }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret));
		expect(good).toEqual({ ok: true, claims: { sub, email: 'fanni@example.org', role: 'authenticated', exp: expect.any(Number) } });
		const past = Math.floor(Date.now() / 1000) - 60;
		expect(await verify(await token({ exp: past }).setProtectedHeader({ alg: 'HS256' }).sign(secret))).toEqual({ ok: false, reason: 'expired' });
		expect(await verify(await token({ aud: 'anon' }).setProtectedHeader({ alg: 'HS256' }).sign(secret))).toEqual({ ok: false, reason: 'wrong_audience' });
		expect(await verify(await token({ iss: 'https://elsewhere.supabase.co/auth/v1' }).setProtectedHeader({ alg: 'HS256' }).sign(secret))).toEqual({
			ok: false,
			reason: 'wrong_issuer'
		});
		const other = new TextEncoder().encode(`${SECRET}-not`);
		expect(await verify(await token().setProtectedHeader({ alg: 'HS256' }).sign(other))).toEqual({ ok: false, reason: 'bad_signature' });
		// The anon key is a JWT too, but not a user.
		expect(await verify(await token({ role: 'anon' }).setProtectedHeader({ alg: 'HS256' }).sign(secret))).toEqual({ ok: false, reason: 'not_a_user' });
		expect(await verify('not.a.token')).toEqual({ ok: false, reason: 'malformed' });
	});

	test('asymmetric keys from the project JWKS: accepted, expired, wrong audience, wrong signature, unknown key', async () => {
		const verify = supabaseTokenVerifier({ url });
		const sub = randomUUID();
		const sign = (t: SignJWT, k = key.privateKey, kid = 'project-key-1') => t.setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(k);
		expect(await verify(await sign(token({ sub })))).toMatchObject({ ok: true, claims: { sub } });
		expect(await verify(await sign(token({ exp: Math.floor(Date.now() / 1000) - 60 })))).toEqual({ ok: false, reason: 'expired' });
		expect(await verify(await sign(token({ aud: 'someone-else' })))).toEqual({ ok: false, reason: 'wrong_audience' });
		expect(await verify(await sign(token(), stranger.privateKey))).toEqual({ ok: false, reason: 'bad_signature' });
		expect(await verify(await sign(token(), stranger.privateKey, 'rotated-away'))).toEqual({ ok: false, reason: 'bad_signature' });
		// Without a configured secret an HS256 token cannot be checked: refused, never trusted.
		const hs = await token().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
		expect(await verify(hs)).toEqual({ ok: false, reason: 'unsupported' });
		const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, role: 'authenticated' })).toString('base64url')}.`;
		expect(await verify(unsigned)).toEqual({ ok: false, reason: 'unsupported' });
		// The keys were fetched over HTTP and cached, not fetched per token.
		expect(jwksRequests).toBeGreaterThanOrEqual(1);
		expect(jwksRequests).toBeLessThanOrEqual(3);
	});

	test('a verified user runs queries as themselves, and row-level security decides', async () => {
		const db = await migratedDatabase({ seed: false });
		try {
			const verify = supabaseTokenVerifier({ url });
			const owner = randomUUID();
			const workshop = await createWorkshop(db.sql, { title: 'Owned workshop' });
			// The facilitator's member row belongs to the Supabase user (as signing in links it).
			await db.sql`update public.members set user_id = ${owner} where id = ${workshop.member_id}`;
			const sign = (sub: string) => token({ sub }).setProtectedHeader({ alg: 'ES256', kid: 'project-key-1' }).sign(key.privateKey);
			for (const [sub, expected] of [
				[owner, ['Owned workshop']],
				[randomUUID(), []]
			] as const) {
				const verdict = await verify(await sign(sub));
				if (!verdict.ok) throw new Error(verdict.reason);
				const titles = await asUser(
					db.sql,
					{ sub: verdict.claims.sub, role: 'authenticated' },
					(tx) => tx<{ title: string }[]>`select title from public.workshops`
				);
				expect(titles.map((t) => t.title)).toEqual(expected);
			}
		} finally {
			await db.drop();
		}
	});
});

test("the migrations apply cleanly on a database that already has Supabase's auth schema and roles", async () => {
	const db: TestDatabase = await freshDatabase();
	try {
		// As Supabase's own images create them (supabase/postgres migrations), before any project migration.
		await db.sql
			.unsafe(
				`
			do $$ begin
				if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
				if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
				if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
			end $$;
			create schema auth;
			create table auth.users (
				instance_id uuid, id uuid primary key, aud varchar(255), role varchar(255), email varchar(255) unique,
				encrypted_password varchar(255), email_confirmed_at timestamptz, raw_app_meta_data jsonb, raw_user_meta_data jsonb,
				created_at timestamptz, updated_at timestamptz
			);
			create function auth.uid() returns uuid language sql stable as $f$
				select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
					(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $f$;
			create function auth.role() returns text language sql stable as $f$
				select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
					(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $f$;
			create function auth.jwt() returns jsonb language sql stable as $f$
				select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
					nullif(current_setting('request.jwt.claims', true), ''))::jsonb $f$;
			grant usage on schema auth to anon, authenticated, service_role;
		`
			)
			.simple();
		const before =
			await db.sql`select p.proname, md5(p.prosrc) as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' order by 1`;
		const result = await migrate(db.sql);
		expect(result.applied.length).toBe(bundledMigrations().length);
		expect(result.seeded).toBe(true);
		// Supabase's own functions are left exactly as they were.
		const after =
			await db.sql`select p.proname, md5(p.prosrc) as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' order by 1`;
		expect(after).toEqual(before);
		// And the policies work with Supabase's auth.uid(): a member reads their own workshop.
		const [{ id: member }] = await db.sql<
			{ id: string }[]
		>`select m.id from public.members m join public.workshops w on w.id = m.workshop_id where w.join_code = 'BFURED' and m.role = 'facilitator' limit 1`;
		const titles = await asUser(db.sql, { sub: member, role: 'authenticated' }, (tx) => tx<{ title: string }[]>`select title from public.workshops`);
		expect(titles).toHaveLength(1);
	} finally {
		await db.drop();
	}
});
