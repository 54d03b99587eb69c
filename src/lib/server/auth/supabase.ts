import type { Cookies } from '@sveltejs/kit';
import { createServerClient } from '@supabase/ssr';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { supabaseTokenVerifier, type TokenVerdict } from './supabase-token';

/** A signed-in facilitator account: a Supabase Auth user whose access token this server verified. */
export interface Account {
	userId: string;
	/** Lowercased; what co-facilitator invites are matched against. */
	email: string;
}

export interface SupabaseSettings {
	url: string;
	anonKey: string;
	jwtSecret?: string;
}

/** PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY, or null: without both, there are no accounts. */
export function supabaseSettings(env: Record<string, string | undefined> = process.env): SupabaseSettings | null {
	const url = env.PUBLIC_SUPABASE_URL?.trim().replace(/\/+$/, '');
	const anonKey = env.PUBLIC_SUPABASE_ANON_KEY?.trim();
	if (!url || !anonKey) return null;
	return { url, anonKey, jwtSecret: env.SUPABASE_JWT_SECRET || undefined };
}

let verifier: { url: string; verify: (token: string) => Promise<TokenVerdict> } | undefined;

/** One verifier per process: it caches the project's public keys. */
function verifierFor(settings: SupabaseSettings) {
	if (verifier?.url !== settings.url) {
		verifier = { url: settings.url, verify: supabaseTokenVerifier({ url: settings.url, jwtSecret: settings.jwtSecret }) };
	}
	return verifier.verify;
}

// supabase-js builds a Realtime client even when only Auth is used, and on Node 20 it finds no
// global WebSocket: it gets `ws` (never connected here: this app uses no Realtime channel).
const realtime = { transport: WebSocket as unknown as NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport'] };

/**
 * The request's Supabase client: the session lives in its `sb-…` cookies (httpOnly: no code in
 * the page needs them), written back through SvelteKit's cookies when Supabase Auth changes it.
 */
export function requestClient(settings: SupabaseSettings, cookies: Cookies, url: URL, onHeaders: (headers: Record<string, string>) => void): SupabaseClient {
	return createServerClient(settings.url, settings.anonKey, {
		realtime,
		cookieOptions: { httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', path: '/' },
		cookies: {
			getAll: () => cookies.getAll(),
			setAll: (list, headers) => {
				for (const { name, value, options } of list) cookies.set(name, value, { ...options, path: '/' });
				// Responses that set a session must never be cached for someone else.
				onHeaders(headers);
			}
		}
	});
}

/**
 * A client that keeps nothing: for e-mailing someone else (an invite) from a request whose own
 * session must stay as it is.
 */
export function statelessClient(settings: SupabaseSettings): SupabaseClient {
	return createClient(settings.url, settings.anonKey, {
		realtime,
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType: 'implicit' }
	});
}

const hasSessionCookie = (cookies: Cookies) => cookies.getAll().some((c) => c.name.startsWith('sb-') && c.name.includes('-auth-token'));

/**
 * The signed-in account, or null. The cookie's JSON is not trusted: its access token must pass
 * this server's own verification (signature by the project's keys, issuer, audience, expiry),
 * and the account is what that token says. supabase-js refreshes an expiring token first.
 */
export async function resolveAccount(settings: SupabaseSettings, supabase: SupabaseClient, cookies: Cookies): Promise<Account | null> {
	if (!hasSessionCookie(cookies)) return null;
	let accessToken: string | undefined;
	try {
		const { data } = await supabase.auth.getSession();
		accessToken = data.session?.access_token;
	} catch {
		return null;
	}
	if (!accessToken || accessToken.length > 8192) return null;
	const verdict = await verifierFor(settings)(accessToken);
	if (!verdict.ok || !verdict.claims.email) return null;
	return { userId: verdict.claims.sub, email: verdict.claims.email.toLowerCase() };
}
