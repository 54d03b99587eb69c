// What the benchmarks share: the built app as a child process with its own data directory,
// and HTTP as a browser does it (forms with an Origin header, session cookies).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import WebSocket from 'ws';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the built app (`root`/server/index.js) on a free loopback port with its own data
 * directory; `options.profile` opens the inspector later for a window-only CPU profile.
 * `entry` runs another server script the same way (bench/hocuspocus-server.mjs): it must print
 * "listening on http://localhost:<port>" and keep its Postgres in <dataDir>/postgres.
 */
export async function startServer(options, dataDir, root = HERE, entry = path.join(root, 'server', 'index.js')) {
	// WORKSHOP_CREATE_LIMIT: a bench creates its workshops from one address, far faster than people do.
	const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'false', ORIGIN: '', WORKSHOP_CREATE_LIMIT: '1000000' };
	delete env.ORIGIN;
	delete env.DATABASE_URL;
	delete env.REDIS_URL;
	// Once a second, the server's event-loop delay and CPU (bench/server-stats.mjs).
	env.BENCH_SERVER_STATS = path.join(dataDir, 'server-stats.jsonl');
	// --instances: REDIS_URL, and DATABASE_URL for all but the first (startInstances).
	Object.assign(env, options.env ?? {});
	env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${path.join(HERE, 'bench', 'server-stats.mjs')}`.trim();
	// --profile: the inspector is opened later (SIGUSR1) on a free port, to profile the window only.
	const flags = [];
	if (options.profile) {
		mkdirSync(options.profile, { recursive: true });
		flags.push('--inspect-port=0');
	}
	const child = spawn(process.execPath, [...flags, entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const log = [];
	const port = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the server did not start within 120 s:\n${log.join('')}`)), 120_000);
		const onData = (chunk) => {
			const text = chunk.toString();
			log.push(text);
			const m = /listening on http:\/\/localhost:(\d+)/.exec(text);
			if (m) {
				clearTimeout(timer);
				resolve(Number(m[1]));
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (chunk) => {
			log.push(chunk.toString());
			const m = /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString());
			if (m) child.emit('inspector', m[1]);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the server exited (${code}) before listening:\n${log.join('')}`));
		});
	});
	return { child, port, log };
}

/**
 * `--instances N` (N > 1): a redis-server on a free loopback port (nothing on disk), then N app
 * processes sharing one database through it: the first owns the embedded Postgres in
 * `dataDir`, the others use it through DATABASE_URL. Each has its own stats file
 * (`server-stats-<i>.jsonl`). Returns the first instance's shape (`child`, `port`, `log`) plus
 * `instances` (all of them) and `redis` ({ child, port }).
 */
export async function startInstances(options, dataDir, root = HERE) {
	const redisPort = await freePort();
	const redis = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe']
	});
	await new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
		redis.stdout.on('data', (chunk) => {
			output += chunk;
			if (output.includes('Ready to accept connections')) {
				clearTimeout(timer);
				resolve();
			}
		});
		redis.once('error', reject);
		redis.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}):\n${output}`))));
	});
	const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
	const stop = async (started) => {
		// The others first: the first instance owns the embedded Postgres.
		for (const [i, s] of [...started.entries()].reverse()) await stopServer(s, i === 0 ? dataDir : null).catch(() => {});
		redis.kill('SIGKILL');
	};
	const started = [];
	try {
		const first = await startServer({ ...options, env: { ...env, BENCH_SERVER_STATS: path.join(dataDir, 'server-stats-1.jsonl') } }, dataDir, root);
		started.push(first);
		const pg = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
		// the cluster's own password (src/lib/server/db/embedded.ts, PASSWORD_FILE)
		const password = readFileSync(path.join(dataDir, 'postgres', 'roundtable-password'), 'utf8').trim();
		const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pg}/postgres`;
		for (let i = 2; i <= options.instances; i++) {
			started.push(
				await startServer(
					{ ...options, profile: null, env: { ...env, DATABASE_URL: databaseUrl, BENCH_SERVER_STATS: path.join(dataDir, `server-stats-${i}.jsonl`) } },
					dataDir,
					root
				)
			);
		}
	} catch (error) {
		await stop(started);
		throw error;
	}
	const [first] = started;
	return {
		...first,
		instances: started.map((s, i) => ({ ...s, statsFile: path.join(dataDir, `server-stats-${i + 1}.jsonl`) })),
		redis: { child: redis, port: redisPort },
		stopAll: () => stop([...started])
	};
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export async function stopServer(server, dataDir) {
	if (server.stopAll) return server.stopAll();
	const { child } = server;
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
	if (!done) {
		child.kill('SIGKILL');
		await exited;
	}
	// A postmaster left behind by a killed server: ours, named in its pid file.
	const pidFile = dataDir ? path.join(dataDir, 'postgres', 'postmaster.pid') : '';
	if (pidFile && existsSync(pidFile)) {
		const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
		if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) {
			try {
				process.kill(pid, 'SIGINT');
			} catch {}
			for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await sleep(50);
		}
	}
}

// HTTP as a browser does it: forms, the Origin header, cookies from Set-Cookie.

export function setCookie(response) {
	const cookies = response.headers.getSetCookie?.() ?? [];
	for (const c of cookies) {
		const m = /^(rt_[0-9a-f]{32})=([^;]+)/.exec(c);
		if (m) return `${m[1]}=${m[2]}`;
	}
	return null;
}

export function sessionOf(cookie) {
	const token = cookie.split('=')[1];
	return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

export async function postForm(base, pathName, fields, cookie) {
	const response = await fetch(`${base}${pathName}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
		body: new URLSearchParams(fields)
	});
	await response.arrayBuffer();
	if (response.status !== 303 && response.status !== 200) throw new Error(`POST ${pathName}: ${response.status}`);
	return response;
}

