import type { RequestEvent } from '@sveltejs/kit';
import { FailureLimiter } from './rate-limit';

// 60 misses a minute from one address (JOIN_FAILURE_LIMIT), after which wrong codes get 429.
// Correct codes are never refused (a venue is one address, and some people in it mistype), so
// past the limit the 429 itself marks a wrong code: this bounds ordinary answers to misses, not
// how fast an address can test codes (see README, Joining).
export const joinFailures = new FailureLimiter({ limit: Number(process.env.JOIN_FAILURE_LIMIT) || 60, windowMs: 60_000 });

export function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

// Creating workshops: 20 a minute from one address (WORKSHOP_CREATE_LIMIT). Every workshop is
// rows in the database and a join code taken from the code space; a venue's facilitators make a
// few, a script thousands. Unlike joins, successes count: creating is what is limited.
export const workshopCreations = new FailureLimiter({ limit: Number(process.env.WORKSHOP_CREATE_LIMIT) || 20, windowMs: 60_000 });

// Share links: 30 unknown or revoked tokens a minute from one address (SHARE_FAILURE_LIMIT).
// Tokens carry 256 random bits; the limit keeps logs and the database quiet, not the secret.
export const shareFailures = new FailureLimiter({ limit: Number(process.env.SHARE_FAILURE_LIMIT) || 30, windowMs: 60_000 });
