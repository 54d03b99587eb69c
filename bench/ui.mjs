// The browser side of a busy board: a participant's board of 300 cards in 20 groups open in real
// Chromium (1366×768) while 40 other members type into their cards, one edit a second each.
// Measures the main thread's tasks (CDP tracing, plus the page's own PerformanceObserver
// 'longtask'), the time from clicking "Add a card" to the new card on the author's screen, the
// JS heap, and the JavaScript the page loaded (compressed, as sent). See bench/README.md.
//
//   npm run bench:ui [-- --seconds 30 --editors 40 --cards 300 --groups 20 --add-every 2 --no-build]
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { createWorkshop, join, sleep, startServer, stopServer } from './app.mjs';
import { addGroups, machineCpu, openProvider, percentile, r1 } from './clients.mjs';
import { contextAs, launchChromium, recordNetwork, summarise } from './page-weight.mjs';

function options() {
	const o = { seconds: 30, editors: 40, cards: 300, groups: 20, addEvery: 1, warmup: 3, build: true, profile: '', trace: '', app: '' };
	const args = process.argv.slice(2);
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a === '--no-build') o.build = false;
		else if (a === '--help') {
			console.log(
				'node bench/ui.mjs [--seconds 30] [--editors 40] [--cards 300] [--groups 20] [--add-every 1] [--warmup 3] [--profile FILE] [--trace FILE] [--app DIR] [--no-build]'
			);
			process.exit(0);
		} else if (a.startsWith('--')) {
			const key = a.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase());
			if (!(key in o)) throw new Error(`unknown option ${a}`);
			o[key] = ['profile', 'trace', 'app'].includes(key) ? args[++i] : Number(args[++i]);
		}
	}
	return o;
}

const log = (...m) => console.log(`[ui ${new Date().toISOString().slice(11, 19)}]`, ...m);
const ms = (x) => Math.round(x * 10) / 10;
const pct = (sorted, p) => (sorted.length ? percentile(sorted, p) : -1);

/**
 * An editor: a joined member with a real y-websocket provider, whose cards carry its own
 * member row (author, authorName, organisation), as the sync server requires.
 */
class Editor {
	constructor(spec) {
		this.spec = spec;
		this.doc = new Y.Doc();
		this.open = openProvider(spec, this.doc);
		this.cards = [];
		this.edits = 0;
		this.timer = null;
	}

	/** Its share of the board's cards, in one transaction (as pasting a list would be). */
	addCards(list) {
		const cards = this.doc.getMap('cards');
		this.doc.transact(() => {
			for (const { group, order, text } of list) {
				const id = crypto.randomUUID();
				const card = new Y.Map();
				const ytext = new Y.Text();
				ytext.insert(0, text);
				card.set('text', ytext);
				card.set('author', this.spec.memberId);
				card.set('authorName', this.spec.name);
				card.set('organisation', this.spec.organisation);
				card.set('colour', 'yellow');
				card.set('group', group);
				card.set('order', order);
				card.set('createdAt', Date.now());
				cards.set(id, card);
				this.cards.push(id);
			}
		});
	}

	/** One keystroke a second, 20 in one card and then the next, at its own phase; presence says which card. */
	type(rate) {
		const tick = () => {
			const id = this.cards[Math.floor(this.edits / 20) % this.cards.length];
			const text = this.doc.getMap('cards').get(id)?.get('text');
			if (text) {
				if (this.open.awareness.getLocalState()?.editing !== id) this.open.awareness.setLocalStateField('editing', id);
				this.doc.transact(() => {
					// typing at the end; a long card loses its oldest words, so texts stay card-sized
					if (text.length > 140) text.delete(0, 40);
					text.insert(text.length, 'abcdefghijklmnopqrstuvwxyz '[this.edits % 27]);
				});
				this.edits++;
			}
			this.timer = setTimeout(tick, 1000 / rate);
		};
		this.timer = setTimeout(tick, Math.random() * (1000 / rate));
	}

	stop() {
		clearTimeout(this.timer);
		if (this.stopped) return;
		this.stopped = true;
		this.open.destroy();
		this.doc.destroy();
	}
}

