import * as v from 'valibot';
import { emailAddress } from '#lib/domain/workshop/validation.js';
import { authErrorCode } from './auth/auth-errors';
import { statelessClient, supabaseSettings } from './auth/supabase';
import { errorCode } from './db/client';
import { claimWorkshop, createInvite, revokeInvite } from './repositories/accounts';
import { getRuntime } from './runtime';
import { formAction } from './form-action';
import { Refusal } from './refusal';

const invitation = v.object({ email: emailAddress });
const revocation = v.object({ invite: v.pipe(v.string(), v.uuid()) });

/**
 * Inviting a co-facilitator: a facilitator of this workshop (the session), signed in with an
 * account that owns or co-facilitates it (RLS on the insert). The link goes out as a Supabase
 * Auth magic link whose `next` is the invite page, so the invitee arrives signed in as the
 * address that was invited.
 */
export const inviteAction = formAction({
	facilitator: true,
	schema: invitation,
	resolve: async ({ email }, { event }) => {
		const account = event.locals.account;
		const settings = supabaseSettings();
		if (!account || !settings) return false;
		if (email === account.email) throw new Refusal('invite_self', { field: 'email' });
		const { sql } = await getRuntime();
		const stored = await createInvite(sql, account, event.params.id!, email, async (token) => {
			const next = `/invites/${token}`;
			const { error } = await statelessClient(settings).auth.signInWithOtp({
				email,
				options: { emailRedirectTo: `${event.url.origin}/auth/callback?next=${encodeURIComponent(next)}`, shouldCreateUser: true }
			});
			if (error) {
				const code = authErrorCode(error);
				// Sign-ups are closed on the project and the invitee has no account yet.
				if (code === 'login_unknown_email') throw new Refusal('invite_no_account');
				throw new Refusal(code, { status: code === 'auth_rate_limited' ? 429 : 502 });
			}
		});
		return stored ? { invited: email } : false;
	}
});

export const revokeInviteAction = formAction({
	facilitator: true,
	schema: revocation,
	resolve: async ({ invite }, { event }) => {
		const account = event.locals.account;
		if (!account) return false;
		if (!(await revokeInvite((await getRuntime()).sql, account, event.params.id!, invite))) throw new Refusal('not_found');
	}
});

/** "Add to my workshops": the facilitator's session and the signed-in account, both required. */
export const claimWorkshopAction = formAction({
	facilitator: true,
	schema: v.object({}),
	resolve: async (_, { event, viewer }) => {
		const account = event.locals.account;
		if (!account) return false;
		try {
			await claimWorkshop((await getRuntime()).sql, account, viewer.workshopId, viewer.memberId);
		} catch (e) {
			// Owned by another account already, say: a conflict, not a malformed request.
			const code = errorCode(e);
			if (code && code !== 'not_allowed') throw new Refusal(code, { status: 409 });
			throw e;
		}
	}
});
