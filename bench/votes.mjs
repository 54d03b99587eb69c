#!/usr/bin/env node
// Voting under a burst, against the real, built app:
//
//   npm run bench:votes                     (500 members, 100 options, all cast within one second)
//   npm run bench:votes -- --members 1000 --options 50 --spread 1000 --recast 100
//
// Members join through the app's join form; a facilitator fills a board with cards over the
// sync websocket and opens a dot-voting round through the board page's form action; every member
// then casts through the same action a browser's `enhance` uses, all within --spread ms. Then
// --recast of them change their ballot (it must replace, not add). The facilitator closes and
// reveals the round, and the published results are checked against every ballot sent: each
// member's last ballot stored exactly once, per organisation, mark by mark. Finally the tally
// (src/lib/domain/voting/tally.ts) is timed for those ballots. Last line: one JSON object.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import ts from 'typescript';
import { createWorkshop, join, sessionOf, sleep, startProfiler, startServer, stopServer, summariseProfile, unflatten } from './app.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
	const o = { members: 500, options: 100, organisations: 12, spread: 1000, recast: 100, dots: 5, maxPerOption: 3, tallyRuns: 30, profile: '' };
	for (let i = 0; i < argv.length; i++) {
		const key = argv[i].replace(/^--/, '');
		if (key === 'help') {
			console.log(
				'options: --members N --options N --organisations N --spread MS --recast N --dots N --max-per-option N --tally-runs N --profile DIR (CPU profile of the server during the burst)'
			);
			process.exit(0);
		}
		const name = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		if (!(name in o)) throw new Error(`unknown option --${key}`);
		o[name] = name === 'profile' ? path.resolve(argv[++i]) : Number(argv[++i]);
	}
	return o;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const median = (xs) =>
	percentile(
		[...xs].sort((a, b) => a - b),
		50
	);
const r1 = (x) => Math.round(x * 10) / 10;

/** The board page's form actions, as `use:enhance` posts them. */
async function action(base, pathName, name, fields, cookie) {
	const response = await fetch(`${base}${pathName}?/${name}`, {
		method: 'POST',
		headers: { origin: base, accept: 'application/json', 'x-sveltekit-action': 'true', cookie },
		body: new URLSearchParams(fields)
	});
	const body = await response.json().catch(() => null);
	return { status: response.status, type: body?.type, data: body?.data ? unflatten(JSON.parse(body.data)) : null };
}

async function pageData(base, pathName, cookie, key) {
	const data = await (await fetch(`${base}${pathName}/__data.json`, { headers: { cookie } })).json();
	return data.nodes.map((n) => (n?.type === 'data' ? unflatten(n.data) : null)).find((n) => n && key in n);
}

/** Cards written over the sync websocket, as the board page does (the server checks their author). */
async function fillBoard(base, boardId, cookie, count, authorName) {
	const { sub: memberId } = sessionOf(cookie);
	const doc = new Y.Doc();
	class CookieSocket extends WebSocket {
		constructor(url, protocols) {
			super(url, protocols, { headers: { cookie, origin: base } });
		}
	}
	const provider = new WebsocketProvider(`${base.replace('http', 'ws')}/sync`, `board/${boardId}`, doc, { WebSocketPolyfill: CookieSocket, disableBc: true });
	await new Promise((resolve) => provider.once('sync', resolve));
	doc.transact(() => {
		for (let i = 0; i < count; i++) {
			const card = new Y.Map();
			card.set('text', new Y.Text(`Priority ${i + 1}: ${['skills', 'exports', 'energy', 'mobility', 'data'][i % 5]} programme`));
			card.set('author', memberId);
			card.set('authorName', authorName);
			card.set('organisation', '');
			card.set('colour', 'yellow');
			card.set('group', '');
			card.set('order', i + 1);
			card.set('createdAt', Date.now());
			doc.getMap('cards').set(`card-${String(i).padStart(4, '0')}`, card);
		}
	});
	// Committed and relayed: another read of the page sees them.
	for (let i = 0; i < 100 && provider.wsconnected; i++) {
		await sleep(50);
		if (provider.ws?.bufferedAmount === 0) break;
	}
	await sleep(500);
	provider.destroy();
	doc.destroy();
}

/** A random valid dot ballot: `dots` dots, at most `max` on one option. */
function randomBallot(optionIds, dots, max) {
	const on = new Map();
	let left = dots;
	while (left > 0) {
		const id = optionIds[Math.floor(Math.random() * optionIds.length)];
		const here = on.get(id) ?? 0;
		if (here >= max) continue;
		on.set(id, here + 1);
		left--;
	}
	return [...on].map(([option, value]) => ({ option, criterion: 0, value }));
}

