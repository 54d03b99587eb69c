/**
 * A token bucket: up to `capacity` events at once, then `perSecond` on average. Pure (the clock
 * is passed in), so that its arithmetic is tested without waiting.
 */
export class TokenBucket {
	readonly #capacity: number;
	readonly #perMs: number;
	readonly #now: () => number;
	#tokens: number;
	#at: number;

	constructor(options: { capacity: number; perSecond: number; now?: () => number }) {
		this.#capacity = options.capacity;
		this.#perMs = options.perSecond / 1000;
		this.#now = options.now ?? (() => performance.now());
		this.#tokens = options.capacity;
		this.#at = this.#now();
	}

	/** Takes one token; false (and nothing taken) when the bucket is empty. */
	take(): boolean {
		const now = this.#now();
		// a clock that steps back must not drain the bucket
		this.#tokens = Math.min(this.#capacity, this.#tokens + Math.max(0, now - this.#at) * this.#perMs);
		this.#at = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}
