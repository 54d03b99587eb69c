/**
 * Exports of a Hungarian workshop, through the built app: every Hungarian letter, lower and
 * upper case, in the workshop's, the board's, the group's, the round's and the snapshot's
 * titles and in the cards. Every export (live board, snapshot, report, and the shared /s/ and
 * /r/ links) in every format the server writes (Markdown, CSV, JSON) is fetched over HTTP,
 * its Content-Disposition checked (an ASCII `filename` and the real name in `filename*`; a
 * title with ő or ű used to be a 500) and the file read back: Markdown through marked, CSV
 * through csv-parse as Hungarian Excel reads it (`;`, byte order mark, decimal comma), JSON
 * parsed. Chromium then saves the shared snapshot's files and its chart (SVG and PNG, drawn
 * in the browser) under their Hungarian names.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'csv-parse/sync';
import { marked, type Tokens } from 'marked';
import { addCard, addGroup, cardsOf } from '#lib/domain/board/board-model.js';
import { connect, type Sql } from '#lib/server/db/client.js';
import { connectClient, waitFor } from '../integration/sync-helpers';
import { appDatabaseUrl, createWorkshopOver, joinOver, startApp, tempDataDir, type AppProcess } from './app-process';
import { launch } from './browser';

const LETTERS = 'áéíóöőúüű ÁÉÍÓÖŐÚÜŰ';
const WORKSHOP = `Nemzeti Klaszterstratégia Műhely – Balatonfüred – ${LETTERS}`;
const BOARD = `Jövőkép – ${LETTERS}`;
const GROUP = `Együttműködés és bizalom – ${LETTERS}`;
const ROUND = `Mi a legfontosabb? – ${LETTERS}`;
const SNAPSHOT = `Szavazás után – ${LETTERS}`;
const ORG_A = 'ŐSZINTE ÜZLETI KAPCSOLATOK Kft.';
const ORG_B = 'Észak-alföldi Építőipari Klaszter';
/** both separators, quotes and a line break: quoted in CSV, one line in Markdown */
const TRUST = 'Együttműködés és bizalom; "nyitott" párbeszéd,\nminden szinten';
const SHARING = `Tudásmegosztás és közös fejlesztés – ${LETTERS}`;
const HEATING = 'Fűtéstechnikai fejlesztések: 20,5 millió Ft évente';
const CARDS = [TRUST, SHARING, HEATING];
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The names the files are saved under, and their ASCII stand-ins (without the extension). */
const NAMES = {
	board: ['jövőkép-áéíóöőúüű-áéíóöőúüű', 'jovokep-aeiooouuu-aeiooouuu'],
	snapshot: ['jövőkép-áéíóöőúüű-áéíóöőúüű-szavazás-után-áéíóöőúüű-áéíóöőúüű', 'jovokep-aeiooouuu-aeiooouuu-szavazas-utan-aeiooouuu-aeiooouuu'],
	report: [
		'nemzeti-klaszterstratégia-műhely-balatonfüred-áéíóöőúüű-áéíóöőúüű-report',
		'nemzeti-klaszterstrategia-muhely-balatonfured-aeiooouuu-aeiooouuu-report'
	]
} as const;

const BOARD_HEADINGS = [
	'Sor típusa',
	'Csoport',
	'Kártyaazonosító',
	'Szöveg',
	'Szervezet',
	'Mutató',
	'Célérték',
	'Év',
	'Forduló',
	'Lehetőség',
	'Helyezés',
	'Összesen'
];
const REPORT_HEADINGS = [
	'Tábla',
	'Feladat',
	'Szakasz',
	'Sor típusa',
	'Megnevezés',
	'Szöveg',
	'Megfogalmazás forrása',
	'Forduló',
	'Szavazási mód',
	'Súlyozás',
	'Szavazók',
	'Helyezés',
	'Összesen'
];
/** Dots weighted per organisation: TRUST (3 + 2) / 2 = 2.5 from ORG_A's two voters, SHARING 1 from ORG_B, HEATING none. */
const RESULTS = [
	[TRUST, 1, 2.5],
	[SHARING, 2, 1],
	[HEATING, 3, 0]
] as const;

let data: { dir: string; remove: () => Promise<void> };
let app: AppProcess;
let db: Sql;
const w = { id: '', board: '', facilitator: '', snapshot: '', snapshotToken: '', reportToken: '' };

/** A form action as the page's enhanced forms send it; fails the test unless it succeeded. */
async function act(pathname: string, fields: Record<string, string>, cookie: string): Promise<void> {
	const response = await fetch(app.baseUrl + pathname, {
		method: 'POST',
		headers: { origin: app.baseUrl, cookie, accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields)
	});
	const result = await response.text();
	expect(JSON.parse(result).type, `${pathname}: ${result}`).toBe('success');
}

