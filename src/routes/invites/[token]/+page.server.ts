import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { formFields, memberName, parseForm } from '#lib/domain/workshop/validation.js';
import { getRuntime } from '#lib/server/runtime.js';
import { acceptInvite, INVITE_TOKEN, invitePreview } from '#lib/server/repositories/accounts.js';
import { errorCode } from '#lib/server/db/client.js';
import { startSession } from '#lib/server/auth/guard.js';
import { clientAddress, shareFailures } from '#lib/server/client-address.js';
import { formData } from '#lib/server/form-body.js';

const acceptance = v.object({ name: memberName });

/** The signed-in account and the invite its link names; strangers to the link get 404 (and 429 when guessing). */
async function inviteFor(event: RequestEvent) {
	if (!event.locals.supabase) error(404, 'not_found');
	const account = event.locals.account;
	if (!account) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname)}`);
	const address = clientAddress(event);
	if (shareFailures.retryAfter(address) > 0) error(429, 'rate_limited', { code: 'rate_limited' });
	const token = event.params.token ?? '';
	const { sql } = await getRuntime();
	const invite = INVITE_TOKEN.test(token) ? await invitePreview(sql, account, token) : null;
	if (!invite) {
		shareFailures.fail(address);
		error(404, 'invite_not_found', { code: 'invite_not_found' });
	}
	return { account, token, invite, sql };
}

export const load: PageServerLoad = async (event) => {
	const { account, invite } = await inviteFor(event);
	return {
		workshopTitle: invite.workshopTitle,
		invitedEmail: invite.email,
		accountEmail: account.email,
		status: invite.status,
		matches: invite.email === account.email,
		// Only for the invited account, once it has accepted: the way back in.
		workshopId: invite.status === 'accepted' && invite.email === account.email ? invite.workshopId : null,
		suggestedName: account.email.split('@')[0]
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { account, token, sql } = await inviteFor(event);
		const fields = formFields(await formData(event.request));
		const parsed = parseForm(acceptance, fields);
		if (!parsed.ok) return fail(400, { fields, errors: parsed.errors });
		let accepted;
		try {
			accepted = await acceptInvite(sql, account, token, parsed.value.name);
		} catch (e) {
			const code = errorCode(e);
			if (!code) throw e;
			return fail(code === 'invite_wrong_account' || code === 'not_allowed' ? 403 : 400, { fields, errors: { form: code } });
		}
		await startSession(event.cookies, event.url, { memberId: accepted.memberId, workshopId: accepted.workshopId, role: 'facilitator' });
		redirect(303, `/w/${accepted.workshopId}`);
	}
};
