#!/usr/bin/env node
// Roundtable's sync server against Hocuspocus, one after the other in one run, on this machine,
// in the same harness (bench/clients.mjs): the same people, edits, timestamps and probes.
//
//   npm run bench:compare                                   (one run of the three workloads)
//   npm run bench:compare -- --runs 3 --seconds 30          (medians and spread of three runs)
//   npm run bench:compare -- --only cold                    (editors | crowd | cold, comma-separated)
//
// Workloads:
//   editors  200 editors on one board, 1 edit/s each
//   crowd    300 editors + 700 viewers on one board, 1 edit/s per editor
//   cold     a board of 5,000 cards, written through each server's own path and persisted; the
//            server is restarted and a fresh client's connect → first full sync is timed
//
// Roundtable is the built app (`node server/index.js`, its sync server and embedded Postgres,
// members through the app's forms). Hocuspocus is bench/hocuspocus-server.mjs:
// @hocuspocus/server with @hocuspocus/extension-database storing each document's state in a
// table of an embedded Postgres started the same way. Each server runs in its own process with
// its own fresh data directory; every client runs in this one. What each side guarantees when
// its process dies differs (see bench/README.md, "Roundtable vs Hocuspocus"): Roundtable relays
// an update only after its COMMIT; Hocuspocus relays at once and stores on a debounce.
//
// Output: one block per measurement, a table of medians (min–max) with the ratio
// Roundtable / Hocuspocus, and last a JSON line {"workloads":3,"p99_ratio_max":…,"rss_ratio_max":…,…}.
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from './app.mjs';
import { hocuspocusSpecs, r2, roundtableSpecs, runLoad, sleep, median } from './clients.mjs';
import { coldLoad } from './cold-load.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOCUSPOCUS_ENTRY = path.join(HERE, 'bench', 'hocuspocus-server.mjs');
const SERVERS = ['roundtable', 'hocuspocus'];
const NAMES = { roundtable: 'Roundtable', hocuspocus: 'Hocuspocus' };
const WORKLOADS = {
	editors: { title: '200 editors, 1 board, 1 edit/s each', editors: 200, viewers: 0 },
	crowd: { title: '300 editors + 700 viewers, 1 board', editors: 300, viewers: 700 },
	cold: { title: 'cold load of a board (--cards, 500)', cold: true }
};

