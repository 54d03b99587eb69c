/**
 * The language a visitor chose with the switcher. Kept apart from paraglide's own cookie,
 * which paraglide also writes when it merely detected a language: a detected language
 * must not override a workshop's language later, a chosen one must.
 */
export const LANGUAGE_COOKIE = 'rt_lang';

export function chosenLanguage(cookieHeader: string | null | undefined): string | undefined {
	const match = /(?:^|;\s*)rt_lang=(en|hu)(?:;|$)/.exec(cookieHeader ?? '');
	return match?.[1];
}
