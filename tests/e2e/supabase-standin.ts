import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * A stand-in for Supabase Auth's HTTP API, on loopback: NOT Supabase. It implements only what
 * @supabase/supabase-js calls in this app's flows, shaped as Supabase Auth (GoTrue) answers
 * them — paths, bodies, error codes, the `X-Supabase-Api-Version` header — and mints real
 * ES256 access tokens (issuer `<url>/auth/v1`, audience and role `authenticated`) whose
 * public key it serves at `/auth/v1/.well-known/jwks.json`. "Sent" e-mails are recorded so a
 * test can follow their links: both Supabase's default magic link ({{ .ConfirmationURL }}) and
 * the token_hash link of the template README recommends.
 */
export interface SentMail {
	to: string;
	tokenHash: string;
	redirectTo: string;
	/** Supabase's default template: the project's /verify, which redirects with `?code=` (PKCE). */
	confirmationUrl: string;
	/** README's template: `{{ .SiteURL }}/auth/callback?token_hash={{ .TokenHash }}&type=email&next={{ .RedirectTo }}` */
	tokenHashUrl: string;
}

interface User {
	id: string;
	email: string;
	password: string | null;
	createdAt: string;
}

interface Otp {
	email: string;
	tokenHash: string;
	redirectTo: string;
	codeChallenge: string | null;
	expiresAt: number;
	used: boolean;
}

interface FlowState {
	email: string;
	codeChallenge: string;
	method: string;
	expiresAt: number;
}

export interface SupabaseStandIn {
	url: string;
	anonKey: string;
	mails: SentMail[];
	requests: string[];
	/** Like the dashboard's "Allow new users to sign up". */
	allowSignups: boolean;
	/** Answer the next OTP e-mail with 429 over_email_send_rate_limit, as Supabase's e-mail limit does. */
	rateLimitEmails: boolean;
	addUser: (email: string, password?: string) => User;
	/** An access token for `email` with the given lifetime (negative: already expired). */
	tokenFor: (email: string, seconds?: number) => Promise<string>;
	close: () => Promise<void>;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

export async function startSupabaseStandIn(options: { siteUrl: () => string }): Promise<SupabaseStandIn> {
	const keys = await generateKeyPair('ES256', { extractable: true });
	const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'standin-key-1', alg: 'ES256', use: 'sig' };
	const users = new Map<string, User>();
	const otps = new Map<string, Otp>();
	const flows = new Map<string, FlowState>();
	const refreshTokens = new Map<string, { email: string; sessionId: string }>();
	let url = '';

	const anonKey = await new SignJWT({ role: 'anon' }).setProtectedHeader({ alg: 'ES256', kid: 'standin-key-1' }).setIssuer('supabase').sign(keys.privateKey);

	function addUser(email: string, password?: string): User {
		const key = email.toLowerCase();
		let user = users.get(key);
		if (!user) {
			user = { id: randomUUID(), email: key, password: null, createdAt: new Date().toISOString() };
			users.set(key, user);
		}
		if (password !== undefined) user.password = password;
		return user;
	}

	const userJson = (u: User) => ({
		id: u.id,
		aud: 'authenticated',
		role: 'authenticated',
		email: u.email,
		email_confirmed_at: u.createdAt,
		phone: '',
		confirmed_at: u.createdAt,
		last_sign_in_at: new Date().toISOString(),
		app_metadata: { provider: 'email', providers: ['email'] },
		user_metadata: {},
		identities: [],
		created_at: u.createdAt,
		updated_at: u.createdAt,
		is_anonymous: false
	});

