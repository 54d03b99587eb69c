#!/usr/bin/env node
// Soak: 200 editors keep editing one board of the built app for 10 minutes (the harness of
// bench/sync.mjs: 20 full probes + a lightweight crowd, members through the app's forms). The
// server's resident memory is sampled every few seconds; start and end are compared and more
// than 10 % growth fails the run (exit 1): a leak to find.
//
//   npm run bench:soak                                  (200 editors, 1 edit/s, 10 min after 60 s warm-up)
//   npm run bench:soak -- --minutes 2 --editors 100     (shorter, smaller)
//
// "Start" is the median VmRSS over the first 30 s of the window (after the warm-up), "end" the
// median over its last 30 s, so that one garbage collection does not decide; the single first
// and last samples, the V8 heap (bench/server-stats.mjs) and the latency are printed beside them.
//
// After the window every client leaves and the server is left alone for `--settle` s (the room
// is unloaded): its heap then says whether anything outlives the document.
//
// Moves: each editor moves its card to another group every `--move-every` edits (30: at one
// edit a second, every person moves a card every 30 s — 6.7 moves a second in the room, a busy
// clustering phase). Each move overwrites two keys of the card's Y.Map, and Yjs keeps every
// overwritten value as a tombstone that cannot merge (~170–200 bytes each in the server's heap,
// kept as long as the board is loaded and stored in its state): moves make the document itself
// grow. `--move-every 4` is bench:sync's stress mix (a move with every fourth edit, 50 moves a
// second for 11 minutes), where that growth alone passes 10 %; `--no-moves` measures the server
// without any document growth.
// `--server hocuspocus`: the same load on bench/hocuspocus-server.mjs, for comparison.
// `--snapshots DIR` (diagnosis): a heap snapshot of the server (through its inspector) as the
// window opens, as it closes and after everyone left, and the objects that grew, by constructor.
// Taking a snapshot pauses the server and leaves its RSS higher: the RSS verdict of such a run
// means little.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startServer, stopServer } from './app.mjs';
import { hocuspocusSpecs, procStatus, r1, roundtableSpecs, runLoad, sleep } from './clients.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
	const options = {
		minutes: 10,
		editors: 200,
		viewers: 0,
		warmup: 60,
		rate: 1,
		every: 5,
		limit: 10,
		probes: 20,
		threads: 1,
		build: true,
		snapshots: null,
		settle: 45,
		server: 'roundtable',
		moves: true,
		'move-every': 30
	};
	for (let i = 0; i < argv.length; i++) {
		const key = argv[i].replace(/^--/, '');
		if (key === 'no-build') options.build = false;
		else if (key === 'no-moves') options.moves = false;
		else if (key === 'snapshots') options.snapshots = path.resolve(argv[++i]);
		else if (key === 'server') {
			options.server = argv[++i];
			if (!['roundtable', 'hocuspocus'].includes(options.server)) throw new Error('--server roundtable|hocuspocus');
		} else if (key === 'help') {
			console.log(
				'usage: node bench/soak.mjs [--minutes M=10] [--editors N=200] [--viewers N=0] [--warmup S=60] [--rate R=1] [--every S=5 (RSS sample interval)] [--limit PCT=10]\n' +
					'       [--settle S=45 (after everyone left)] [--snapshots DIR] [--server roundtable|hocuspocus (the peer of bench:compare)]\n' +
					"       [--move-every N=30 (edits between two moves of a card; 4 = bench:sync's mix)] [--no-moves (text edits only: no card moves, whose tombstones make the document itself grow)] [--no-build]"
			);
			process.exit(0);
		} else if (key in options) options[key] = Number(argv[++i]);
		else throw new Error(`unknown option ${argv[i]} (try --help)`);
	}
	return options;
}

const median = (xs) => {
	const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The server's inspector (opened with SIGUSR1 on the port startServer's `profile` option chose). */
async function openInspector(server) {
	const url = await new Promise((resolve, reject) => {
		server.child.once('inspector', resolve);
		setTimeout(() => reject(new Error('the server opened no inspector')), 10_000);
		process.kill(server.child.pid, 'SIGUSR1');
	});
	const ws = new WebSocket(url, { maxPayload: 2 ** 30 });
	await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
	let id = 0;
	let chunks = [];
	const pending = new Map();
	ws.on('message', (data) => {
		const msg = JSON.parse(data.toString());
		if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(msg.params.chunk);
		else if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg.result);
	});
	const call = (method, params = {}) =>
		new Promise((resolve) => {
			pending.set(++id, resolve);
			ws.send(JSON.stringify({ id, method, params }));
		});
	return {
		snapshot: async (file) => {
			chunks = [];
			await call('HeapProfiler.collectGarbage');
			await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
			writeFileSync(file, chunks.join(''));
			chunks = [];
		},
		close: () => ws.close()
	};
}

