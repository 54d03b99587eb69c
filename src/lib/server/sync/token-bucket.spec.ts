import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

function clock() {
	let t = 5_000;
	return { now: () => t, advance: (ms: number) => (t += ms), back: (ms: number) => (t -= ms) };
}

const takeAll = (bucket: TokenBucket, n: number) => Array.from({ length: n }, () => bucket.take()).filter(Boolean).length;

describe('TokenBucket', () => {
	it('allows a burst of `capacity`, then refuses until time refills it', () => {
		const c = clock();
		const bucket = new TokenBucket({ capacity: 5, perSecond: 2, now: c.now });
		expect(takeAll(bucket, 7)).toBe(5);
		c.advance(499);
		expect(bucket.take()).toBe(false);
		c.advance(1);
		expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
	});

	it('sustains `perSecond`, and never holds more than `capacity` after a long pause', () => {
		const c = clock();
		const bucket = new TokenBucket({ capacity: 10, perSecond: 20, now: c.now });
		takeAll(bucket, 10);
		// 20 a second for ten seconds, one every 50 ms: every one passes
		for (let i = 0; i < 200; i++) {
			c.advance(50);
			expect(bucket.take(), `event ${i}`).toBe(true);
		}
		// faster than that drains it
		let refused = 0;
		for (let i = 0; i < 200; i++) {
			c.advance(25);
			if (!bucket.take()) refused++;
		}
		expect(refused).toBe(100);
		c.advance(3_600_000);
		expect(takeAll(bucket, 20)).toBe(10);
	});

	it('a refused take costs nothing, and a clock stepping back neither drains nor fills it', () => {
		const c = clock();
		const bucket = new TokenBucket({ capacity: 2, perSecond: 1, now: c.now });
		takeAll(bucket, 2);
		expect(takeAll(bucket, 50)).toBe(0);
		c.advance(1000);
		expect(bucket.take()).toBe(true);
		c.back(10_000);
		expect(bucket.take()).toBe(false);
		c.advance(1000);
		expect(bucket.take()).toBe(true);
	});
});
