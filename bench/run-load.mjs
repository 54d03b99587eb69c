// The measured window of a load (bench/sync.mjs, bench/compare.mjs, bench/soak.mjs): the
// clients split over crowd threads and probe threads, connected, editing at the rate; the
// server's CPU, memory and event loop sampled; latency, deliveries and closes reported.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startProfiler } from './app.mjs';
import { now, sleep } from './protocol.mjs';
import { Samples, newCounters, ClientSet } from './load-clients.mjs';
import { procStat, procStatus, descendants, cpuOf, machineCpu, navigatorCores, percentile, r1, r2 } from './proc.mjs';

const CROWD_THREAD = fileURLToPath(new URL('./crowd-thread.mjs', import.meta.url));

// ── the measured window ─────────────────────────────────────────────────────────

/**
 * Connects every client of `specs` to the running `server` (a child process: `server.child`),
 * lets editors edit at `options.rate` for `options.warmup` + `options.seconds`, and measures the
 * window: latency from the probes, server and Postgres CPU from /proc, peak RSS, machine load.
 * `statsFile` is the server's bench/server-stats.mjs output. Closes its clients before returning
 * `{ result, rows, profile, samples, rssSeries, window }`. `track` receives the client set and threads (for
 * clean-up on Ctrl-C); `options.rssEveryMs` samples the server's VmRSS during the run;
 * `hooks.windowStart` / `hooks.windowEnd` (async) run as the window opens and closes.
 */