beforeAll(async () => {
	data = await tempDataDir();
	app = await startApp({ dataDir: data.dir, env: { SEED: 'false' } });
	// The app's own embedded Postgres (its port is in the postmaster.pid of the data directory).
	db = connect((await appDatabaseUrl(data.dir)).url, { max: 2 });

	const created = await createWorkshopOver(app.baseUrl, WORKSHOP, 'hu');
	w.id = created.workshopId;
	w.facilitator = created.cookie;
	[{ id: w.board }] = await db<{ id: string }[]>`select id from public.boards where workshop_id = ${w.id} and kind = 'vision'`;
	await act(`/w/${w.id}?/updateBoard`, { board: w.board, title: BOARD, prompt: 'Hol tartson a klaszter tíz év múlva?', kind: 'vision' }, w.facilitator);

	// Two voters from one organisation, one from another; the cards written over the live board's websocket.
	const [anna, aron, bela] = await Promise.all([
		joinOver(app.baseUrl, created.code, 'Kovács Anna', ORG_A),
		joinOver(app.baseUrl, created.code, 'Szőke Áron', ORG_A),
		joinOver(app.baseUrl, created.code, 'Nagy Béla', ORG_B)
	]);
	const sync = { url: `ws://127.0.0.1:${app.port}/sync` };
	const writer = connectClient(sync, `board/${w.board}`, anna.cookie);
	await writer.synced;
	const group = addGroup(writer.doc, GROUP, undefined, { createdBy: anna.memberId });
	addCard(writer.doc, { author: { memberId: anna.memberId, name: 'Kovács Anna', organisation: ORG_A }, text: TRUST, group });
	addCard(writer.doc, { author: { memberId: anna.memberId, name: 'Kovács Anna', organisation: ORG_A }, text: SHARING, group });
	addCard(writer.doc, { author: { memberId: anna.memberId, name: 'Kovács Anna', organisation: ORG_A }, text: HEATING });
	// The server relays only what it has stored: once another client sees the cards, they are in.
	const reader = connectClient(sync, `board/${w.board}`, bela.cookie);
	await waitFor(() => cardsOf(reader.doc).size === 3, 10_000, 'the cards stored');
	writer.destroy();
	reader.destroy();

	const boardPath = `/w/${w.id}/b/${w.board}`;
	await act(
		`${boardPath}?/openRound`,
		{ title: ROUND, method: 'dots', source: 'cards', dots: '5', maxPerOption: '5', weighting: 'organisation' },
		w.facilitator
	);
	const [{ id: round }] = await db<{ id: string }[]>`select id from public.rounds where board_id = ${w.board}`;
	const options = Object.fromEntries(
		(await db<{ option_id: string; label: string }[]>`select option_id, label from public.round_options where round_id = ${round}`).map((o) => [
			o.label,
			o.option_id
		])
	);
	const marks = (text: string, value: number) => JSON.stringify([{ option: options[text], criterion: 0, value }]);
	await act(`${boardPath}?/vote`, { round, marks: marks(TRUST, 3) }, anna.cookie);
	await act(`${boardPath}?/vote`, { round, marks: marks(TRUST, 2) }, aron.cookie);
	await act(`${boardPath}?/vote`, { round, marks: marks(SHARING, 1) }, bela.cookie);
	await act(`${boardPath}?/closeRound`, { round }, w.facilitator);
	await act(`${boardPath}?/revealRound`, { round }, w.facilitator);

	await act(`${boardPath}/snapshots?/take`, { title: SNAPSHOT }, w.facilitator);
	[{ id: w.snapshot }] = await db<{ id: string }[]>`select id from public.snapshots where board_id = ${w.board} and title = ${SNAPSHOT}`;
	await act(`${boardPath}/snapshots?/share`, { snapshot: w.snapshot }, w.facilitator);
	[{ t: w.snapshotToken }] = await db<{ t: string }[]>`select share_token as t from public.snapshots where id = ${w.snapshot}`;
	await act(`/w/${w.id}/report?/share`, {}, w.facilitator);
	[{ t: w.reportToken }] = await db<{ t: string }[]>`select share_token as t from public.report_shares where workshop_id = ${w.id}`;
}, 180_000);

afterAll(async () => {
	await db?.end({ timeout: 5 });
	app?.child.kill('SIGTERM');
	await app?.exited;
	await data?.remove();
});

interface Source {
	what: string;
	path: () => string;
	/** members' routes need the session; share links none */
	cookie: () => string | null;
	name: keyof typeof NAMES;
	/** the snapshot's title, null for the live board and the report */
	snapshot: string | null;
}

