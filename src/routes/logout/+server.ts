import { error, redirect, type RequestHandler } from '@sveltejs/kit';
import { endAccountSessions } from '#lib/server/auth/account-entry.js';
import { safeNext } from '#lib/server/auth/next-path.js';
import { formData } from '#lib/server/form-body.js';

/** Signing out (a POST form: SvelteKit refuses it cross-site). */
export const POST: RequestHandler = async ({ locals, cookies, request, url }) => {
	if (!locals.supabase) error(404, 'not_found');
	const next = safeNext(String((await formData(request)).get('next') ?? ''), url.origin, '/');
	if (locals.account) await endAccountSessions(locals.account, cookies);
	// scope 'local': this browser only, as the button says; the cookies go either way.
	await locals.supabase.auth.signOut({ scope: 'local' }).catch(() => {});
	for (const c of cookies.getAll()) if (c.name.startsWith('sb-')) cookies.delete(c.name, { path: '/' });
	redirect(303, next);
};
