// The cold-load workload of bench/compare.mjs: a board of --cards cards written once, the server
// restarted, and one reader's connect → synced timed, with the server's and Postgres's CPU and
// memory; the same for Roundtable and Hocuspocus.
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import { createWorkshop, join, postForm } from './app.mjs';
import { createCard, cpuOf, cpuSince, descendants, inBatches, machineCpu, now, openProvider, procStat, procStatus, r1, r2, sleep, median } from './clients.mjs';

/** `count` cards on `doc` in transactions of `batch`, each a card of the board model. */
function writeCards(doc, count, batch, author, from = 0) {
	for (let i = 0; i < count; i += batch) {
		doc.transact(() => {
			for (let j = i; j < Math.min(count, i + batch); j++) {
				createCard(
					doc,
					{ cardId: crypto.randomUUID(), memberId: author.memberId, name: author.name, organisation: author.organisation },
					`Idea ${from + j + 1} from ${author.name}: more training for local services`
				);
			}
		});
	}
}

/** Opens `spec`'s document with a fresh provider and returns its card count once synced. */
async function cardsSeen(spec) {
	const doc = new Y.Doc();
	const open = openProvider(spec, doc);
	await Promise.race([open.whenSynced, sleep(60_000).then(() => Promise.reject(new Error(`${spec.docName}: no sync within 60 s`)))]);
	const n = doc.getMap('cards').size;
	const bytes = Y.encodeStateAsUpdate(doc).length;
	open.destroy();
	doc.destroy();
	return { n, bytes };
}

async function until(what, fn, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await fn()) return;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

/**
 * Roundtable: a board holds at most 500 cards (board-model LIMITS.cards, enforced by the update
 * guard, and since issue #15 the reveal stops there too, so the cold load is 500 cards, not the
 * 5,000 of the results before 2026-12-02), which come the app's own way to a big board: a
 * private brainstorm. Members each write up to 500 cards in their own draft
 * (`draft/<board>/<member>`, guarded, committed), then the facilitator reveals (`?/reveal`), which
 * moves every draft's cards onto the board through the sync server's commit path.
 */
async function prepareRoundtable(server, cards) {
	const base = `http://127.0.0.1:${server.port}`;
	const workshop = await createWorkshop(base, 0);
	const board = workshop.boards[0];
	await postForm(base, `/w/${workshop.id}?/setPrivate`, { board, on: 'true' }, workshop.cookie);
	const perMember = 500;
	const members = [];
	for (let m = 0; m * perMember < cards; m++) {
		const name = `Member ${m + 1}`;
		const organisation = `Cluster ${(m % 25) + 1}`;
		const { cookie, memberId } = await join(base, workshop.joinCode, name, organisation, false);
		members.push({ name, organisation, cookie, memberId, count: Math.min(perMember, cards - m * perMember), from: m * perMember });
	}
	await inBatches(members, 5, async (member) => {
		const spec = { protocol: 'roundtable', cookie: member.cookie, baseUrl: `ws://127.0.0.1:${server.port}/sync`, docName: `draft/${board}/${member.memberId}` };
		const doc = new Y.Doc();
		const open = openProvider(spec, doc);
		await open.whenSynced;
		writeCards(doc, member.count, 100, member, member.from);
		// Committed when a fresh connection is sent all of them (the server sends only committed content).
		await until(`${member.name}'s draft`, async () => (await cardsSeen(spec)).n === member.count);
		open.destroy();
		doc.destroy();
	});
	await postForm(base, `/w/${workshop.id}?/reveal`, { board }, workshop.cookie);
	const reader = { protocol: 'roundtable', cookie: workshop.cookie, baseUrl: `ws://127.0.0.1:${server.port}/sync`, docName: `board/${board}` };
	const seen = await cardsSeen(reader);
	if (seen.n !== cards) throw new Error(`Roundtable board has ${seen.n} cards after the reveal, expected ${cards}`);
	return { reader, bytes: seen.bytes };
}

/**
 * Hocuspocus: one provider writes the cards in transactions of 500 (as the reveal does), waits
 * for the server's acknowledgements, leaves, and the server stores the document (the extension's
 * `store`, after its debounce or when the last connection leaves), which its log says.
 */