const SOURCES: Source[] = [
	{ what: 'the live board', path: () => `/w/${w.id}/b/${w.board}/export`, cookie: () => w.facilitator, name: 'board', snapshot: null },
	{
		what: 'a snapshot',
		path: () => `/w/${w.id}/b/${w.board}/snapshots/${w.snapshot}/export`,
		cookie: () => w.facilitator,
		name: 'snapshot',
		snapshot: SNAPSHOT
	},
	{ what: 'a shared snapshot (/s/)', path: () => `/s/${w.snapshotToken}/export`, cookie: () => null, name: 'snapshot', snapshot: SNAPSHOT },
	{ what: 'the report', path: () => `/w/${w.id}/report/export`, cookie: () => w.facilitator, name: 'report', snapshot: null },
	{ what: 'the shared report (/r/)', path: () => `/r/${w.reportToken}/export`, cookie: () => null, name: 'report', snapshot: null }
];

/** Fetches one export; checks the status and that the header names the file twice, as it should. */
async function download(source: Source, format: 'md' | 'csv' | 'json'): Promise<{ bytes: Buffer; text: string }> {
	const cookie = source.cookie();
	const response = await fetch(`${app.baseUrl}${source.path()}/${format}`, { headers: cookie ? { cookie } : {} });
	const bytes = Buffer.from(await response.arrayBuffer());
	expect(response.status, bytes.toString()).toBe(200);
	const [name, ascii] = NAMES[source.name];
	const disposition = response.headers.get('content-disposition')!;
	const parts = /^attachment; filename="([\x20-\x7e]*)"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)$/.exec(disposition);
	expect(parts, disposition).not.toBeNull();
	expect(parts![1]).toBe(`${ascii}.${format}`);
	expect(decodeURIComponent(parts![2])).toBe(`${name}.${format}`);
	return { bytes, text: bytes.toString('utf8') };
}

const firstHeading = (md: string) => (marked.lexer(md).find((t) => t.type === 'heading' && (t as Tokens.Heading).depth === 1) as Tokens.Heading).text;
const readCsv = (text: string): string[][] => parse(text, { delimiter: ';', bom: true });
/** A number cell as Hungarian Excel reads it. */
const numberOf = (cell: string) => Number(cell.replace(',', '.'));

describe.each(SOURCES.filter((s) => s.name !== 'report'))('$what', (source) => {
	test('Markdown: the titles, the group, every card and the weighted total in Hungarian', async () => {
		const { text: md } = await download(source, 'md');
		expect(firstHeading(md)).toBe(BOARD);
		for (const expected of [
			`**Műhely:** ${WORKSHOP}`,
			`### ${GROUP}`,
			`### 1. forduló · ${ROUND}`,
			...CARDS.map(oneLine),
			ORG_A,
			'| 1 | Együttműködés és bizalom; "nyitott" párbeszéd, minden szinten | 2,5 |'
		])
			expect(md).toContain(expected);
		if (source.snapshot) expect(md).toContain(`**Pillanatkép:** ${source.snapshot}, készült:`);
		else expect(md).toContain('Az élő tábla jelenlegi állapota');
	});

	test('CSV: byte order mark, ; and Hungarian headings; every card and result cell as it was, 2,5 reading back as 2.5', async () => {
		const { bytes, text } = await download(source, 'csv');
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const [headings, ...rows] = readCsv(text);
		expect(headings).toEqual(BOARD_HEADINGS);
		expect(rows.filter((r) => r[0] === 'group').map((r) => r[1])).toEqual([GROUP]);
		expect(rows.filter((r) => r[0] === 'card').map((r) => [r[1], r[3], r[4]])).toEqual([
			[GROUP, TRUST, ORG_A],
			[GROUP, SHARING, ORG_A],
			['', HEATING, ORG_A]
		]);
		const results = rows.filter((r) => r[0] === 'result');
		expect(results.map((r) => [r[9], Number(r[10]), numberOf(r[11])])).toEqual(RESULTS.map((r) => [...r]));
		expect(results.map((r) => r[11])).toEqual(['2,5', '1', '0']);
	});

	test('JSON: the titles, every card and the round as they were', async () => {
		const { text } = await download(source, 'json');
		const doc = JSON.parse(text);
		expect(doc.workshop).toMatchObject({ title: WORKSHOP, language: 'hu' });
		expect(doc.board.title).toBe(BOARD);
		expect(doc.snapshot?.title ?? null).toBe(source.snapshot);
		expect(doc.groups.map((g: { title: string }) => g.title)).toEqual([GROUP]);
		const cards = [...doc.groups.flatMap((g: { cards: unknown[] }) => g.cards), ...doc.ungrouped];
		expect(cards.map((c: { text: string; organisation: string }) => [c.text, c.organisation])).toEqual(CARDS.map((t) => [t, ORG_A]));
		expect(doc.rounds.map((r: { title: string }) => r.title)).toEqual([ROUND]);
		expect(doc.organisations).toEqual([ORG_A]);
	});
});