/** Clicks "Add a card" and times, in the page, from the click to the frame showing the new card. */
async function timeAddCard(page) {
	const measured = page.evaluate(
		() =>
			new Promise((resolve) => {
				const board = document.querySelector('[data-testid=board]');
				const before = new Set([...document.querySelectorAll('[data-testid=card]')].map((e) => e.getAttribute('data-card-id')));
				let clickedAt = null;
				let observer = null;
				const timeout = setTimeout(() => (observer?.disconnect(), resolve(-1)), 5000);
				addEventListener('click', (e) => (clickedAt = e.timeStamp), { capture: true, once: true });
				observer = new MutationObserver(() => {
					const added = [...board.querySelectorAll('[data-testid=card]')].find((e) => !before.has(e.getAttribute('data-card-id')));
					if (!added || clickedAt === null) return;
					observer.disconnect();
					// the frame in which it is drawn
					requestAnimationFrame(() => {
						clearTimeout(timeout);
						resolve(added.getBoundingClientRect().height > 0 ? performance.now() - clickedAt : -1);
					});
				});
				observer.observe(board, { childList: true, subtree: true });
			})
	);
	await page.locator('[data-testid=add-card-top]').click();
	return measured;
}

/** Top-level tasks of the page's renderer main thread, from a Chromium trace. */
function mainThreadTasks(trace) {
	const events = JSON.parse(trace.toString()).traceEvents;
	const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
	const byThread = new Map();
	// One name only: 'ThreadControllerImpl::RunTask' (toplevel) wraps 'RunTask' (devtools.timeline).
	const name = events.some((e) => e.name === 'RunTask') ? 'RunTask' : 'ThreadControllerImpl::RunTask';
	for (const e of events) {
		if (e.ph !== 'X' || e.name !== name || !mains.has(`${e.pid}:${e.tid}`)) continue;
		const key = `${e.pid}:${e.tid}`;
		if (!byThread.has(key)) byThread.set(key, []);
		byThread.get(key).push(e.dur / 1000);
	}
	// The page's renderer is the busiest one (the only page open).
	return [...byThread.values()].sort((a, b) => b.reduce((s, d) => s + d, 0) - a.reduce((s, d) => s + d, 0))[0] ?? [];
}

/** --profile FILE: the page's CPU profile over the window (Chromium's V8 profiler). */
async function startCpuProfile(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	return { stop: async () => (await cdp.send('Profiler.stop')).profile };
}

function summariseCpuProfile(profile, file) {
	writeFileSync(file, JSON.stringify(profile));
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map();
	profile.samples.forEach((id, i) => {
		const { functionName, url, lineNumber } = byId.get(id).callFrame;
		const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
		self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
	});
	const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
	log(`page CPU profile in ${file}; self time:`);
	for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
}