function parseArgs(argv) {
	const options = {
		runs: 1,
		seconds: 30,
		warmup: 3,
		probes: 20,
		threads: 1,
		rate: 1,
		only: Object.keys(WORKLOADS),
		cards: 500,
		coldRepeats: 3,
		build: true,
		out: null
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => argv[++i];
		switch (arg) {
			case '--runs':
				options.runs = Number(value());
				break;
			case '--seconds':
				options.seconds = Number(value());
				break;
			case '--warmup':
				options.warmup = Number(value());
				break;
			case '--probes':
				options.probes = Number(value());
				break;
			case '--threads':
				options.threads = Number(value());
				break;
			case '--probe-threads':
				options.probeThreads = Number(value());
				break;
			case '--cards':
				options.cards = Number(value());
				break;
			case '--cold-repeats':
				options.coldRepeats = Number(value());
				break;
			case '--only':
				options.only = value().split(',');
				for (const w of options.only) if (!WORKLOADS[w]) throw new Error(`unknown workload ${w} (editors, crowd, cold)`);
				break;
			case '--out':
				options.out = path.resolve(value());
				break;
			case '--no-build':
				options.build = false;
				break;
			case '--help':
				console.log(
					'usage: node bench/compare.mjs [--runs N=1] [--seconds S=30 measured per load] [--warmup S=3] [--only editors,crowd,cold]\n' +
						'       [--cards N=500 (cold load; a board holds at most 500)] [--cold-repeats K=3 (restarts per cold load)] [--probes P=20] [--threads T=1] [--probe-threads T=4]\n' +
						'       [--out FILE.jsonl (every measurement)] [--no-build]'
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${arg} (try --help)`);
		}
	}
	return options;
}

const t0 = Date.now();
const log = (m) => console.error(`[compare ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** A fresh data directory (mode 755: as root, embedded Postgres runs as `postgres`). */
function freshDir() {
	const dir = mkdtempSync(path.join(tmpdir(), 'roundtable-compare-'));
	chmodSync(dir, 0o755);
	return dir;
}

const running = new Set(); // { server, dataDir } to stop on Ctrl-C
async function start(kind, dataDir) {
	const server = kind === 'roundtable' ? await startServer({}, dataDir) : await startServer({}, dataDir, HERE, HOCUSPOCUS_ENTRY);
	const entry = { server, dataDir };
	running.add(entry);
	return entry;
}
async function stop(entry) {
	running.delete(entry);
	await stopServer(entry.server, entry.dataDir);
}

// ── editing loads ──────────────────────────────────────────────────────────────

async function editingLoad(kind, workload, options) {
	const dataDir = freshDir();
	const entry = await start(kind, dataDir);
	try {
		const loadOptions = { ...options, editors: workload.editors, viewers: workload.viewers, boards: 1, crowd: 'light', profile: null };
		const specs = kind === 'roundtable' ? await roundtableSpecs(entry.server.port, loadOptions) : await hocuspocusSpecs(entry.server.port, loadOptions);
		const { result, rows } = await runLoad({ server: entry.server, statsFile: path.join(dataDir, 'server-stats.jsonl'), specs, options: loadOptions });
		const width = Math.max(...rows.map((r) => r[0].length));
		console.log(`\n${NAMES[kind]} — ${workload.title}`);
		for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
		const errors = entry.server.log
			.join('')
			.split('\n')
			.filter((l) => /error|fail|warn/i.test(l));
		if (errors.length) console.log(`  server log: ${errors.slice(0, 5).join(' | ')}`);
		return {
			p50_ms: result.p50_ms,
			p99_ms: result.p99_ms,
			server_cpu_s: result.server_cpu_s,
			postgres_cpu_s: result.postgres_cpu_s,
			rss_mb: result.rss_mb,
			machine_busy_pct: result.machine_busy_pct,
			delivered_pct: result.delivered_pct,
			probe_seen_pct: result.probe_seen_pct,
			closes: result.closes,
			samples: result.samples
		};
	} finally {
		await stop(entry);
		rmSync(dataDir, { recursive: true, force: true });
	}
}

// ── summary ──────────────────────────────────────────────────────────────────────

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? r2(a / b) : null);

function ratiosOf(rt, hp) {
	return {
		p50: ratio(rt.p50_ms, hp.p50_ms),
		p99: ratio(rt.p99_ms, hp.p99_ms),
		cpu: ratio(rt.server_cpu_s, hp.server_cpu_s),
		cpu_with_postgres: ratio(rt.server_cpu_s + rt.postgres_cpu_s, hp.server_cpu_s + hp.postgres_cpu_s),
		rss: ratio(rt.rss_mb, hp.rss_mb)
	};
}

function summaryLine(byWorkload, extra = {}) {
	const ratios = {};
	for (const [w, r] of Object.entries(byWorkload)) ratios[w] = r;
	const max = (key) => {
		const xs = Object.values(ratios)
			.map((r) => r[key])
			.filter((x) => x !== null);
		return xs.length ? Math.max(...xs) : null;
	};
	return {
		workloads: Object.keys(ratios).length,
		p99_ratio_max: max('p99'),
		rss_ratio_max: max('rss'),
		p50_ratio_max: max('p50'),
		cpu_ratio_max: max('cpu'),
		...extra,
		ratios
	};
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	process.setMaxListeners(0);
	process.once('SIGINT', async () => {
		console.error('\ninterrupted: cleaning up');
		for (const entry of [...running]) {
			await stopServer(entry.server, entry.dataDir).catch(() => {});
			rmSync(entry.dataDir, { recursive: true, force: true });
		}
		process.exit(130);
	});
	if (options.build) {
		const { ensureBuild } = await import(path.join(HERE, 'scripts', 'build.js'));
		ensureBuild();
	}
	const hocuspocusVersion = JSON.parse(readFileSync(path.join(HERE, 'node_modules', '@hocuspocus', 'server', 'package.json'), 'utf8')).version;
	log(`${options.runs} run(s) of: ${options.only.join(', ')}; ${options.seconds} s measured per editing load; Node ${process.version}`);

	const results = []; // { run, workload, server, ...figures }
	const runLines = [];
	for (let run = 1; run <= options.runs; run++) {
		// Alternate who goes first, so that a drift of the shared machine does not favour one side.
		const order = run % 2 ? SERVERS : [...SERVERS].reverse();
		const thisRun = {};
		for (const w of options.only) {
			const workload = WORKLOADS[w];
			thisRun[w] = {};
			for (const kind of order) {
				log(`run ${run}: ${NAMES[kind]}, ${workload.title}`);
				let figures;
				for (let attempt = 1; !figures && attempt <= 2; attempt++) {
					try {
						figures = workload.cold ? await coldLoad(kind, options, { start, stop, freshDir, name: NAMES[kind] }) : await editingLoad(kind, workload, options);
					} catch (error) {
						console.error(`run ${run}, ${w}, ${kind} failed (attempt ${attempt}):`, error);
						// build/ is shared: someone else's build may be rewriting it. Wait for it, then try once more.
						for (let i = 0; i < 120 && !existsSync(path.join(HERE, 'build', 'handler.js')); i++) await sleep(1000);
						await sleep(5000);
					}
				}
				if (!figures) continue;
				const row = { run, workload: w, server: kind, ...figures };
				results.push(row);
				thisRun[w][kind] = figures;
				if (options.out) appendFileSync(options.out, JSON.stringify(row) + '\n');
				log(
					`run ${run}: ${NAMES[kind]}, ${w}: p50 ${figures.p50_ms} p99 ${figures.p99_ms} ms, server CPU ${figures.server_cpu_s} s, peak RSS ${figures.rss_mb} MB, machine ${figures.machine_busy_pct}% busy`
				);
			}
		}
		const ratios = {};
		for (const [w, r] of Object.entries(thisRun)) if (r.roundtable && r.hocuspocus) ratios[w] = ratiosOf(r.roundtable, r.hocuspocus);
		const line = { run, ...summaryLine(ratios) };
		runLines.push(line);
		console.log(`\nrun ${run}: ${JSON.stringify(line)}`);
	}

	// Medians over runs, spread, ratios of the medians.
	const fmt = (xs, digits = 1) => {
		xs = xs.filter((x) => Number.isFinite(x));
		if (!xs.length) return '—';
		const r = (x) => (Math.round(x * 10 ** digits) / 10 ** digits).toLocaleString('en-US');
		return xs.length === 1 ? r(xs[0]) : `${r(median(xs))} (${r(Math.min(...xs))}–${r(Math.max(...xs))})`;
	};
	const medians = {};
	console.log(
		`\n${options.runs} run(s); ${options.seconds} s measured per editing load (after ${options.warmup} s warm-up), 20 full probes + a lightweight crowd; cold load: ${options.coldRepeats} restart(s) per run, p50 = median and p99 = slowest connect → synced.`
	);
	console.log(
		`Median (min–max) over runs. Roundtable relays only committed updates (fsync on); Hocuspocus ${hocuspocusVersion} relays at once and stores on a debounce (2 s, at most 10 s) — different guarantees.\n`
	);
	console.log('| workload | server | p50 ms | p99 ms | server CPU s | Postgres CPU s | server peak RSS MB | probes saw | machine busy % |');
	console.log('|---|---|---|---|---|---|---|---|---|');
	const byWorkload = {};
	for (const w of options.only) {
		medians[w] = {};
		for (const kind of SERVERS) {
			const rs = results.filter((r) => r.workload === w && r.server === kind);
			if (!rs.length) continue;
			const col = (k, d) =>
				fmt(
					rs.map((r) => r[k]),
					d
				);
			medians[w][kind] = Object.fromEntries(
				['p50_ms', 'p99_ms', 'server_cpu_s', 'postgres_cpu_s', 'rss_mb', 'machine_busy_pct'].map((k) => [k, r2(median(rs.map((r) => r[k])))])
			);
			const seen = WORKLOADS[w].cold ? `${options.cards} cards` : `${col('probe_seen_pct', 0)} %`;
			console.log(
				`| ${WORKLOADS[w].title} | ${NAMES[kind]} | ${col('p50_ms')} | ${col('p99_ms')} | ${col('server_cpu_s', 2)} | ${col('postgres_cpu_s', 2)} | ${col('rss_mb', 0)} | ${seen} | ${col('machine_busy_pct', 0)} |`
			);
		}
		const m = medians[w];
		if (m.roundtable && m.hocuspocus) {
			const r = ratiosOf(m.roundtable, m.hocuspocus);
			byWorkload[w] = r;
			console.log(
				`| ${WORKLOADS[w].title} | **ratio R / H** | **${r.p50}×** | **${r.p99}×** | **${r.cpu}×** (with Postgres ${r.cpu_with_postgres}×) | | **${r.rss}×** | | |`
			);
		}
	}
	const last = summaryLine(byWorkload, { runs: options.runs, seconds: options.seconds, hocuspocus: hocuspocusVersion, node: process.version, medians });
	console.log('');
	console.log(JSON.stringify(last));
	// y-websocket providers wait up to 30 s for the close handshake of sockets whose server is gone.
	process.exit(0);
}

await main();
