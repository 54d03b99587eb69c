import { defineCustomClientStrategy } from '$lib/paraglide/runtime';

// The server rendered the page in the language it chose (the workshop's, unless the
// visitor picked one); the client keeps it, so hydration never switches language.
defineCustomClientStrategy('custom-workshop', {
	getLocale: () => document.documentElement.lang || undefined,
	setLocale: () => {}
});
