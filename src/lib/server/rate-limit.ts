/**
 * Counts failures per key (a client address) in a sliding window. Only failures are
 * counted: a room of 300 people behind one venue address must all be able to join,
 * while guessing codes from that address stops after `limit` misses a window.
 */
export class FailureLimiter {
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #now: () => number;
	readonly #failures = new Map<string, number[]>();

	constructor(options: { limit: number; windowMs: number; now?: () => number }) {
		this.#limit = options.limit;
		this.#windowMs = options.windowMs;
		this.#now = options.now ?? Date.now;
	}

	/** Milliseconds until `key` may try again, or 0 when it may try now. */
	retryAfter(key: string): number {
		const recent = this.#recent(key);
		if (recent.length < this.#limit) return 0;
		return recent[recent.length - this.#limit] + this.#windowMs - this.#now();
	}

	fail(key: string): void {
		this.record(key);
	}

	/** Counts one event for `key` where what is limited is not a failure (creating workshops). */
	record(key: string): void {
		const recent = this.#recent(key);
		recent.push(this.#now());
		this.#failures.set(key, recent);
		if (this.#failures.size > 10_000) this.#sweep();
	}

	#recent(key: string): number[] {
		const since = this.#now() - this.#windowMs;
		return (this.#failures.get(key) ?? []).filter((t) => t > since);
	}

	#sweep(): void {
		for (const key of [...this.#failures.keys()]) {
			const recent = this.#recent(key);
			if (recent.length) this.#failures.set(key, recent);
			else this.#failures.delete(key);
		}
	}
}
