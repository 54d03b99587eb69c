// Loaded into the server process by bench/sync.mjs (NODE_OPTIONS=--import …) when
// BENCH_SERVER_STATS names a file: once a second, one JSON line with the event-loop delay
// of the last second, so that the benchmark can tell a busy event loop from a slow commit.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_SERVER_STATS;
if (file) {
	const h = monitorEventLoopDelay({ resolution: 5 });
	h.enable();
	let last = process.cpuUsage();
	const timer = setInterval(() => {
		const cpu = process.cpuUsage(last);
		last = process.cpuUsage();
		appendFileSync(
			file,
			JSON.stringify({
				t: Date.now(),
				loop_p50_ms: h.percentile(50) / 1e6,
				loop_p99_ms: h.percentile(99) / 1e6,
				loop_max_ms: h.max / 1e6,
				cpu_pct: (cpu.user + cpu.system) / 1e4,
				heap_mb: process.memoryUsage().heapUsed / 2 ** 20
			}) + '\n'
		);
		h.reset();
	}, 1000);
	timer.unref();
}
