import type { Handle, ServerInit } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '#lib/paraglide/server.js';
import { defineCustomServerStrategy } from '#lib/paraglide/runtime.js';
import { getRuntime } from '#lib/server/runtime.js';
import { workshopLanguageFor } from '#lib/server/workshop-language.js';
import { chosenLanguage } from '#lib/i18n-choice.js';
import { requestClient, resolveAccount, supabaseSettings } from '#lib/server/auth/supabase.js';
import { enterAsAccount } from '#lib/server/auth/account-entry.js';

export const init: ServerInit = async () => {
	await getRuntime();
};

defineCustomServerStrategy('custom-choice', {
	getLocale: (request) => chosenLanguage(request?.headers.get('cookie'))
});

// A workshop's pages speak the workshop's language unless the visitor chose one.
defineCustomServerStrategy('custom-workshop', {
	getLocale: async (request) => (request ? await workshopLanguageFor(new URL(request.url)) : undefined)
});

/**
 * A POST naming the reserved action `default` (`?/default`), or a name every object answers to
 * (`?/constructor`, `?/__proto__`, `?/toString`), makes SvelteKit throw, or call that property:
 * a 500 for what is just an action that does not exist.
 */
function impossibleAction(request: Request, url: URL): boolean {
	if (request.method !== 'POST') return false;
	const name = [...url.searchParams.keys()].find((key) => key.startsWith('/'))?.slice(1);
	return name !== undefined && (name === 'default' || name in Object.prototype);
}

const supabase = supabaseSettings();

export const handle: Handle = async ({ event, resolve }) => {
	if (impossibleAction(event.request, event.url))
		return new Response('No such action', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	event.setHeaders({
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()'
	});
	// Facilitator accounts exist only when Supabase is configured; otherwise nothing changes.
	// Supabase asks for no-store when it writes session cookies; applied once the page has set its own.
	const noStore: Record<string, string> = {};
	event.locals.supabase = supabase ? requestClient(supabase, event.cookies, event.url, (h) => Object.assign(noStore, h)) : null;
	event.locals.account = supabase && event.locals.supabase ? await resolveAccount(supabase, event.locals.supabase, event.cookies) : null;
	if (event.locals.account) await enterAsAccount(event.locals.account, event.cookies, event.url);
	// The language comes from custom strategies, never from the URL: the request paraglide hands
	// back is a copy of this one (SvelteKit 3's event is read-only), so the event goes on as it is.
	const response = await paraglideMiddleware(event.request, ({ locale }) => {
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%lang%', locale)
		});
	});
	for (const [name, value] of Object.entries(noStore)) {
		try {
			response.headers.set(name, value);
		} catch {
			// immutable headers (a fetched response): nothing of ours to protect there
		}
	}
	return response;
};
