import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { normaliseJoinCode } from '#lib/domain/workshop/join-code.js';
import { clientAddress, joinFailures } from './client-address';
import { formData } from './form-body';

/** The "enter a code" form on the home and /join pages: off to /j/<code>. */
export async function submitJoinCode(event: RequestEvent) {
	const address = clientAddress(event);
	const raw = String((await formData(event.request)).get('code') ?? '');
	const code = normaliseJoinCode(raw.slice(0, 40));
	// Only a malformed code counts (and, past the limit, is refused); a well-formed one goes on
	// to /j/<code>, which limits wrong codes and never a correct one.
	if (!code) {
		if (joinFailures.retryAfter(address) > 0) return fail(429, { error: 'rate_limited', code: '' });
		joinFailures.fail(address);
		return fail(400, { error: 'wrong_code', code: raw.slice(0, 40) });
	}
	redirect(303, `/j/${code}`);
}
