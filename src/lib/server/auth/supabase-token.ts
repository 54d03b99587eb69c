import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isUuid } from '#lib/domain/ids.js';

/**
 * Supabase Auth access tokens, verified by this server itself: with the project's JWKS
 * (asymmetric signing keys, ES256/RS256) and, for projects still on the legacy setting, the
 * shared JWT secret (HS256). A verified token's `sub` is the Supabase user, and queries then run
 * as that user (`asUser`), so the same row-level-security policies decide.
 */
export interface SupabaseAuthConfig {
	/** PUBLIC_SUPABASE_URL, e.g. https://abcd.supabase.co */
	url: string;
	/** SUPABASE_JWT_SECRET: the legacy HS256 secret, if the project still signs with it */
	jwtSecret?: string;
	/** Where the project's public keys are; default `<url>/auth/v1/.well-known/jwks.json` */
	jwksUrl?: string;
}

export interface SupabaseClaims {
	sub: string;
	email: string | null;
	role: 'authenticated';
	/** seconds since epoch */
	exp: number;
}

export type TokenVerdict =
	| { ok: true; claims: SupabaseClaims }
	| { ok: false; reason: 'malformed' | 'expired' | 'wrong_audience' | 'wrong_issuer' | 'bad_signature' | 'unsupported' | 'not_a_user' };

const ASYMMETRIC = ['ES256', 'RS256', 'EdDSA'];

export function supabaseTokenVerifier(config: SupabaseAuthConfig): (token: string) => Promise<TokenVerdict> {
	const issuer = `${config.url.replace(/\/+$/, '')}/auth/v1`;
	const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : null;
	const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUrl ?? `${issuer}/.well-known/jwks.json`), {
		cooldownDuration: 30_000,
		cacheMaxAge: 10 * 60_000,
		timeoutDuration: 5_000
	});

	return async (token) => {
		let alg: string | undefined;
		try {
			alg = decodeProtectedHeader(token).alg;
		} catch {
			return { ok: false, reason: 'malformed' };
		}
		const options = { issuer, audience: 'authenticated', clockTolerance: 5 };
		const verifying =
			alg === 'HS256' && secret
				? jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })
				: ASYMMETRIC.includes(alg ?? '')
					? jwtVerify(token, jwks, { ...options, algorithms: ASYMMETRIC })
					: null;
		if (!verifying) return { ok: false, reason: 'unsupported' };
		try {
			const { payload } = await verifying;
			if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !isUuid(payload.sub)) return { ok: false, reason: 'not_a_user' };
			return {
				ok: true,
				claims: { sub: payload.sub, email: typeof payload.email === 'string' ? payload.email : null, role: 'authenticated', exp: payload.exp ?? 0 }
			};
		} catch (error) {
			return { ok: false, reason: reasonOf(error) };
		}
	};
}

function reasonOf(error: unknown): Exclude<TokenVerdict, { ok: true }>['reason'] {
	if (error instanceof errors.JWTExpired) return 'expired';
	if (error instanceof errors.JWTClaimValidationFailed) {
		if (error.claim === 'aud') return 'wrong_audience';
		if (error.claim === 'iss') return 'wrong_issuer';
		return 'malformed';
	}
	if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'bad_signature';
	return 'malformed';
}
