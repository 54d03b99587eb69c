#!/usr/bin/env node
// Edit-to-peer latency of the live-board sync server, measured against the real, built app.
//
//   npm run bench:sync -- --editors 200                       (one board, 200 editors at 1 edit/s)
//   npm run bench:sync -- --editors 300 --viewers 700         (one board, 1,000 connections)
//   npm run bench:sync -- --boards 200 --editors 25           (200 boards × 25 editors; per board)
//   npm run bench:sync -- --editors 200 --instances 2         (two app instances sharing rooms through Redis)
//
// The server (`node server/index.js`: SvelteKit + sync server + embedded Postgres) runs in its
// own process; every client runs in this one. Workshops and members are created through the
// app's own HTTP forms, exactly as browsers do, and each member connects with its own session
// cookie. See bench/README.md for what the numbers mean.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInstances, startServer as startApp, stopServer, summariseProfile } from './app.mjs';
import { roundtableSpecs, runLoad } from './clients.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The app under test (--app DIR compares another checkout's build in the same harness).
let ROOT = HERE;

// The clients, the crowd threads and the measured window are in bench/clients.mjs and the
// modules it re-exports (shared with bench/compare.mjs and bench/soak.mjs).

// ── main thread: server, setup over HTTP, probes, report ───────────────────────

function parseArgs(argv) {
	const options = {
		editors: 200,
		viewers: 0,
		boards: 1,
		rate: 1,
		seconds: 30,
		warmup: 3,
		probes: 20,
		crowd: 'auto',
		threads: 1,
		probeThreads: 4,
		build: true,
		profile: null,
		samples: null,
		label: '',
		instances: 1
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const key = arg.replace(/^--/, '');
		const value = () => argv[++i];
		switch (key) {
			case 'editors':
			case 'viewers':
			case 'boards':
			case 'rate':
			case 'seconds':
			case 'warmup':
			case 'probes':
			case 'threads':
			case 'instances':
				options[key] = Number(value());
				break;
			case 'probe-threads':
				options.probeThreads = Number(value());
				break;
			case 'crowd':
				options.crowd = value();
				break;
			case 'full':
				options.crowd = 'full';
				break;
			case 'light':
				options.crowd = 'light';
				break;
			case 'no-build':
				options.build = false;
				break;
			case 'profile':
				options.profile = path.resolve(value());
				break;
			case 'label':
				options.label = value();
				break;
			case 'app':
				options.app = path.resolve(value());
				break;
			case 'samples':
				options.samples = path.resolve(value());
				break;
			case 'help':
				console.log(
					'usage: node bench/sync.mjs [--editors N=200 (per board)] [--viewers N=0 (per board)] [--boards N=1] [--rate R=1 edits/s/editor]\n' +
						'       [--seconds S=30] [--warmup S=3] [--probes P=20] [--crowd auto|full|light] [--threads T=1 crowd threads]\n' +
						'       [--probe-threads T=4 (threads the probes share; 0: the main thread)]\n' +
						'       [--no-build] [--profile DIR (CPU profile of the server over the window)] [--samples FILE.csv (every latency sample)]\n' +
						'       [--app DIR (another checkout, built, to compare in the same harness)] [--label TEXT]\n' +
						'       [--instances N=1 (N app processes on one database, sharing rooms through a redis-server; clients spread round-robin)]'
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${arg} (try --help)`);
		}
	}
	if (!Number.isInteger(options.instances) || options.instances < 1) throw new Error('--instances takes a whole number ≥ 1');
	if (options.crowd === 'auto') options.crowd = options.boards * (options.editors + options.viewers) > 100 ? 'light' : 'full';
	return options;
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	// every y-websocket provider adds a process 'exit' listener
	process.setMaxListeners(0);
	if (options.app) ROOT = options.app;
	if (options.build) {
		const { ensureBuild } = await import(path.join(ROOT, 'scripts', 'build.js'));
		ensureBuild();
	}
	const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-bench-'));
	// As root, embedded Postgres runs as `postgres`, which must be able to enter this directory.
	chmodSync(dataDir, 0o755);
	let server = null;
	const track = { mainSet: null, workers: [] };
	const cleanup = async () => {
		track.mainSet?.close();
		for (const w of track.workers) await w.terminate().catch(() => {});
		if (server) await stopServer(server, dataDir).catch((e) => console.error(e));
		rmSync(dataDir, { recursive: true, force: true });
	};
	let interrupted = false;
	process.once('SIGINT', async () => {
		interrupted = true;
		console.error('\ninterrupted: cleaning up');
		await cleanup();
		process.exit(130);
	});

	try {
		const t0 = Date.now();
		server = options.instances > 1 ? await startInstances(options, dataDir, ROOT) : await startApp(options, dataDir, ROOT);
		const base = `http://127.0.0.1:${server.port}`;
		const log = (m) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
		if (server.instances)
			log(
				`${server.instances.length} instances (pids ${server.instances.map((i) => i.child.pid).join(', ')}; ports ${server.instances.map((i) => i.port).join(', ')}) sharing rooms through redis-server pid ${server.redis.child.pid}`
			);
		else log(`server pid ${server.child.pid} on ${base}`);

		const specs = await roundtableSpecs(server.port, options, log);
		if (server.instances) {
			// Round-robin by the member's index on its board: each board's editors, viewers and
			// probes are spread evenly over the instances.
			for (const spec of specs) {
				const instance = server.instances[spec.index % server.instances.length];
				spec.instance = spec.index % server.instances.length;
				spec.instances = server.instances.length;
				spec.baseUrl = `ws://127.0.0.1:${instance.port}/sync`;
				spec.url = `${spec.baseUrl}/${spec.docName}`;
			}
		}
		const { result, rows, profile, samples } = await runLoad({ server, statsFile: path.join(dataDir, 'server-stats.jsonl'), specs, options, log, track });
		if (options.label) result.label = options.label;
		if (options.samples) {
			writeFileSync(options.samples, samples.csv());
			// the server's event-loop delay and CPU, second by second, beside the samples
			try {
				writeFileSync(`${options.samples}.server.jsonl`, readFileSync(path.join(dataDir, 'server-stats.jsonl')));
			} catch {}
		}

		const width = Math.max(...rows.map((r) => r[0].length));
		console.log('');
		for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
		const serverErrors = server.log
			.join('')
			.split('\n')
			.filter((l) => /error|fail/i.test(l));
		if (serverErrors.length) console.log(`server log: ${serverErrors.slice(0, 5).join(' | ')}`);
		await cleanup();
		server = null;
		if (profile) {
			const file = path.join(options.profile, `server-${options.boards}x${options.editors}+${options.viewers}-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(profile));
			summariseProfile(file);
		}
		console.log(JSON.stringify(result));
	} catch (error) {
		if (!interrupted) {
			console.error(error);
			if (server) console.error(server.log.join('').slice(-3000));
			await cleanup();
			process.exit(1);
		}
	}
}

await main();
