import { isAuthError } from '@supabase/supabase-js';

/**
 * Supabase Auth's answer as one of the interface's error codes. Supabase answers a wrong
 * password and an unknown address alike (`invalid_credentials`), on purpose: so do we.
 */
export function authErrorCode(error: unknown): string {
	if (!isAuthError(error)) return 'auth_unavailable';
	const code = error.code ?? '';
	if (code === 'invalid_credentials') return 'login_invalid';
	if (code === 'email_not_confirmed') return 'login_unconfirmed';
	if (code === 'otp_disabled' || code === 'signup_disabled' || code === 'user_not_found') return 'login_unknown_email';
	if (['otp_expired', 'flow_state_expired', 'flow_state_not_found', 'bad_code_verifier', 'pkce_code_verifier_not_found'].includes(code)) return 'link_invalid';
	if (code === 'user_banned') return 'not_allowed';
	if (error.status === 429 || code.startsWith('over_')) return 'auth_rate_limited';
	if (error.status === 0 || (error.status ?? 0) >= 500) return 'auth_unavailable';
	return 'login_failed';
}
