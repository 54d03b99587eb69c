import { error, redirect, type RequestHandler } from '@sveltejs/kit';
import type { EmailOtpType } from '@supabase/supabase-js';
import { authErrorCode } from '#lib/server/auth/auth-errors.js';
import { safeNext } from '#lib/server/auth/next-path.js';

const OTP_TYPES: EmailOtpType[] = ['email', 'magiclink', 'signup', 'invite', 'recovery', 'email_change'];

/**
 * Where e-mailed links land. Two shapes, both handled on the server so the session ends up in
 * httpOnly cookies: `token_hash` + `type` (the e-mail template recommended in README, which
 * works in any browser) and `code` (Supabase's default template in the PKCE flow: the verifier
 * cookie must be in this browser). Then on to `next`, if it stays on this site.
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	const supabase = locals.supabase;
	if (!supabase) error(404, 'not_found');
	const next = safeNext(url.searchParams.get('next'), url.origin);
	const tokenHash = url.searchParams.get('token_hash');
	const type = url.searchParams.get('type') as EmailOtpType | null;
	const code = url.searchParams.get('code');
	let failure: string | null = 'link_invalid';
	if (tokenHash && type && OTP_TYPES.includes(type) && tokenHash.length <= 512) {
		const { error: problem } = await supabase.auth.verifyOtp({ token_hash: tokenHash, type });
		failure = problem ? authErrorCode(problem) : null;
	} else if (code && code.length <= 512) {
		const { error: problem } = await supabase.auth.exchangeCodeForSession(code);
		failure = problem ? authErrorCode(problem) : null;
	}
	if (failure) redirect(303, `/login?error=${failure === 'auth_unavailable' ? failure : 'link_invalid'}&next=${encodeURIComponent(next)}`);
	redirect(303, next);
};
