/**
 * This device's estimate of the server's clock, ticking once a second: every screen in the
 * room counts a countdown down together, whatever its own clock says.
 */
export class ServerClock {
	/** This device's clock minus the server's. */
	skew = $state(0);
	#now = $state(Date.now());
	#tick: ReturnType<typeof setInterval> | null = null;

	/** Browser only: asks the server for its time once, then ticks. Returns the stop function. */
	start(): () => void {
		const sent = Date.now();
		fetch('/api/time')
			.then((r) => r.json())
			.then(({ now: server }: { now: number }) => (this.skew = (sent + Date.now()) / 2 - server))
			.catch(() => {});
		this.#tick = setInterval(() => (this.#now = Date.now()), 1000);
		return () => {
			if (this.#tick) clearInterval(this.#tick);
		};
	}

	get now(): number {
		return this.#now - this.skew;
	}
}
