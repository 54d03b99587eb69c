import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { formFields, linkSignIn, parseForm, passwordSignIn } from '#lib/domain/workshop/validation.js';
import { authErrorCode } from '#lib/server/auth/auth-errors.js';
import { safeNext } from '#lib/server/auth/next-path.js';
import { formData } from '#lib/server/form-body.js';

const LINK_ERRORS = new Set(['link_invalid', 'auth_unavailable']);

export const load: PageServerLoad = ({ locals, url }) => {
	if (!locals.supabase) error(404, 'not_found');
	const next = safeNext(url.searchParams.get('next'), url.origin);
	if (locals.account) redirect(303, next);
	const problem = url.searchParams.get('error');
	return { next, linkError: problem && LINK_ERRORS.has(problem) ? problem : null };
};

function supabaseOf(event: RequestEvent) {
	if (!event.locals.supabase) error(404, 'not_found');
	return event.locals.supabase;
}

export const actions: Actions = {
	password: async (event) => {
		const supabase = supabaseOf(event);
		const fields = formFields(await formData(event.request));
		const next = safeNext(fields.next, event.url.origin);
		const parsed = parseForm(passwordSignIn, fields);
		if (!parsed.ok) return fail(400, { email: fields.email ?? '', errors: parsed.errors });
		const { error: problem } = await supabase.auth.signInWithPassword(parsed.value);
		if (problem) {
			const code = authErrorCode(problem);
			return fail(code === 'auth_rate_limited' ? 429 : code === 'auth_unavailable' ? 503 : 400, { email: parsed.value.email, errors: { form: code } });
		}
		redirect(303, next);
	},
	link: async (event) => {
		const supabase = supabaseOf(event);
		const fields = formFields(await formData(event.request));
		const next = safeNext(fields.next, event.url.origin);
		const parsed = parseForm(linkSignIn, fields);
		if (!parsed.ok) return fail(400, { email: fields.email ?? '', errors: parsed.errors });
		const { error: problem } = await supabase.auth.signInWithOtp({
			email: parsed.value.email,
			options: { emailRedirectTo: `${event.url.origin}/auth/callback?next=${encodeURIComponent(next)}`, shouldCreateUser: true }
		});
		if (problem) {
			const code = authErrorCode(problem);
			return fail(code === 'auth_rate_limited' ? 429 : code === 'auth_unavailable' ? 503 : 400, { email: parsed.value.email, errors: { form: code } });
		}
		return { sent: parsed.value.email };
	}
};