async function prepareHocuspocus(server, cards) {
	const spec = { protocol: 'hocuspocus', baseUrl: `ws://127.0.0.1:${server.port}`, docName: `board/${crypto.randomUUID()}` };
	const doc = new Y.Doc();
	const open = openProvider(spec, doc);
	await open.whenSynced;
	writeCards(doc, cards, 500, { name: 'Member 1', organisation: 'Cluster 1', memberId: crypto.randomUUID() });
	await until('the acknowledgements', () => !open.provider.hasUnsyncedChanges);
	const bytes = Y.encodeStateAsUpdate(doc).length;
	const storedBefore = server.log
		.join('')
		.split('\n')
		.filter((l) => l.includes(`stored ${spec.docName} `)).length;
	open.destroy();
	doc.destroy();
	await until('the store', () => {
		const stores = server.log
			.join('')
			.split('\n')
			.filter((l) => l.includes(`stored ${spec.docName} `));
		return stores.length > storedBefore && Number(/ (\d+) B /.exec(stores[stores.length - 1])?.[1]) >= bytes * 0.9;
	});
	const seen = await cardsSeen(spec);
	if (seen.n !== cards) throw new Error(`Hocuspocus document has ${seen.n} cards, expected ${cards}`);
	return { reader: spec, bytes: seen.bytes };
}

/** One cold load: start the server on the prepared data, time a fresh client's connect → synced. */
async function coldOnce(kind, dataDir, reader, cards, { start, stop }) {
	const started = Date.now();
	const entry = await start(kind, dataDir);
	const startMs = Date.now() - started;
	try {
		const { server } = entry;
		// the server (and its Postgres) settle before the client comes
		await sleep(1000);
		const pid = server.child.pid;
		const pgPids = descendants(pid);
		const cpu0 = procStat(pid).cpu;
		const pg0 = cpuOf(pgPids);
		const machine0 = machineCpu();
		const spec = kind === 'roundtable' ? { ...reader, baseUrl: `ws://127.0.0.1:${server.port}/sync` } : { ...reader, baseUrl: `ws://127.0.0.1:${server.port}` };
		const doc = new Y.Doc();
		const t = now();
		const open = openProvider(spec, doc);
		await Promise.race([open.whenSynced, sleep(120_000).then(() => Promise.reject(new Error(`${kind}: no sync within 120 s`)))]);
		const syncMs = now() - t;
		const n = doc.getMap('cards').size;
		// what the server still does right after (Hocuspocus stores nothing on a load; Roundtable neither)
		await sleep(300);
		const cpu = procStat(pid).cpu - cpu0;
		const pgCpu = cpuSince(pg0, descendants(pid));
		const machine1 = machineCpu();
		const result = {
			sync_ms: r1(syncMs),
			cards: n,
			server_cpu_s: r2(cpu),
			postgres_cpu_s: r2(pgCpu),
			rss_mb: Math.round(procStatus(pid, 'VmHWM')),
			rss_after_mb: Math.round(procStatus(pid, 'VmRSS')),
			start_ms: startMs,
			machine_busy_pct: Math.round((100 * (machine1.busy - machine0.busy)) / Math.max(1, machine1.total - machine0.total))
		};
		open.destroy();
		doc.destroy();
		if (n !== cards) throw new Error(`${kind}: the fresh client saw ${n} cards, expected ${cards}`);
		return result;
	} finally {
		await stop(entry);
	}
}

export async function coldLoad(kind, options, { start, stop, freshDir, name }) {
	const dataDir = freshDir();
	try {
		const entry = await start(kind, dataDir);
		let prepared;
		const prepStarted = Date.now();
		try {
			prepared = kind === 'roundtable' ? await prepareRoundtable(entry.server, options.cards) : await prepareHocuspocus(entry.server, options.cards);
		} finally {
			await stop(entry);
		}
		const prepMs = Date.now() - prepStarted;
		const loads = [];
		for (let k = 0; k < options.coldRepeats; k++) loads.push(await coldOnce(kind, dataDir, prepared.reader, options.cards, { start, stop }));
		const times = loads.map((l) => l.sync_ms).sort((a, b) => a - b);
		const med = (key) => median(loads.map((l) => l[key]));
		console.log(
			`\n${name} — cold load of a ${options.cards.toLocaleString('en-US')}-card board (${r1(prepared.bytes / 1024)} KiB as one Yjs update; prepared in ${r1(prepMs / 1000)} s)`
		);
		for (const [k, l] of loads.entries())
			console.log(
				`  restart ${k + 1}: server up in ${l.start_ms} ms; connect → synced ${l.sync_ms} ms (${l.cards} cards); server CPU ${l.server_cpu_s} s, Postgres CPU ${l.postgres_cpu_s} s; server peak RSS ${l.rss_mb} MB, ${l.rss_after_mb} MB after; machine ${l.machine_busy_pct}% busy`
			);
		return {
			p50_ms: median(times),
			p99_ms: times[times.length - 1],
			server_cpu_s: med('server_cpu_s'),
			postgres_cpu_s: med('postgres_cpu_s'),
			rss_mb: med('rss_mb'),
			rss_after_mb: med('rss_after_mb'),
			machine_busy_pct: med('machine_busy_pct'),
			doc_kib: r1(prepared.bytes / 1024),
			loads: loads.length
		};
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}