/** The tally modules, transpiled as they are (no bundler), to time them in this process. */
async function loadTally() {
	const dir = mkdtempSync(path.join(tmpdir(), 'roundtable-tally-'));
	for (const name of ['tally', 'rules', 'types']) {
		const source = readFileSync(path.join(ROOT, 'src', 'lib', 'domain', 'voting', `${name}.ts`), 'utf8');
		const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } });
		writeFileSync(path.join(dir, `${name}.mjs`), out.outputText.replace(/from '\.\/(\w+)'/g, "from './$1.mjs'"));
	}
	const mod = await import(pathToFileURL(path.join(dir, 'tally.mjs')).href);
	return { ...mod, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function main() {
	const o = parseArgs(process.argv.slice(2));
	const { ensureBuild } = await import(path.join(ROOT, 'scripts', 'build.js'));
	ensureBuild();
	const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-votes-'));
	chmodSync(dataDir, 0o755);
	let server;
	const cleanup = async () => {
		if (server) await stopServer(server, dataDir).catch((e) => console.error(e));
		rmSync(dataDir, { recursive: true, force: true });
	};
	process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
	try {
		server = await startServer({ profile: o.profile || undefined }, dataDir);
		const base = `http://127.0.0.1:${server.port}`;
		const workshop = await createWorkshop(base, 0);
		const board = workshop.boards[0];
		const boardPath = `/w/${workshop.id}/b/${board}`;

		const t0 = performance.now();
		const members = [];
		for (let i = 0; i < o.members; i += 50) {
			const batch = Array.from({ length: Math.min(50, o.members - i) }, (_, j) => i + j);
			members.push(
				...(await Promise.all(
					batch.map(async (k) => ({
						...(await join(base, workshop.joinCode, `Member ${k + 1}`, `Organisation ${(k % o.organisations) + 1}`)),
						organisation: `Organisation ${(k % o.organisations) + 1}`
					}))
				))
			);
		}
		const joinS = (performance.now() - t0) / 1000;
		// signed as the facilitator's member row has it (bench/app.mjs names the first one so), or the server refuses the cards
		await fillBoard(base, board, workshop.cookie, o.options, 'Facilitator 1');
		const opened = await action(
			base,
			boardPath,
			'openRound',
			{
				title: 'Bench round',
				method: 'dots',
				source: 'cards',
				dots: String(o.dots),
				maxPerOption: String(o.maxPerOption),
				anonymous: 'on',
				weighting: 'organisation'
			},
			workshop.cookie
		);
		if (opened.type !== 'success') throw new Error(`opening the round failed: ${JSON.stringify(opened)}`);
		const { rounds } = await pageData(base, boardPath, workshop.cookie, 'rounds');
		const round = rounds.find((r) => r.status === 'open');
		if (round.options.length !== o.options) throw new Error(`the round has ${round.options.length} options, expected ${o.options}`);
		const optionIds = round.options.map((x) => x.id);

		// The burst: every member casts once, all within `spread` ms.
		const last = new Map();
		const cast = async (member, delay) => {
			await sleep(delay);
			const ballot = randomBallot(optionIds, o.dots, o.maxPerOption);
			const start = performance.now();
			const r = await action(base, boardPath, 'vote', { round: round.id, marks: JSON.stringify(ballot) }, member.cookie);
			const ms = performance.now() - start;
			if (r.type === 'success') last.set(member.memberId, { organisation: member.organisation, ballot });
			return { ms, ok: r.type === 'success', error: r.data?.errors?.form ?? (r.type === 'success' ? null : `HTTP ${r.status}`) };
		};
		const profiler = o.profile ? await startProfiler(server) : null;
		const burstStart = performance.now();
		const results = await Promise.all(members.map((m, i) => cast(m, (i / members.length) * o.spread)));
		const burstS = (performance.now() - burstStart) / 1000;
		const recasts = await Promise.all(members.slice(0, o.recast).map((m, i) => cast(m, (i / Math.max(1, o.recast)) * 200)));
		if (profiler) {
			const file = path.join(o.profile, `votes-${o.members}-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(await profiler.stop()));
			summariseProfile(file);
		}
		const failures = [...results, ...recasts].filter((r) => !r.ok);
		const latencies = results.map((r) => r.ms).sort((a, b) => a - b);

		// Close, reveal, and read what everyone is shown.
		for (const name of ['closeRound', 'revealRound']) {
			const r = await action(base, boardPath, name, { round: round.id }, workshop.cookie);
			if (r.type !== 'success') throw new Error(`${name} failed: ${JSON.stringify(r)}`);
		}
		const published = (await pageData(base, boardPath, members[0].cookie, 'rounds')).rounds.find((r) => r.id === round.id);
		const stored = published.aggregate.voters.reduce((n, v) => n + v.count, 0);

		// What the published aggregate must be, from every member's last acknowledged ballot.
		const expected = new Map();
		const expectedVoters = new Map();
		for (const { organisation, ballot } of last.values()) {
			expectedVoters.set(organisation, (expectedVoters.get(organisation) ?? 0) + 1);
			for (const mk of ballot) {
				const k = `${organisation}|${mk.option}|${mk.criterion}|${mk.value}`;
				expected.set(k, (expected.get(k) ?? 0) + 1);
			}
		}
		let mismatched = 0;
		const seen = new Set();
		for (const c of published.aggregate.cells) {
			const k = `${c.organisation}|${c.option}|${c.criterion}|${c.value}`;
			seen.add(k);
			if (expected.get(k) !== c.count) mismatched++;
		}
		for (const k of expected.keys()) if (!seen.has(k)) mismatched++;
		for (const v of published.aggregate.voters) if (expectedVoters.get(v.organisation) !== v.count) mismatched++;

		// The tally, timed: 500 ballots → aggregate → ranked results over 100 options.
		const tallyMod = await loadTally();
		const ballots = [...last.values()].map(({ organisation, ballot }) => ({ organisation, marks: ballot }));
		const settings = published.settings;
		const timings = { aggregate: [], tally: [], published: [] };
		let result;
		for (let i = 0; i < o.tallyRuns; i++) {
			let s = performance.now();
			const agg = tallyMod.aggregate(ballots);
			timings.aggregate.push(performance.now() - s);
			s = performance.now();
			result = tallyMod.tally(agg, published.options, settings);
			timings.tally.push(performance.now() - s);
			s = performance.now();
			tallyMod.tally(published.aggregate, published.options, settings);
			timings.published.push(performance.now() - s);
		}
		tallyMod.cleanup();
		const fromPublished = tallyMod.tally(published.aggregate, published.options, settings);
		const sameResult =
			JSON.stringify(fromPublished.options.map((x) => [x.id, x.total, x.rank])) === JSON.stringify(result.options.map((x) => [x.id, x.total, x.rank]));

		const rows = [
			['members (joined through the form)', `${o.members} in ${r1(joinS)} s, ${o.organisations} organisations`],
			['options', `${o.options} cards (dot voting: ${o.dots} dots, ≤ ${o.maxPerOption} on one; weighting per organisation)`],
			['burst', `${results.length} casts sent within ${o.spread} ms, all answered after ${r1(burstS)} s; then ${recasts.length} recasts`],
			[
				'cast latency (request → answer)',
				`p50 ${r1(percentile(latencies, 50))} ms · p95 ${r1(percentile(latencies, 95))} ms · p99 ${r1(percentile(latencies, 99))} ms · max ${r1(latencies.at(-1))} ms`
			],
			['refused casts', failures.length ? `${failures.length}: ${[...new Set(failures.map((f) => f.error))].join(', ')}` : 'none'],
			[
				'ballots stored (published aggregate)',
				`${stored} for ${last.size} members who cast (${stored - last.size} duplicates); marks that differ from what was sent: ${mismatched}`
			],
			[
				'tally of the ballots',
				`aggregate ${r1(median(timings.aggregate))} ms + tally ${r1(median(timings.tally))} ms (median of ${o.tallyRuns}); from the published aggregate ${r1(median(timings.published))} ms; same ranking: ${sameResult}`
			],
			['winner', `${fromPublished.options[0].label} — ${r1(fromPublished.options[0].total)}${fromPublished.options[0].tied ? ' (tie)' : ''}`]
		];
		const width = Math.max(...rows.map((r) => r[0].length));
		for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
		const summary = {
			members: o.members,
			options: o.options,
			stored,
			duplicates: stored - last.size,
			refused: failures.length,
			mismatched_marks: mismatched,
			cast_p50_ms: r1(percentile(latencies, 50)),
			cast_p99_ms: r1(percentile(latencies, 99)),
			tally_ms: r1(median(timings.aggregate) + median(timings.tally))
		};
		await cleanup();
		server = null;
		console.log(JSON.stringify(summary));
		if (summary.duplicates !== 0 || summary.refused !== 0 || mismatched !== 0 || stored !== o.members || !sameResult) process.exitCode = 1;
	} catch (error) {
		console.error(error);
		if (server) console.error(server.log.join('').slice(-3000));
		await cleanup();
		process.exitCode = 1;
	}
}

await main();