/** devalue's flattened form (SvelteKit's __data.json), for plain objects, arrays and primitives. */
export function unflatten(values) {
	const done = new Map();
	const hydrate = (i) => {
		if (i < 0) return undefined;
		if (done.has(i)) return done.get(i);
		const v = values[i];
		let out = v;
		if (Array.isArray(v)) out = v.map(hydrate);
		else if (v && typeof v === 'object') {
			out = {};
			for (const [k, j] of Object.entries(v)) out[k] = hydrate(j);
		}
		done.set(i, out);
		return out;
	};
	return hydrate(0);
}

export async function createWorkshop(base, index) {
	const response = await postForm(base, '/new', {
		title: `Bench workshop ${index + 1}`,
		startsOn: '',
		venue: 'Benchmark',
		language: 'en',
		template: 'workgroups',
		facilitatorName: `Facilitator ${index + 1}`
	});
	const cookie = setCookie(response);
	if (!cookie) throw new Error('POST /new set no session cookie');
	const { wid } = sessionOf(cookie);
	const data = await (await fetch(`${base}/w/${wid}/__data.json`, { headers: { cookie } })).json();
	const page = data.nodes.map((n) => (n?.type === 'data' ? unflatten(n.data) : null)).find((n) => n?.workshop);
	if (!page) throw new Error('the workshop page carried no data');
	return { id: wid, cookie, joinCode: page.workshop.joinCode, boards: page.boards.map((b) => b.id) };
}

export async function join(base, code, name, organisation, observer) {
	const fields = { name, organisation };
	if (observer) fields.observer = 'on';
	const cookie = setCookie(await postForm(base, `/j/${code}`, fields));
	if (!cookie) throw new Error(`joining ${code} set no cookie`);
	return { cookie, memberId: sessionOf(cookie).sub };
}

/**
 * CPU profile of the server over the measured window only: SIGUSR1 opens its inspector,
 * the Profiler domain samples until `stop()`.
 */
export async function startProfiler(server) {
	const url = await new Promise((resolve, reject) => {
		server.child.once('inspector', resolve);
		setTimeout(() => reject(new Error('the server opened no inspector')), 10_000);
		process.kill(server.child.pid, 'SIGUSR1');
	});
	const ws = new WebSocket(url);
	await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
	let id = 0;
	const pending = new Map();
	ws.on('message', (data) => {
		const msg = JSON.parse(data.toString());
		if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg.result);
	});
	const call = (method, params = {}) =>
		new Promise((resolve) => {
			pending.set(++id, resolve);
			ws.send(JSON.stringify({ id, method, params }));
		});
	await call('Profiler.enable');
	await call('Profiler.setSamplingInterval', { interval: 500 });
	await call('Profiler.start');
	return {
		stop: async () => {
			const { profile } = await call('Profiler.stop');
			ws.close();
			return profile;
		}
	};
}

/** The profile's top functions by self and total time, printed and written next to it. */
export function summariseProfile(file) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const keyOf = (node) => {
		const { functionName, url, lineNumber } = node.callFrame;
		return `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/build\//, 'build/')}:${lineNumber + 1}`;
	};
	const self = new Map();
	const inclusive = new Map();
	const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = profile.timeDeltas[i] ?? 0;
		const node = byId.get(profile.samples[i]);
		self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + dt);
		const seen = new Set();
		for (let id = node.id; id !== undefined; id = parent.get(id)) {
			const n = byId.get(id);
			if (n.callFrame.functionName === '(root)') break;
			const k = keyOf(n);
			if (seen.has(k)) continue;
			seen.add(k);
			inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
		}
	}
	const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5);
	const out = [`server profile of the window: ${file} (${(total / 1e6).toFixed(1)} s sampled)`, 'self time:'];
	for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) out.push(`${pct(us)}%  ${k}`);
	out.push('total time (the sync server and what it calls):');
	const interesting = /build\/|yjs|y-protocols|lib0|postgres\/|ws\/lib|writev|JSON/;
	for (const [k, us] of [...inclusive]
		.filter(([k]) => interesting.test(k))
		.sort((a, b) => b[1] - a[1])
		.slice(0, 30))
		out.push(`${pct(us)}%  ${k}`);
	writeFileSync(`${file}.top.txt`, out.join('\n') + '\n');
	console.log(out.join('\n'));
}
