import type { Handle, ServerInit } from '@sveltejs/kit';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { defineCustomServerStrategy } from '$lib/paraglide/runtime';
import { getRuntime } from '$lib/server/runtime';
import { workshopLanguageFor } from '$lib/server/workshop-language';
import { chosenLanguage } from '$lib/i18n-choice';

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

export const handle: Handle = ({ event, resolve }) => {
	event.setHeaders({
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()'
	});
	return paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%lang%', locale)
		});
	});
};