/** Live objects of a .heapsnapshot by constructor (objects, closures) or kind (the rest): count and bytes. */
function heapByConstructor(file) {
	const snap = JSON.parse(readFileSync(file, 'utf8'));
	const fields = snap.snapshot.meta.node_fields;
	const types = snap.snapshot.meta.node_types[0];
	const n = fields.length;
	const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
	const out = new Map();
	for (let i = 0; i < snap.nodes.length; i += n) {
		const type = types[snap.nodes[i + iType]];
		const name =
			type === 'object' || type === 'closure'
				? snap.strings[snap.nodes[i + iName]]
				: type === 'array' || type === 'native'
					? `(${type}) ${snap.strings[snap.nodes[i + iName]]}`
					: `(${type})`;
		const a = out.get(name) ?? { count: 0, bytes: 0 };
		a.count++;
		a.bytes += snap.nodes[i + iSize];
		out.set(name, a);
	}
	return out;
}

function heapGrowth(before, after, top = 25) {
	const rows = [];
	for (const [name, a] of after) {
		const b = before.get(name) ?? { count: 0, bytes: 0 };
		rows.push({ name, count: a.count - b.count, bytes: a.bytes - b.bytes, countAfter: a.count });
	}
	const total = (m) => [...m.values()].reduce((s, a) => s + a.bytes, 0);
	const lines = [`live heap (after a full GC): ${r1(total(before) / 2 ** 20)} MB → ${r1(total(after) / 2 ** 20)} MB; what grew most:`];
	for (const r of rows.sort((x, y) => y.bytes - x.bytes).slice(0, top)) {
		lines.push(
			`  ${(r.bytes >= 0 ? '+' : '') + r1(r.bytes / 2 ** 20)} MB`.padEnd(14) +
				`${(r.count >= 0 ? '+' : '') + r.count.toLocaleString('en-US')} (now ${r.countAfter.toLocaleString('en-US')})`.padEnd(30) +
				r.name.slice(0, 100)
		);
	}
	return lines.join('\n');
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	process.setMaxListeners(0);
	if (options.build) (await import(path.join(HERE, 'scripts', 'build.js'))).ensureBuild();
	const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-soak-'));
	chmodSync(dataDir, 0o755);
	const statsFile = path.join(dataDir, 'server-stats.jsonl');
	let server = null;
	const track = { mainSet: null, workers: [] };
	const cleanup = async () => {
		track.mainSet?.close();
		for (const w of track.workers) await w.terminate().catch(() => {});
		if (server) await stopServer(server, dataDir).catch((e) => console.error(e));
		server = null;
		rmSync(dataDir, { recursive: true, force: true });
	};
	process.once('SIGINT', async () => {
		console.error('\ninterrupted: cleaning up');
		await cleanup();
		process.exit(130);
	});
	const t0 = Date.now();
	const log = (m) => console.error(`[soak ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
	try {
		if (options.snapshots) mkdirSync(options.snapshots, { recursive: true });
		// `profile` makes startServer give the server a free inspector port (opened later by SIGUSR1).
		server =
			options.server === 'roundtable'
				? await startServer({ profile: options.snapshots }, dataDir)
				: await startServer({ profile: options.snapshots }, dataDir, HERE, path.join(HERE, 'bench', 'hocuspocus-server.mjs'));
		log(`server pid ${server.child.pid} on port ${server.port}`);
		const loadOptions = {
			editors: options.editors,
			viewers: options.viewers,
			boards: 1,
			rate: options.rate,
			seconds: options.minutes * 60,
			warmup: options.warmup,
			probes: options.probes,
			threads: options.threads,
			crowd: options.editors + options.viewers > 100 ? 'light' : 'full',
			profile: null,
			rssEveryMs: options.every * 1000
		};
		const specs = options.server === 'roundtable' ? await roundtableSpecs(server.port, loadOptions, log) : await hocuspocusSpecs(server.port, loadOptions, log);
		// Without groups to move to, an edit only rewrites the card's text (whose tombstones merge).
		if (!options.moves) for (const spec of specs) spec.groups = [];
		for (const spec of specs) spec.moveEvery = options['move-every'];
		// Progress once a minute (the run is long): the server's RSS and heap now.
		const progress = setInterval(() => {
			try {
				const lines = readFileSync(statsFile, 'utf8').trim().split('\n');
				const last = JSON.parse(lines[lines.length - 1]);
				const rss = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] / 1024;
				log(`server RSS ${r1(rss)} MB, heap ${r1(last.heap_mb)} MB, CPU ${r1(last.cpu_pct)} % in the last second`);
			} catch {}
		}, 60_000);
		let run;
		let inspector = null;
		const snapshotFiles = options.snapshots ? ['start', 'end', 'left'].map((w) => path.join(options.snapshots, `server-${w}-${Date.now()}.heapsnapshot`)) : [];
		const snapshot = (i) => async () => {
			inspector ??= await openInspector(server);
			const started = Date.now();
			await inspector.snapshot((snapshotFiles[i] = snapshotFiles[i].replace(/\d+\.heapsnapshot$/, `${Date.now()}.heapsnapshot`)));
			log(`heap snapshot ${snapshotFiles[i]} (${r1((Date.now() - started) / 1000)} s)`);
		};
		try {
			run = await runLoad({
				server,
				statsFile,
				specs,
				options: loadOptions,
				log,
				track,
				hooks: options.snapshots ? { windowStart: snapshot(0), windowEnd: snapshot(1) } : {}
			});
			// Everyone leaves; the room is unloaded (Roundtable: 30 s after its last connection, after
			// compacting; Hocuspocus: at once). What the server still holds then is not the document's.
			log(`every client left; waiting ${options.settle} s`);
			await sleep(options.settle * 1000);
			if (options.snapshots) await snapshot(2)();
		} finally {
			clearInterval(progress);
			inspector?.close();
		}
		const settledStats = readFileSync(statsFile, 'utf8')
			.trim()
			.split('\n')
			.slice(-5)
			.map((l) => JSON.parse(l));
		const heapLeft = median(settledStats.map((x) => x.heap_mb));
		const rssLeft = procStatus(server.child.pid, 'VmRSS');
		const { result, rows, rssSeries } = run;
		const windowS = loadOptions.seconds;
		const first = rssSeries.filter((s) => s.t_s <= 30).map((s) => s.rss_mb);
		const lastSamples = rssSeries.filter((s) => s.t_s >= windowS - 30).map((s) => s.rss_mb);
		const rssStart = median(first);
		const rssEnd = median(lastSamples);
		const growth = (100 * (rssEnd - rssStart)) / rssStart;
		// The V8 heap, from the server's own once-a-second line, over the same stretches.
		const stats = readFileSync(statsFile, 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const windowStartT = run.window.from;
		const windowEndT = run.window.to;
		const heapAt = (from, to) => median(stats.filter((s) => s.t >= from && s.t < to).map((s) => s.heap_mb));
		const heapStart = heapAt(windowStartT, windowStartT + 30_000);
		const heapEnd = heapAt(windowEndT - 30_000, windowEndT);
		const width = Math.max(...rows.map((r) => r[0].length));
		console.log('');
		for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
		console.log('');
		console.log(`server RSS over ${options.minutes} min (every ${options.every} s):`);
		const perMinute = [];
		for (let m = 0; m <= options.minutes; m++) {
			const near = rssSeries.reduce((best, s) => (Math.abs(s.t_s - m * 60) < Math.abs((best?.t_s ?? Infinity) - m * 60) ? s : best), null);
			if (near) perMinute.push(`${m} min ${near.rss_mb}`);
		}
		console.log(`  ${perMinute.join(' · ')} MB`);
		console.log(
			`  start (median of the first 30 s) ${r1(rssStart)} MB (first sample ${rssSeries[0]?.rss_mb}), end (median of the last 30 s) ${r1(rssEnd)} MB (last sample ${rssSeries[rssSeries.length - 1]?.rss_mb}); growth ${r1(growth)} % (limit ${options.limit} %)`
		);
		console.log(`  V8 heap used: ${r1(heapStart)} MB → ${r1(heapEnd)} MB; server peak RSS (VmHWM) ${result.rss_mb} MB`);
		console.log(`  ${options.settle} s after every client left (room unloaded): heap used ${r1(heapLeft)} MB, RSS ${r1(rssLeft)} MB`);
		const verdict = growth > options.limit ? 'FAIL' : 'ok';
		console.log(`  ${verdict === 'ok' ? 'no leak beyond the limit' : `RSS grew by more than ${options.limit} %: a leak to find`}`);
		const line = {
			server: options.server,
			moves: options.moves ? options['move-every'] : 0,
			minutes: options.minutes,
			clients: result.clients,
			editors: result.editors,
			rss_start_mb: r1(rssStart),
			rss_end_mb: r1(rssEnd),
			growth_pct: r1(growth),
			heap_start_mb: r1(heapStart),
			heap_end_mb: r1(heapEnd),
			heap_after_leave_mb: r1(heapLeft),
			rss_after_leave_mb: r1(rssLeft),
			rss_peak_mb: result.rss_mb,
			p50_ms: result.p50_ms,
			p99_ms: result.p99_ms,
			delivered_pct: result.delivered_pct,
			server_cpu_pct: result.server_cpu_pct,
			machine_busy_pct: result.machine_busy_pct,
			closes: result.closes,
			verdict
		};
		await cleanup();
		if (options.snapshots) {
			console.log('');
			const [atStart, atEnd, afterLeave] = snapshotFiles.map(heapByConstructor);
			console.log(`server heap, window start → end (${snapshotFiles.slice(0, 2).join(', ')}):`);
			console.log(heapGrowth(atStart, atEnd));
			console.log(`\nserver heap, window start → ${options.settle} s after every client left (${snapshotFiles[2]}):`);
			console.log(heapGrowth(atStart, afterLeave, 12));
			line.snapshots = snapshotFiles;
		}
		console.log(JSON.stringify(line));
		process.exit(verdict === 'ok' ? 0 : 1);
	} catch (error) {
		console.error(error);
		if (server) console.error(server.log.join('').slice(-3000));
		await cleanup();
		process.exit(2);
	}
}

await main();
