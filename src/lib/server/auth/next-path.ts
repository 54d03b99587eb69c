/**
 * Where to go after signing in: `raw` only if it stays on this site, as a path; otherwise
 * `fallback`. Accepts a path (`/invites/…`) or an absolute URL on `origin` (what an e-mail
 * template's `{{ .RedirectTo }}` holds); a link back through the callback itself is unwrapped
 * once, so `next` never loops.
 */
export function safeNext(raw: string | null | undefined, origin: string, fallback = '/account', depth = 0): string {
	if (!raw || raw.length > 1024) return fallback;
	let url: URL;
	try {
		url = new URL(raw, origin);
	} catch {
		return fallback;
	}
	if (url.origin !== origin || !/^(\/|https?:\/\/)/i.test(raw)) return fallback;
	if (url.pathname === '/auth/callback') return depth === 0 ? safeNext(url.searchParams.get('next'), origin, fallback, 1) : fallback;
	return `${url.pathname}${url.search}`;
}
