import type { RequestEvent } from '@sveltejs/kit';
import { FailureLimiter } from './rate-limit';

// 30 misses a minute from one address: a room mistyping codes is never locked out,
// while guessing one of 887 million codes at that pace is hopeless.
export const joinFailures = new FailureLimiter({ limit: 30, windowMs: 60_000 });

export function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
