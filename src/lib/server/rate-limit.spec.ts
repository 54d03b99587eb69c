import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './rate-limit';

function clock(start = 1_000_000) {
	let t = start;
	return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('FailureLimiter', () => {
	it('lets a key try until it has failed `limit` times within the window', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 3, windowMs: 60_000, now: c.now });
		expect(limiter.retryAfter('1.2.3.4')).toBe(0);
		limiter.fail('1.2.3.4');
		c.advance(1_000);
		limiter.fail('1.2.3.4');
		expect(limiter.retryAfter('1.2.3.4')).toBe(0);
		c.advance(1_000);
		limiter.fail('1.2.3.4');
		// The oldest of the last three failures was 2 s ago: it leaves the window in 58 s.
		expect(limiter.retryAfter('1.2.3.4')).toBe(58_000);
	});

	it('counts down as time passes and opens again when the oldest failure leaves the window', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 2, windowMs: 10_000, now: c.now });
		limiter.fail('k');
		c.advance(4_000);
		limiter.fail('k');
		expect(limiter.retryAfter('k')).toBe(6_000);
		c.advance(5_999);
		expect(limiter.retryAfter('k')).toBe(1);
		c.advance(1);
		expect(limiter.retryAfter('k')).toBe(0);
		// One failure still in the window: a single new miss closes it again.
		limiter.fail('k');
		expect(limiter.retryAfter('k')).toBe(4_000);
	});

	it('record counts like a failure, for limits on what succeeds (creating workshops)', () => {
		const limiter = new FailureLimiter({ limit: 2, windowMs: 60_000, now: clock().now });
		limiter.record('k');
		expect(limiter.retryAfter('k')).toBe(0);
		limiter.record('k');
		expect(limiter.retryAfter('k')).toBe(60_000);
	});

	it('keeps keys apart: one address guessing does not lock out another', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 2, windowMs: 10_000, now: c.now });
		limiter.fail('guesser');
		limiter.fail('guesser');
		expect(limiter.retryAfter('guesser')).toBeGreaterThan(0);
		expect(limiter.retryAfter('venue-wifi')).toBe(0);
	});

	it('with more failures than the limit, waits for the limit-th most recent to expire', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 2, windowMs: 10_000, now: c.now });
		for (let i = 0; i < 5; i++) {
			limiter.fail('k');
			c.advance(1_000);
		}
		// Failures at 0..4 s, now 5 s: the 2nd most recent (3 s) expires at 13 s.
		expect(limiter.retryAfter('k')).toBe(8_000);
	});

	it('asks only about failures: checking does not count as one', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 1, windowMs: 1_000, now: c.now });
		for (let i = 0; i < 100; i++) expect(limiter.retryAfter('k')).toBe(0);
		limiter.fail('k');
		expect(limiter.retryAfter('k')).toBe(1_000);
	});

	it('sweeps expired keys past 10 000 entries without forgetting live ones', () => {
		const c = clock();
		const limiter = new FailureLimiter({ limit: 2, windowMs: 1_000, now: c.now });
		for (let i = 0; i < 10_000; i++) limiter.fail(`old-${i}`);
		c.advance(500);
		limiter.fail('live');
		limiter.fail('live');
		c.advance(600); // the old ones have expired, 'live' has 400 ms left
		limiter.fail('trigger'); // 10 002 keys: sweep
		expect(limiter.retryAfter('live')).toBe(400);
		expect(limiter.retryAfter('old-0')).toBe(0);
		limiter.fail('old-1');
		expect(limiter.retryAfter('old-1')).toBe(0);
	});
});
