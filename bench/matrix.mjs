#!/usr/bin/env node
// Runs bench/sync.mjs several times for each of the issue's three loads and prints medians
// and spreads as a Markdown table (the figures in bench/README.md come from here).
//
//   node bench/matrix.mjs [--runs 5] [--seconds 30] [--only 1,2,3] [--instances 1,2] [--app DIR] [--out results.jsonl]
//
// --instances 1,2: each load with one app instance and with two sharing rooms through Redis
// (bench/sync.mjs --instances), interleaved as well.
//
// Every run starts a fresh server on a fresh database; runs are interleaved (load 1, 2, 3,
// 1, 2, 3, …) so that a noisy minute on the shared machine does not land on one load only.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LOADS = [
	{ name: '200 editors, 1 board', args: ['--editors', '200'] },
	{ name: '300 editors + 700 viewers, 1 board', args: ['--editors', '300', '--viewers', '700'] },
	{ name: '200 boards × 25 editors', args: ['--boards', '200', '--editors', '25'] }
];

const options = { runs: 5, seconds: 30, only: [1, 2, 3], instances: [1], app: null, out: null, extra: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const a = argv[i];
	if (a === '--runs') options.runs = Number(argv[++i]);
	else if (a === '--seconds') options.seconds = Number(argv[++i]);
	else if (a === '--only') options.only = argv[++i].split(',').map(Number);
	else if (a === '--instances') options.instances = argv[++i].split(',').map(Number);
	else if (a === '--app') options.app = argv[++i];
	else if (a === '--out') options.out = argv[++i];
	else options.extra.push(a);
}

// Build once, before the first run (each run then passes --no-build).
const build = spawnSync(
	process.execPath,
	['-e', `import(${JSON.stringify(path.join(options.app ?? path.join(HERE, '..'), 'scripts', 'build.js'))}).then((m) => m.ensureBuild())`],
	{ stdio: 'inherit' }
);
if (build.status !== 0) process.exit(1);

const results = new Map(options.only.flatMap((i) => options.instances.map((n) => [`${i}/${n}`, []])));
for (let run = 1; run <= options.runs; run++) {
	for (const key of results.keys()) {
		const [i, instances] = key.split('/').map(Number);
		const load = {
			...LOADS[i - 1],
			name: `${LOADS[i - 1].name}${options.instances.length > 1 || instances > 1 ? `, ${instances} instance${instances > 1 ? 's' : ''}` : ''}`
		};
		const args = [
			path.join(HERE, 'sync.mjs'),
			...load.args,
			'--seconds',
			String(options.seconds),
			'--no-build',
			...(instances > 1 ? ['--instances', String(instances)] : []),
			...options.extra
		];
		if (options.app) args.push('--app', options.app);
		const started = Date.now();
		const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
		const last = child.stdout.trim().split('\n').pop();
		let result;
		try {
			result = JSON.parse(last);
		} catch {
			console.error(`run ${run} of "${load.name}" failed:\n${child.stdout.slice(-2000)}\n${child.stderr.slice(-2000)}`);
			continue;
		}
		result.load = load.name;
		result.run = run;
		results.get(key).push(result);
		if (options.out) appendFileSync(options.out, JSON.stringify(result) + '\n');
		console.error(
			`[matrix] ${load.name} run ${run}: p50 ${result.p50_ms} p95 ${result.p95_ms} p99 ${result.p99_ms} ms${result.instances ? ` (from the other instance: p50 ${result.cross_p50_ms} p99 ${result.cross_p99_ms})` : ''}, ` +
				`${result.updates_per_s} updates/s, server ${result.server_cpu_pct}% CPU, machine ${result.machine_busy_pct}% busy (${Math.round((Date.now() - started) / 1000)} s)`
		);
	}
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (xs, digits = 1) => {
	if (!xs.length) return '—';
	const r = (x) => (Math.round(x * 10 ** digits) / 10 ** digits).toLocaleString('en-US');
	return `${r(median(xs))} (${r(Math.min(...xs))}–${r(Math.max(...xs))})`;
};
console.log(`\n${options.runs} runs of ${options.seconds} s each; median (min–max)\n`);
console.log(
	'| load | clients | p50 ms | p95 ms | p99 ms | updates delivered /s | server CPU % of a core | Postgres CPU s | server peak RSS MB | client CPU s |'
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [, rs] of results) {
	if (!rs.length) continue;
	const col = (k, d) =>
		fmt(
			rs.map((r) => r[k]),
			d
		);
	console.log(
		`| ${rs[0].load} | ${rs[0].probes} full probes + ${rs[0].clients - rs[0].probes} ${rs[0].crowd === 'full' ? 'full' : 'lightweight'} | ${col('p50_ms')} | ${col('p95_ms')} | ${col('p99_ms')} | ${col('updates_per_s', 0)} | ${col('server_cpu_pct', 0)} | ${col('postgres_cpu_s')} | ${col('rss_mb', 0)} | ${col('client_cpu_s')} |`
	);
}
const shared = [...results.values()].filter((rs) => rs.length && rs[0].instances);
if (shared.length) {
	console.log("\nSeveral instances: latency of edits made on another instance than the probe's, and each process\n");
	console.log(
		'| load | cross-instance samples | cross p50 ms | cross p99 ms | CPU s per instance | peak RSS MB per instance | redis-server CPU s | machine busy % |'
	);
	console.log('|---|---|---|---|---|---|---|---|');
	for (const rs of shared) {
		const col = (k, d) =>
			fmt(
				rs.map((r) => r[k]),
				d
			);
		const each = (k, d) =>
			rs[0][k]
				.map((_, j) =>
					fmt(
						rs.map((r) => r[k][j]),
						d
					)
				)
				.join(' / ');
		console.log(
			`| ${rs[0].load} | ${col('cross_samples', 0)} | ${col('cross_p50_ms')} | ${col('cross_p99_ms')} | ${each('instance_cpu_s', 1)} | ${each('instance_rss_mb', 0)} | ${col('redis_cpu_s', 2)} | ${col('machine_busy_pct', 0)} |`
		);
	}
}