async function main() {
	const o = options();
	// --app DIR: another checkout's build (built there), to compare in the same harness.
	if (o.build && !o.app) (await import('../scripts/build.js')).ensureBuild();
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roundtable-ui-'));
	chmodSync(dataDir, 0o755);
	const server = o.app ? await startServer({}, dataDir, path.resolve(o.app)) : await startServer({}, dataDir);
	const base = `http://127.0.0.1:${server.port}`;
	const ws = `ws://127.0.0.1:${server.port}/sync`;
	let browser = null;
	const editors = [];
	try {
		const workshop = await createWorkshop(base, 0);
		const board = workshop.boards[0];
		const docName = `board/${board}`;
		const themes = ['cooperation', 'skills', 'markets', 'research', 'funding'];
		const groups = await addGroups(
			{ protocol: 'roundtable', cookie: workshop.cookie, baseUrl: ws, docName },
			Array.from({ length: o.groups }, (_, i) => `Theme ${i + 1}: ${themes[i % 5]}`)
		);
		log(`workshop and ${groups.length} groups ready; ${o.editors} editors joining`);
		for (let i = 0; i < o.editors; i++) {
			const name = `Editor ${i + 1}`;
			const organisation = `Cluster ${(i % 12) + 1}`;
			const member = await join(base, workshop.joinCode, name, organisation);
			editors.push(new Editor({ protocol: 'roundtable', name, organisation, memberId: member.memberId, cookie: member.cookie, baseUrl: ws, docName }));
		}
		await Promise.all(editors.map((e) => e.open.whenSynced));
		for (const [i, editor] of editors.entries()) {
			const mine = [];
			for (let c = i; c < o.cards; c += o.editors)
				mine.push({
					group: groups[c % groups.length],
					order: Math.floor(c / groups.length) + 1,
					text: `Idea ${c + 1}: closer cooperation between firms, universities and the region`
				});
			editor.addCards(mine);
		}
		await sleep(1000);
		log(`${o.cards} cards written`);

		const participant = await join(base, workshop.joinCode, 'Bench Participant', 'Cluster 1');
		browser = await launchChromium();
		const context = await contextAs(browser, base, participant.cookie, { width: 1366, height: 768 });
		const page = await context.newPage();
		await page.addInitScript(() => {
			window.__longTasks = [];
			new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
		});
		const network = await recordNetwork(page);
		const openedAt = performance.now();
		await page.goto(`${base}/w/${workshop.id}/b/${board}`);
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid=card]').length >= n, o.cards, { timeout: 60_000 });
		const loadMs = performance.now() - openedAt;
		await page.waitForLoadState('networkidle');
		const weight = summarise(network.entries());
		network.clear();
		log(`board open with ${o.cards} cards after ${Math.round(loadMs)} ms; JS ${weight.js_kb_compressed} KB compressed in ${weight.js_requests} requests`);

		for (const editor of editors) editor.type(1);
		await sleep(o.warmup * 1000);
		await page.evaluate(() => (window.__longTasks = []));
		const cpuBefore = machineCpu();
		const editsBefore = editors.reduce((a, e) => a + e.edits, 0);
		// --trace: the renderer's own events too (style, layout, paint, script), at some cost to what is measured.
		const categories = ['toplevel', 'disabled-by-default-devtools.timeline', ...(o.trace ? ['devtools.timeline', 'blink', 'v8.execute'] : [])];
		await browser.startTracing(page, { categories });
		const cpuProfile = o.profile ? await startCpuProfile(page) : null;
		const adds = [];
		const end = Date.now() + o.seconds * 1000;
		while (Date.now() < end) {
			const next = Date.now() + o.addEvery * 1000;
			adds.push(await timeAddCard(page));
			await sleep(Math.max(0, next - Date.now()));
		}
		const edits = editors.reduce((a, e) => a + e.edits, 0) - editsBefore;
		const cpuAfter = machineCpu();
		const window = (Date.now() - end) / 1000 + o.seconds;
		const profile = o.profile ? await cpuProfile.stop() : null;
		const trace = await browser.stopTracing();
		if (o.trace) writeFileSync(o.trace, trace);
		for (const editor of editors) editor.stop();
		const observed = await page.evaluate(() => window.__longTasks);
		const cdp = await context.newCDPSession(page);
		await cdp.send('HeapProfiler.collectGarbage');
		const heap = await cdp.send('Runtime.getHeapUsage');
		const cardsShown = await page.locator('[data-testid=card]').count();
		const lateJs = summarise(network.entries()).js_kb_compressed;

		const tasks = mainThreadTasks(trace).sort((a, b) => a - b);
		// Tasks of 1 ms or more: the ones that do work (timers and IPC of a few µs would drown the percentiles).
		const busy = tasks.filter((d) => d >= 1);
		const added = adds.filter((a) => a >= 0).sort((a, b) => a - b);
		const busyPct = Math.round((100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total));
		log(
			`${edits} edits by the editors in ${r1(window)} s (${r1(edits / window)}/s); ${tasks.length} main-thread tasks, ${busy.length} of ≥ 1 ms, ${tasks.filter((d) => d >= 50).length} of ≥ 50 ms (longest ${ms(tasks.at(-1) ?? 0)} ms); PerformanceObserver long tasks: ${observed.length}`
		);
		log(
			`add a card → visible: ${added.map((a) => Math.round(a)).join(', ')} ms${adds.length > added.length ? ` (${adds.length - added.length} not seen within 5 s)` : ''}`
		);
		log(
			`main-thread time in tasks: ${Math.round(tasks.reduce((a, b) => a + b, 0))} ms of ${Math.round(window * 1000)}; heap ${r1(heap.usedSize / 2 ** 20)} MB after GC; machine ${busyPct} % busy; load average ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`
		);
		console.log(
			JSON.stringify({
				cards: o.cards,
				editors: o.editors,
				cards_shown: cardsShown,
				edits_per_s: r1(edits / window),
				long_task_p95_ms: ms(pct(busy, 95)),
				long_task_p99_ms: ms(pct(busy, 99)),
				long_task_max_ms: ms(tasks.at(-1) ?? 0),
				tasks_over_50ms: tasks.filter((d) => d >= 50).length,
				longtask_entries: observed.length,
				main_thread_busy_pct: Math.round(tasks.reduce((a, b) => a + b, 0) / (window * 10)),
				add_card_visible_ms_p50: ms(pct(added, 50)),
				add_card_visible_ms_p95: ms(pct(added, 95)),
				add_card_samples: adds.length,
				heap_mb: r1(heap.usedSize / 2 ** 20),
				js_kb_compressed: weight.js_kb_compressed,
				js_requests: weight.js_requests,
				js_kb_later: lateJs,
				board_load_ms: Math.round(loadMs),
				machine_busy_pct: busyPct
			})
		);
		if (profile) summariseCpuProfile(profile, String(o.profile));
	} finally {
		for (const e of editors) e.stop();
		await browser?.close();
		await stopServer(server, dataDir);
		rmSync(dataDir, { recursive: true, force: true });
	}
}

await main();
