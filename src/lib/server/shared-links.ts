import { error, type RequestEvent } from '@sveltejs/kit';
import { clientAddress, shareFailures } from './client-address';
import { getRuntime } from './runtime';
import { reportByToken, snapshotByToken } from './repositories/snapshots';
import { workshopByScreenToken } from './screen-links';

/**
 * Token-shaped or not, a miss is a plain 404; repeated misses from one address a 429. A link
 * that exists always opens: only misses are limited, so a venue behind one address is never
 * locked out of its wall or its report by someone's guesses (a guess that succeeds is a link
 * its holder has anyway).
 */
async function lookup<T>(event: RequestEvent, find: (token: string) => Promise<T | null>): Promise<T> {
	const address = clientAddress(event);
	const token = event.params.token ?? '';
	const found = /^[A-Za-z0-9_-]{43}$/.test(token) ? await find(token) : null;
	if (!found) {
		const wait = shareFailures.retryAfter(address);
		if (wait > 0) {
			event.setHeaders({ 'retry-after': String(Math.ceil(wait / 1000)) });
			error(429, 'rate_limited');
		}
		shareFailures.fail(address);
		error(404, 'not_found');
	}
	// Shared pages are public but not for search engines or other sites' frames.
	event.setHeaders({ 'x-robots-tag': 'noindex', 'cache-control': 'private, no-store' });
	return found;
}

export async function sharedSnapshot(event: RequestEvent) {
	const { sql } = await getRuntime();
	return lookup(event, (token) => snapshotByToken(sql, token));
}

export async function sharedReportWorkshop(event: RequestEvent): Promise<string> {
	const { sql } = await getRuntime();
	return lookup(event, (token) => reportByToken(sql, token));
}

/** The workshop whose presenter screen a screen link opens; guessed and revoked links are misses like share links'. */
export async function sharedScreenWorkshop(event: RequestEvent): Promise<string> {
	const { sql } = await getRuntime();
	return lookup(event, (token) => workshopByScreenToken(sql, token));
}
