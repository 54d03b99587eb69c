import type { RequestEvent } from '@sveltejs/kit';
import { FailureLimiter } from './rate-limit';

// 60 misses a minute from one address (JOIN_FAILURE_LIMIT): a room mistyping codes is
// not locked out, while guessing one of 887 million codes at that pace is hopeless.
export const joinFailures = new FailureLimiter({ limit: Number(process.env.JOIN_FAILURE_LIMIT) || 60, windowMs: 60_000 });

export function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

// Share links: 30 unknown or revoked tokens a minute from one address (SHARE_FAILURE_LIMIT).
// Tokens carry 256 random bits; the limit keeps logs and the database quiet, not the secret.
export const shareFailures = new FailureLimiter({ limit: Number(process.env.SHARE_FAILURE_LIMIT) || 30, windowMs: 60_000 });
