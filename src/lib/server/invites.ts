import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { emailAddress, formFields, parseForm } from '$lib/domain/workshop/validation';
import { requireMember } from './auth/guard';
import { authErrorCode } from './auth/auth-errors';
import { statelessClient, supabaseSettings } from './auth/supabase';
import { errorCode } from './db/client';
import { claimWorkshop, createInvite, revokeInvite } from './repositories/accounts';
import { getRuntime } from './runtime';
import { formData } from './form-body';

const invitation = v.object({ email: emailAddress });
const revocation = v.object({ invite: v.pipe(v.string(), v.uuid()) });

class SendFailed extends Error {
	constructor(readonly code: string) {
		super(code);
	}
}

/**
 * Inviting a co-facilitator: a facilitator of this workshop (the session), signed in with an
 * account that owns or co-facilitates it (RLS on the insert). The link goes out as a Supabase
 * Auth magic link whose `next` is the invite page, so the invitee arrives signed in as the
 * address that was invited.
 */
export async function inviteAction(event: RequestEvent<{ id: string }>) {
	const { me } = await requireMember(event.cookies, event.params.id);
	const account = event.locals.account;
	const settings = supabaseSettings();
	if (me.role !== 'facilitator' || !account || !settings) return fail(403, { action: '?/invite', errors: { form: 'not_allowed' } as Record<string, string> });
	const fields = formFields(await formData(event.request));
	const parsed = parseForm(invitation, fields);
	if (!parsed.ok) return fail(400, { action: '?/invite', fields, errors: parsed.errors });
	const email = parsed.value.email;
	if (email === account.email) return fail(400, { action: '?/invite', fields, errors: { email: 'invite_self' } as Record<string, string> });
	const { sql } = await getRuntime();
	try {
		const stored = await createInvite(sql, account, event.params.id, email, async (token) => {
			const next = `/invites/${token}`;
			const { error } = await statelessClient(settings).auth.signInWithOtp({
				email,
				options: { emailRedirectTo: `${event.url.origin}/auth/callback?next=${encodeURIComponent(next)}`, shouldCreateUser: true }
			});
			if (error) {
				const code = authErrorCode(error);
				// Sign-ups are closed on the project and the invitee has no account yet.
				throw new SendFailed(code === 'login_unknown_email' ? 'invite_no_account' : code);
			}
		});
		if (!stored) return fail(403, { action: '?/invite', fields, errors: { form: 'not_allowed' } as Record<string, string> });
	} catch (e) {
		if (e instanceof SendFailed) return fail(e.code === 'auth_rate_limited' ? 429 : e.code === 'invite_no_account' ? 400 : 502, { action: '?/invite', fields, errors: { form: e.code } as Record<string, string> });
		const code = errorCode(e);
		if (!code) throw e;
		return fail(code === 'not_allowed' ? 403 : 400, { action: '?/invite', fields, errors: { form: code } as Record<string, string> });
	}
	return { action: '?/invite', invited: email };
}

export async function revokeInviteAction(event: RequestEvent<{ id: string }>) {
	const { me } = await requireMember(event.cookies, event.params.id);
	const account = event.locals.account;
	if (me.role !== 'facilitator' || !account) return fail(403, { action: '?/revokeInvite', errors: { form: 'not_allowed' } as Record<string, string> });
	const parsed = parseForm(revocation, formFields(await formData(event.request)));
	if (!parsed.ok) return fail(400, { action: '?/revokeInvite', errors: { form: 'invalid_input' } as Record<string, string> });
	const { sql } = await getRuntime();
	if (!(await revokeInvite(sql, account, event.params.id, parsed.value.invite))) return fail(404, { action: '?/revokeInvite', errors: { form: 'not_found' } as Record<string, string> });
	return { action: '?/revokeInvite', saved: true };
}

/** "Add to my workshops": the facilitator's session and the signed-in account, both required. */
export async function claimWorkshopAction(event: RequestEvent<{ id: string }>) {
	const { me, viewer } = await requireMember(event.cookies, event.params.id);
	const account = event.locals.account;
	if (me.role !== 'facilitator' || !account) return fail(403, { action: '?/claimWorkshop', errors: { form: 'not_allowed' } as Record<string, string> });
	const { sql } = await getRuntime();
	try {
		await claimWorkshop(sql, account, viewer.workshopId, viewer.memberId);
	} catch (e) {
		const code = errorCode(e);
		if (!code) throw e;
		return fail(code === 'not_allowed' ? 403 : 409, { action: '?/claimWorkshop', errors: { form: code } as Record<string, string> });
	}
	return { action: '?/claimWorkshop', saved: true };
}