export async function runLoad({ server, statsFile, specs, options, log = () => {}, track = {}, hooks = {} }) {
	const perBoard = options.editors + options.viewers;
	const totalClients = specs.length;
	const full = options.crowd === 'full';
	const probes = full ? specs.filter((s) => s.editor).length : Math.min(options.probes, options.boards * options.editors);
	const workers = [];
	let mainSet = null;
	const serverPid = server.child.pid;
	// --instances: every app process (the first owns the embedded Postgres), and redis-server.
	const instances = server.instances ?? [{ child: server.child, statsFile }];
	const pids = instances.map((i) => i.child.pid);
	const redisPid = server.redis?.child.pid ?? null;
	const rssSeries = [];
	let rssTimer = null;
	try {
		// Probes: full clients among the editors, spread over the boards.
		if (full)
			for (const s of specs) {
				s.full = true;
				s.measure = true;
			}
		else {
			const editorsByBoard = Array.from({ length: options.boards }, (_, b) => specs.filter((s) => s.board === b && s.editor));
			for (let k = 0; k < probes; k++) {
				const s = editorsByBoard[k % options.boards][Math.floor(k / options.boards)];
				s.full = true;
				s.measure = true;
			}
		}
		const samples = new Samples();
		const mainCounters = newCounters();
		// Probes in threads of their own (--probe-threads, default 4), unless every client is full.
		const probeSpecs = specs.filter((s) => s.full);
		const probeThreads = full ? 0 : Math.min(options.probeThreads ?? 4, probeSpecs.length);
		mainSet = new ClientSet(probeThreads ? [] : probeSpecs, { full: true, rate: options.rate, counters: mainCounters, samples });
		track.mainSet = mainSet;
		track.workers = workers;
		const crowd = specs.filter((s) => !s.full);
		const threads = crowd.length ? Math.max(1, Math.min(options.threads, crowd.length)) : 0;
		const call = (w, type, extra = {}) =>
			new Promise((resolve, reject) => {
				const onMessage = (msg) => {
					if (msg.type === 'error') {
						w.off('message', onMessage);
						reject(new Error(msg.message));
					} else if (msg.type === { connect: 'connected', cards: 'cards', run: 'running', report: 'report', close: 'closed' }[type]) {
						w.off('message', onMessage);
						resolve(msg);
					}
				};
				w.on('message', onMessage);
				w.postMessage({ type, ...extra });
			});
		for (let t = 0; t < threads; t++) {
			const mine = crowd.filter((_, i) => i % threads === t);
			workers.push(new Worker(CROWD_THREAD, { workerData: { specs: mine, rate: options.rate } }));
		}
		for (let t = 0; t < probeThreads; t++) {
			const mine = probeSpecs.filter((_, i) => i % probeThreads === t);
			workers.push(new Worker(CROWD_THREAD, { workerData: { probes: true, specs: mine, rate: options.rate } }));
		}

		// Connect everyone (crowd threads and full clients at once), then everyone creates a card.
		await Promise.all([mainSet.connect(16), ...workers.map((w) => call(w, 'connect', { concurrency: 32 }))]);
		log(`${totalClients} clients connected and synced (${mainSet.clients.length} full, ${crowd.length} lightweight)`);
		mainSet.createCards();
		// Lightweight editors encode their edits now (setup time), with room to spare.
		const prepare = Math.ceil((options.warmup + options.seconds + 5) * options.rate) + 5;
		await Promise.all(workers.map((w) => call(w, 'cards', { prepare })));
		await sleep(1500);

		const start = now() + 200;
		const windowFrom = start + options.warmup * 1000;
		const windowTo = windowFrom + options.seconds * 1000;
		samples.from = windowFrom;
		samples.to = windowTo;
		mainSet.run(start, windowTo, windowFrom, windowTo);
		await Promise.all(workers.map((w) => call(w, 'run', { start, stop: windowTo, windowFrom, windowTo })));
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		setTimeout(() => ((mainCounters.counting = true), loop.reset()), Math.max(0, windowFrom - now()));
		setTimeout(
			() => ((mainCounters.counting = false), (mainCounters.loop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 })),
			Math.max(0, windowTo - now())
		);
		log(`editing at ${options.rate}/s per editor: ${options.warmup} s warm-up, then ${options.seconds} s measured`);

		await sleep(windowFrom - now());
		// bench:soak --snapshots: a heap snapshot of the server now (it pauses the server: diagnosis only)
		if (hooks.windowStart) await hooks.windowStart();
		if (options.rssEveryMs) {
			const sample = () => rssSeries.push({ t_s: r1((now() - windowFrom) / 1000), rss_mb: r1(procStatus(serverPid, 'VmRSS')) });
			sample();
			rssTimer = setInterval(sample, options.rssEveryMs);
		}
		const pgPids = descendants(serverPid);
		const profiler = options.profile ? await startProfiler(server) : null;
		const instanceCpu0 = pids.map((p) => procStat(p).cpu);
		const redisCpu0 = redisPid ? (procStat(redisPid)?.cpu ?? 0) : 0;
		const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const cpuTimes0 = machineCpu();
		const pgCpu0 = cpuOf(pgPids);
		const clientCpu0 = process.cpuUsage();
		await sleep(windowTo - now());
		if (hooks.windowEnd) await hooks.windowEnd();
		if (rssTimer) {
			clearInterval(rssTimer);
			rssSeries.push({ t_s: r1((now() - windowFrom) / 1000), rss_mb: r1(procStatus(serverPid, 'VmRSS')) });
		}
		const instanceCpu = pids.map((p, i) => procStat(p).cpu - instanceCpu0[i]);
		const redisCpu = redisPid ? (procStat(redisPid)?.cpu ?? 0) - redisCpu0 : 0;
		const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const cpuTimes1 = machineCpu();
		const machineBusy = (100 * (cpuTimes1.busy - cpuTimes0.busy)) / Math.max(1, cpuTimes1.total - cpuTimes0.total);
		const machineSteal = (100 * (cpuTimes1.steal - cpuTimes0.steal)) / Math.max(1, cpuTimes1.total - cpuTimes0.total);
		const pgCpu1 = cpuOf(pgPids);
		const clientCpu1 = process.cpuUsage(clientCpu0);
		const profile = profiler ? await profiler.stop() : null;
		let pgCpu = 0;
		for (const [p, c] of pgCpu1) pgCpu += c - (pgCpu0.get(p) ?? c);
		// Late deliveries of edits sent inside the window still count as latency samples.
		await sleep(2000);
		const reports = await Promise.all(workers.map((w) => call(w, 'report')));
		for (const r of reports) {
			if (!r.samples) continue;
			for (let i = 0; i < r.samples.values.length; i++) samples.record(r.samples.sent[i], r.samples.sent[i] + r.samples.values[i], false);
			samples.cross.push(...r.samples.cross);
		}
		const crowdReports = reports.filter((r) => !r.probes);
		const probeLoops = probeThreads
			? reports
					.filter((r) => r.probes)
					.map((r) => r.loop)
					.filter(Boolean)
			: [mainCounters.loop].filter(Boolean);
		const instanceRss = pids.map((p) => procStatus(p, 'VmHWM'));
		const rssMb = instanceRss.reduce((a, b) => a + b, 0);
		const serverLoop = { p99: 0, max: 0 };
		for (const instance of instances) {
			try {
				for (const line of readFileSync(instance.statsFile, 'utf8').split('\n')) {
					if (!line) continue;
					const s = JSON.parse(line);
					if (s.t <= windowFrom + 1000 || s.t > windowTo + 1000) continue;
					serverLoop.p99 = Math.max(serverLoop.p99, s.loop_p99_ms);
					serverLoop.max = Math.max(serverLoop.max, s.loop_max_ms);
				}
			} catch {}
		}
		const probeLoop = probeLoops.length
			? { p99: Math.max(...probeLoops.map((l) => l.p99)), max: Math.max(...probeLoops.map((l) => l.max)) }
			: { p99: NaN, max: NaN };
		const rssNowMb = pids.reduce((n, p) => n + procStatus(p, 'VmRSS'), 0);
		const clientRssMb = process.resourceUsage().maxRSS / 1024;

		const deliveries = mainCounters.deliveries + reports.reduce((n, r) => n + r.deliveries, 0);
		const relays = mainCounters.relays + reports.reduce((n, r) => n + r.relays, 0);
		const presence = mainCounters.presence + reports.reduce((n, r) => n + r.presence, 0);
		const editsInWindow = mainSet.editsInWindow + reports.reduce((n, r) => n + r.editsInWindow, 0);
		const closes = [...mainCounters.closes, ...reports.flatMap((r) => r.closes)];
		const expectedDeliveries = editsInWindow * (perBoard - 1);
		const sorted = Array.from(samples.values.subarray(0, samples.length)).sort((a, b) => a - b);
		// What the probes should have seen: every edit of every other editor on their board.
		const measuring = specs.filter((s) => s.measure);
		const expectedSamples = measuring.reduce((n, s) => n + (s.editor ? options.editors - 1 : options.editors), 0) * options.rate * options.seconds;
		const seconds = options.seconds;
		const result = {
			clients: totalClients,
			boards: options.boards,
			editors: options.boards * options.editors,
			viewers: options.boards * options.viewers,
			rate: options.rate,
			seconds,
			crowd: full ? 'full' : 'lightweight',
			probes: measuring.length,
			probe_threads: probeThreads,
			samples: sorted.length,
			p50_ms: r2(percentile(sorted, 50)),
			p95_ms: r2(percentile(sorted, 95)),
			p99_ms: r2(percentile(sorted, 99)),
			max_ms: r2(sorted[sorted.length - 1] ?? NaN),
			edits_per_s: r1(editsInWindow / seconds),
			updates_per_s: Math.round(deliveries / seconds),
			relay_messages_per_s: Math.round(relays / seconds),
			presence_messages_per_s: Math.round(presence / seconds),
			delivered_pct: r1((100 * deliveries) / Math.max(1, expectedDeliveries)),
			probe_seen_pct: r1((100 * sorted.length) / Math.max(1, expectedSamples)),
			rss_mb: Math.round(rssMb),
			server_cpu_s: r2(instanceCpu.reduce((a, b) => a + b, 0)),
			server_cpu_pct: Math.round((100 * instanceCpu.reduce((a, b) => a + b, 0)) / seconds),
			...(instances.length > 1
				? {
						instances: instances.length,
						instance_cpu_s: instanceCpu.map(r2),
						instance_rss_mb: instanceRss.map(Math.round),
						redis_cpu_s: r2(redisCpu),
						cross_samples: samples.cross.length,
						cross_p50_ms: r2(
							percentile(
								[...samples.cross].sort((x, y) => x - y),
								50
							)
						),
						cross_p99_ms: r2(
							percentile(
								[...samples.cross].sort((x, y) => x - y),
								99
							)
						)
					}
				: {}),
			postgres_cpu_s: r2(pgCpu),
			client_cpu_s: r2((clientCpu1.user + clientCpu1.system) / 1e6),
			client_rss_mb: Math.round(clientRssMb),
			machine_busy_pct: Math.round(machineBusy),
			server_loop_delay_p99_ms: r1(serverLoop.p99),
			probe_loop_delay_p99_ms: r1(probeLoop.p99),
			closes: closes.length
		};
		const hocuspocus = specs[0]?.protocol === 'hocuspocus';
		const rows = [
			[
				'load',
				`${options.boards} board(s) × (${options.editors} editors + ${options.viewers} viewers) = ${totalClients} connections, ${options.rate} edit/s per editor`
			],
			[
				'clients',
				full
					? `all ${totalClients} full (${hocuspocus ? 'HocuspocusProvider' : 'y-websocket provider'} + Y.Doc); all measure latency`
					: `${measuring.length} full probes (${hocuspocus ? 'HocuspocusProvider' : 'provider'} + Y.Doc, among the editors) measure latency, ${probeThreads ? `in ${probeThreads} thread(s)` : 'in the main thread'}; ${crowd.length} lightweight (protocol only, read every message, apply nothing) in ${threads} thread(s)`
			],
			[
				'window',
				`${seconds} s after ${options.warmup} s warm-up; ${sorted.length} latency samples (${result.probe_seen_pct}% of the edits the probes should see)`
			],
			['edit-to-peer p50 / p95 / p99 / max', `${result.p50_ms} / ${result.p95_ms} / ${result.p99_ms} / ${result.max_ms} ms`],
			['edits sent', `${result.edits_per_s}/s`],
			['updates delivered', `${result.updates_per_s}/s (edit × recipient; ${result.delivered_pct}% of ${Math.round(expectedDeliveries / seconds)}/s expected)`],
			[
				'relay messages',
				`${result.relay_messages_per_s}/s to all clients = ${r1(relays / seconds / totalClients)}/s per client (${r1(deliveries / Math.max(1, relays))} edits per message)`
			],
			[
				'presence messages',
				`${result.presence_messages_per_s}/s to all clients = ${r1(presence / seconds / totalClients)}/s per client (every client renews its presence every 15 s)`
			],
			[
				'server CPU (node)',
				`${result.server_cpu_s} s in ${seconds} s = ${result.server_cpu_pct}% of a core; peak RSS ${result.rss_mb} MB (now ${Math.round(rssNowMb)} MB)${instances.length > 1 ? ' — all instances summed' : ''}`
			],
			...(instances.length > 1
				? [
						[
							'per instance',
							instances.map((_, i) => `#${i + 1}: CPU ${r2(instanceCpu[i])} s, peak RSS ${Math.round(instanceRss[i])} MB`).join('; ') +
								`; redis-server CPU ${r2(redisCpu)} s`
						],
						['edits from the other instance', `${result.cross_samples} samples: p50 ${result.cross_p50_ms} / p99 ${result.cross_p99_ms} ms`]
					]
				: []),
			['embedded Postgres CPU', `${result.postgres_cpu_s} s (${Math.round((100 * pgCpu) / seconds)}% of a core)`],
			['server event-loop delay', `worst second: p99 ${r1(serverLoop.p99)} ms, max ${r1(serverLoop.max)} ms`],
			[
				'client process CPU',
				`${result.client_cpu_s} s (${Math.round((100 * result.client_cpu_s) / seconds)}% of a core, all threads); peak RSS ${result.client_rss_mb} MB`
			],
			[
				'client event-loop delay',
				[
					`probes p99 ${r1(probeLoop.p99)} / max ${r1(probeLoop.max)} ms (worst thread)`,
					...crowdReports.map((r, i) => r.loop && `crowd ${i + 1} p99 ${r1(r.loop.p99)} / max ${r1(r.loop.max)} ms`)
				]
					.filter(Boolean)
					.join('; ')
			],
			['machine', `${navigatorCores()} cores, ${Math.round(machineBusy)}% busy in the window (steal ${r1(machineSteal)}%); load average ${load0} → ${load1}`],
			['unexpected closes', closes.length ? `${closes.length}: ${[...new Set(closes.map((c) => c.split(': ')[1]))].join(', ')}` : 'none']
		];
		return { result, rows, profile, samples, rssSeries, window: { from: windowFrom, to: windowTo } };
	} finally {
		if (rssTimer) clearInterval(rssTimer);
		mainSet?.close();
		for (const w of workers) await w.terminate().catch(() => {});
		track.mainSet = null;
		track.workers = [];
	}
}
