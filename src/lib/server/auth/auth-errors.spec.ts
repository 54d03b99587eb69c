import { describe, expect, it } from 'vitest';
import { AuthApiError, AuthPKCECodeVerifierMissingError, AuthRetryableFetchError } from '@supabase/supabase-js';
import { authErrorCode } from './auth-errors';

describe('authErrorCode', () => {
	it.each([
		[new AuthApiError('Invalid login credentials', 400, 'invalid_credentials'), 'login_invalid'],
		[new AuthApiError('Email not confirmed', 400, 'email_not_confirmed'), 'login_unconfirmed'],
		[new AuthApiError('Signups not allowed for otp', 422, 'otp_disabled'), 'login_unknown_email'],
		[new AuthApiError('Signups not allowed for this instance', 422, 'signup_disabled'), 'login_unknown_email'],
		[new AuthApiError('Email link is invalid or has expired', 403, 'otp_expired'), 'link_invalid'],
		[new AuthApiError('invalid flow state', 404, 'flow_state_not_found'), 'link_invalid'],
		[new AuthPKCECodeVerifierMissingError(), 'link_invalid'],
		[new AuthApiError('email rate limit exceeded', 429, 'over_email_send_rate_limit'), 'auth_rate_limited'],
		[new AuthApiError('Request rate limit reached', 429, 'over_request_rate_limit'), 'auth_rate_limited'],
		[new AuthApiError('too many', 429, undefined), 'auth_rate_limited'],
		[new AuthRetryableFetchError('fetch failed', 0), 'auth_unavailable'],
		[new AuthApiError('boom', 500, 'unexpected_failure'), 'auth_unavailable'],
		[new AuthApiError('odd', 400, 'something_new'), 'login_failed'],
		[new Error('not an auth error'), 'auth_unavailable']
	])('%s → %s', (error, code) => {
		expect(authErrorCode(error)).toBe(code);
	});
});