describe.each(SOURCES.filter((s) => s.name === 'report'))('$what', (source) => {
	test('Markdown: the workshop and board titles, the top items with the weighted total, the organisations', async () => {
		const { text: md } = await download(source, 'md');
		expect(firstHeading(md)).toBe(`Műhelyjelentés: ${WORKSHOP}`);
		for (const expected of [
			`## ${BOARD}`,
			`### Élen álló javaslatok · 1. forduló · ${ROUND}`,
			...CARDS.map(oneLine),
			`${ORG_B}, ${ORG_A}`,
			'| 1 | Együttműködés és bizalom; "nyitott" párbeszéd, minden szinten | 2,5 |'
		])
			expect(md).toContain(expected);
	});

	test("CSV: byte order mark, ; and Hungarian headings; the board's rows as they were, 2,5 reading back as 2.5", async () => {
		const { bytes, text } = await download(source, 'csv');
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const [headings, ...rows] = readCsv(text);
		expect(headings).toEqual(REPORT_HEADINGS);
		const board = rows.filter((r) => r[0] === BOARD);
		expect(board.map((r) => r.slice(1, 5))).toEqual([
			['vision', 'vote', 'board', BOARD],
			...RESULTS.map(([label]) => ['vision', 'vote', 'top', label]),
			// sorted as Hungarian sorts: É before Ő
			['vision', 'vote', 'organisation', ORG_B],
			['vision', 'vote', 'organisation', ORG_A]
		]);
		const top = board.filter((r) => r[3] === 'top');
		expect(top.map((r) => [r[4], Number(r[11]), numberOf(r[12])])).toEqual(RESULTS.map((r) => [...r]));
		expect(top.map((r) => r.slice(7, 11))).toEqual(RESULTS.map(() => ['1', 'dots', 'organisation', '3']));
		expect(top.map((r) => r[12])).toEqual(['2,5', '1', '0']);
	});

	test('JSON: the workshop, the board, its top items and organisations as they were', async () => {
		const doc = JSON.parse((await download(source, 'json')).text);
		expect(doc.workshop).toMatchObject({ title: WORKSHOP, language: 'hu' });
		const board = doc.boards.find((b: { title: string }) => b.title === BOARD);
		expect(board.top.map((t: { label: string; rank: number; total: number }) => [t.label, t.rank, t.total])).toEqual(RESULTS.map((r) => [...r]));
		expect(board.round).toMatchObject({ title: ROUND, method: 'dots', weighting: 'organisation', voters: 3 });
		expect(board.organisations).toEqual([ORG_B, ORG_A]);
	});
});

test('Chromium saves the shared snapshot under its Hungarian names, and its chart as SVG and PNG', async () => {
	const browser = await launch();
	try {
		const context = await browser.newContext({ locale: 'hu-HU', acceptDownloads: true });
		const page = await context.newPage();
		await page.goto(`${app.baseUrl}/s/${w.snapshotToken}`);
		const save = async (click: () => Promise<void>) => {
			const [file] = await Promise.all([page.waitForEvent('download'), click()]);
			return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
		};
		for (const format of ['md', 'csv', 'json']) {
			const file = await save(() => page.getByTestId(`export-${format}`).click());
			expect(file.name).toBe(`${NAMES.snapshot[0]}.${format}`);
			expect(file.bytes.toString('utf8')).toContain(GROUP);
			expect(file.bytes[0] === 0xef).toBe(format === 'csv');
		}
		// Charts are drawn and saved in the browser (no header involved); their names keep the title as typed.
		const chart = page.getByTestId('chart-ranked');
		const svg = await save(() => chart.locator('button', { hasText: 'SVG' }).click());
		expect(svg.name).toBe(`Jövőkép-–-${LETTERS.replace(' ', '-')}-round-1-ranking.svg`);
		expect(svg.bytes.toString('utf8')).toMatch(/^<\?xml[^]*<svg[^]*Együttműködés/);
		const png = await save(() => chart.locator('button', { hasText: 'PNG' }).click());
		expect(png.name).toBe(`Jövőkép-–-${LETTERS.replace(' ', '-')}-round-1-ranking.png`);
		expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	} finally {
		await browser.close();
	}
});