	async function accessToken(u: User, sessionId: string, method: string, seconds = 3600): Promise<string> {
		const now = Math.floor(Date.now() / 1000);
		return new SignJWT({
			email: u.email,
			phone: '',
			role: 'authenticated',
			aal: 'aal1',
			amr: [{ method, timestamp: now }],
			session_id: sessionId,
			is_anonymous: false,
			app_metadata: { provider: 'email', providers: ['email'] },
			user_metadata: {}
		})
			.setProtectedHeader({ alg: 'ES256', kid: 'standin-key-1', typ: 'JWT' })
			.setIssuer(`${url}/auth/v1`)
			.setAudience('authenticated')
			.setSubject(u.id)
			.setIssuedAt(now)
			.setExpirationTime(now + seconds)
			.sign(keys.privateKey);
	}

	async function session(u: User, method: string, sessionId: string = randomUUID()) {
		const refresh = b64url(randomBytes(24));
		refreshTokens.set(refresh, { email: u.email, sessionId });
		const now = Math.floor(Date.now() / 1000);
		return {
			access_token: await accessToken(u, sessionId, method),
			token_type: 'bearer',
			expires_in: 3600,
			expires_at: now + 3600,
			refresh_token: refresh,
			user: userJson(u)
		};
	}

	const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01', ...headers });
		res.end(body === undefined ? '' : JSON.stringify(body));
	};
	const fail = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { code, message });

	async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
		let raw = '';
		for await (const chunk of req) raw += chunk;
		try {
			return raw ? JSON.parse(raw) : {};
		} catch {
			return {};
		}
	}

	const sha256url = (s: string) => createHash('sha256').update(s).digest('base64url');

	const server: Server = createServer(async (req, res) => {
		const u = new URL(req.url ?? '/', url);
		state.requests.push(`${req.method} ${u.pathname}${u.searchParams.get('grant_type') ? `?grant_type=${u.searchParams.get('grant_type')}` : ''}`);
		try {
			if (req.method === 'GET' && u.pathname === '/auth/v1/.well-known/jwks.json') return send(res, 200, { keys: [jwk] });
			if (u.pathname !== '/auth/v1/verify' && req.headers.apikey !== anonKey) return fail(res, 401, 'no_api_key', 'Invalid API key');

			if (req.method === 'POST' && u.pathname === '/auth/v1/token') {
				const body = await readJson(req);
				const grant = u.searchParams.get('grant_type');
				if (grant === 'password') {
					const user = users.get(String(body.email ?? '').toLowerCase());
					// Supabase answers an unknown address and a wrong password alike.
					if (!user || user.password === null || user.password !== body.password) return fail(res, 400, 'invalid_credentials', 'Invalid login credentials');
					return send(res, 200, await session(user, 'password'));
				}
				if (grant === 'pkce') {
					const flow = flows.get(String(body.auth_code ?? ''));
					if (!flow || flow.expiresAt < Date.now()) return fail(res, 404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
					if (sha256url(String(body.code_verifier ?? '')) !== flow.codeChallenge)
						return fail(res, 403, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
					flows.delete(String(body.auth_code));
					return send(res, 200, await session(users.get(flow.email)!, 'otp'));
				}
				if (grant === 'refresh_token') {
					const held = refreshTokens.get(String(body.refresh_token ?? ''));
					if (!held) return fail(res, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
					refreshTokens.delete(String(body.refresh_token));
					return send(res, 200, await session(users.get(held.email)!, 'token_refresh', held.sessionId));
				}
				return fail(res, 400, 'validation_failed', 'unsupported_grant_type');
			}

			if (req.method === 'POST' && u.pathname === '/auth/v1/otp') {
				const body = await readJson(req);
				const email = String(body.email ?? '').toLowerCase();
				if (!/^[^@\s]+@[^@\s]+$/.test(email)) return fail(res, 400, 'validation_failed', 'Unable to validate email address: invalid format');
				if (state.rateLimitEmails) {
					state.rateLimitEmails = false;
					return fail(res, 429, 'over_email_send_rate_limit', 'email rate limit exceeded');
				}
				if (!users.has(email)) {
					if (body.create_user === false || !state.allowSignups) return fail(res, 422, 'otp_disabled', 'Signups not allowed for otp');
					addUser(email);
				}
				const token = b64url(randomBytes(16));
				const tokenHash = createHash('sha224')
					.update(email + token)
					.digest('hex');
				const redirectTo = u.searchParams.get('redirect_to') ?? options.siteUrl();
				const challenge = typeof body.code_challenge === 'string' ? body.code_challenge : null;
				otps.set(tokenHash, { email, tokenHash, redirectTo, codeChallenge: challenge, expiresAt: Date.now() + 3600_000, used: false });
				state.mails.push({
					to: email,
					tokenHash,
					redirectTo,
					confirmationUrl: `${url}/auth/v1/verify?token=${challenge ? 'pkce_' : ''}${tokenHash}&type=magiclink&redirect_to=${encodeURIComponent(redirectTo)}`,
					tokenHashUrl: `${options.siteUrl()}/auth/callback?token_hash=${tokenHash}&type=email&next=${redirectTo}`
				});
				return send(res, 200, {});
			}

			if (u.pathname === '/auth/v1/verify' && req.method === 'GET') {
				// The default e-mail link: verified here, then back to the app with ?code= (PKCE).
				const hash = (u.searchParams.get('token') ?? '').replace(/^pkce_/, '');
				const otp = otps.get(hash);
				const redirectTo = u.searchParams.get('redirect_to') ?? options.siteUrl();
				const back = new URL(redirectTo);
				if (!otp || otp.used || otp.expiresAt < Date.now()) {
					back.searchParams.set('error', 'access_denied');
					back.searchParams.set('error_code', 'otp_expired');
					back.searchParams.set('error_description', 'Email link is invalid or has expired');
					res.writeHead(303, { location: back.toString() }).end();
					return;
				}
				otp.used = true;
				if (!otp.codeChallenge) {
					// Implicit flow: tokens in the fragment, which a server never sees.
					const s = await session(users.get(otp.email)!, 'otp');
					res
						.writeHead(303, {
							location: `${redirectTo}#access_token=${s.access_token}&refresh_token=${s.refresh_token}&expires_in=3600&token_type=bearer&type=magiclink`
						})
						.end();
					return;
				}
				const code = randomUUID();
				flows.set(code, { email: otp.email, codeChallenge: otp.codeChallenge, method: 's256', expiresAt: Date.now() + 300_000 });
				back.searchParams.set('code', code);
				res.writeHead(303, { location: back.toString() }).end();
				return;
			}

			if (u.pathname === '/auth/v1/verify' && req.method === 'POST') {
				if (req.headers.apikey !== anonKey) return fail(res, 401, 'no_api_key', 'Invalid API key');
				const body = await readJson(req);
				const otp = otps.get(String(body.token_hash ?? ''));
				if (!otp || otp.used || otp.expiresAt < Date.now() || !['email', 'magiclink'].includes(String(body.type))) {
					return fail(res, 403, 'otp_expired', 'Email link is invalid or has expired');
				}
				otp.used = true;
				return send(res, 200, await session(users.get(otp.email)!, 'otp'));
			}

			if (req.method === 'GET' && u.pathname === '/auth/v1/user') {
				const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
				const sub = bearer ? JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString() || '{}').sub : null;
				const user = [...users.values()].find((x) => x.id === sub);
				if (!user) return fail(res, 403, 'bad_jwt', 'invalid JWT');
				return send(res, 200, userJson(user));
			}

			if (req.method === 'POST' && u.pathname === '/auth/v1/logout') {
				res.writeHead(204).end();
				return;
			}
			return fail(res, 404, 'not_found', 'not found');
		} catch (error) {
			return fail(res, 500, 'unexpected_failure', String(error));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

	const state: SupabaseStandIn = {
		url,
		anonKey,
		mails: [],
		requests: [],
		allowSignups: true,
		rateLimitEmails: false,
		addUser,
		tokenFor: async (email, seconds = 3600) => accessToken(addUser(email), randomUUID(), 'password', seconds),
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
	return state;
}
