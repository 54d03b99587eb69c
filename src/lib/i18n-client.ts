import { defineCustomClientStrategy } from '#lib/paraglide/runtime.js';

// The server rendered the page in the language it resolved (the visitor's choice, else
// the workshop's, else the browser's); the client keeps exactly that, so hydration never
// switches language. Neither strategy persists anything: only the switcher does.
defineCustomClientStrategy('custom-choice', { getLocale: () => undefined, setLocale: () => {} });
defineCustomClientStrategy('custom-workshop', {
	getLocale: () => document.documentElement.lang || undefined,
	setLocale: () => {}
});
