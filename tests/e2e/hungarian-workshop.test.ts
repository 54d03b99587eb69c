/**
 * A whole short workshop in Hungarian, through the built app in Chromium with Hungarian browsers:
 * created on /new (a template board edited there), two participants joining, private
 * brainstorming with accented cards and the reveal, a dot vote, its results, a snapshot and the
 * report; every export (Markdown, CSV, JSON of the live board, the snapshot and the report)
 * downloaded by Chromium and read back. On every Hungarian page it visits, no English message
 * may show: the rendered text, aria-labels, titles, placeholders and alt texts are compared with
 * the English messages that differ from their Hungarian counterparts.
 * Then the demo, in each language. With SCREENSHOT_DIR set, screenshots are saved there.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { marked, type Tokens } from 'marked';
import en from '../../messages/en.json';
import hu from '../../messages/hu.json';
import { launch, newPage } from './browser';

const LIVE = { timeout: 10_000 };
const LETTERS = 'áéíóöőúüű ÁÉÍÓÖŐÚÜŰ';
const WORKSHOP = `Együttműködési műhely – Győr – ${LETTERS}`;
const BOARD = 'Közös értékeink – őszintén';
const PROMPT = 'Mit képviselünk együtt, és miért fontos ez az ügyfeleinknek?';
const ROUND = 'Melyik érték a legfontosabb?';
const ANNA = { name: 'Kovács Anna', organisation: 'Észak-alföldi Építőipari Klaszter' };
const UNIGE = { name: 'Őri Ünige', organisation: 'Győri Ügyfélszolgálati Egyesület' };
const CARDS = { anna: 'Bizalom és őszinte párbeszéd', unige: 'Ügyfélközpontú működés – ÁÉÍÓÖŐÚÜŰ', facilitator: 'Fűtéskorszerűsítés közösen' };

// --- English on a Hungarian page ---------------------------------------------------------------

/** Words and names that are the same in both languages, or that a Hungarian page shows on purpose. */
const SAME_IN_BOTH = new Set(['Roundtable', 'Markdown', 'CSV', 'JSON', 'SVG', 'PNG', 'PDF', 'English', 'Magyar', 'QR']);

const textsOf = (value: unknown): string[] =>
	typeof value === 'string'
		? [value]
		: Array.isArray(value)
			? value.flatMap(textsOf)
			: value && typeof value === 'object'
				? Object.values((value as { match?: object }).match ?? {}).flatMap(textsOf)
				: [];
/** The literal parts of the English messages that differ from the Hungarian ones. */
const ENGLISH = (() => {
	const exact = new Set<string>();
	const phrases = new Set<string>();
	for (const [key, value] of Object.entries(en)) {
		if (key.startsWith('$') || JSON.stringify(value) === JSON.stringify((hu as Record<string, unknown>)[key])) continue;
		for (const text of textsOf(value)) {
			const parts = text
				.split(/\{[^}]*\}/)
				.map((s) => s.trim())
				.filter(Boolean);
			// A whole message without placeholders is matched as a whole text ("Save", "Vote"): short words are too common inside other text.
			if (parts.length === 1 && parts[0] === text.trim() && !SAME_IN_BOTH.has(parts[0]) && /\p{L}/u.test(parts[0])) exact.add(parts[0]);
			// Longer phrases, from any message, are looked for inside the page's text.
			for (const part of parts) if (part.split(/\s+/).length >= 3) phrases.add(part);
		}
	}
	return { exact, phrases };
})();

/** Every text of the page a reader or a screen reader meets. */
async function pageTexts(page: Page): Promise<{ nodes: string[]; all: string }> {
	return page.evaluate(() => {
		const nodes: string[] = [document.title];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const parent = n.parentElement;
			if (parent && !['SCRIPT', 'STYLE', 'TEXTAREA'].includes(parent.tagName)) nodes.push(n.textContent ?? '');
		}
		for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-description]'))
			for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) if (el.getAttribute(a)) nodes.push(el.getAttribute(a)!);
		// A button's value is its text; an option's value is a code, its text is what shows.
		for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) nodes.push((el as HTMLInputElement).value);
		const trimmed = nodes.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
		return { nodes: trimmed, all: trimmed.join('\n') };
	});
}

const visited: string[] = [];
/** Fails with what was found: English messages on a page that must be Hungarian. */
async function expectNoEnglish(page: Page, where: string): Promise<void> {
	expect(await page.locator('html').getAttribute('lang'), where).toBe('hu');
	const { nodes, all } = await pageTexts(page);
	const found = [...nodes.filter((n) => ENGLISH.exact.has(n)), ...[...ENGLISH.phrases].filter((p) => all.includes(p))];
	expect(found, `English on ${where}`).toEqual([]);
	visited.push(where);
}

// --- Files -------------------------------------------------------------------------------------

interface Saved {
	name: string;
	text: string;
	bytes: Buffer;
}

async function save(page: Page, click: () => Promise<void>): Promise<Saved> {
	const [file] = await Promise.all([page.waitForEvent('download'), click()]);
	const bytes = await readFile((await file.path())!);
	return { name: file.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

const headings = (md: string, depth: number) =>
	marked
		.lexer(md)
		.filter((t): t is Tokens.Heading => t.type === 'heading' && t.depth === depth)
		.map((t) => t.text);
const readCsv = (text: string): string[][] => parse(text, { delimiter: ';', bom: true, relax_column_count: true });

// --- The workshop ------------------------------------------------------------------------------

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

/** Card texts as this member sees them: text fields for the cards they may edit, text for the others'. */
const cardTexts = (page: Page) =>
	page
		.locator('[data-testid=board] [data-testid=card]')
		.evaluateAll((els) => els.map((c) => c.querySelector('textarea')?.value ?? c.querySelector('[data-testid=card-text]')?.textContent?.trim() ?? '').sort());

async function join(page: Page, code: string, person: { name: string; organisation: string }) {
	await page.goto(`/j/${code}`);
	await expectNoEnglish(page, 'the join page');
	await page.getByLabel('Az Ön neve').fill(person.name);
	await page.getByLabel('Az Ön szervezete').fill(person.organisation);
	await Promise.all([page.waitForURL(/\/w\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Csatlakozom a műhelyhez' }).click()]);
	await page.waitForLoadState('load');
}

test('a short workshop in Hungarian, from creating it to every export, and never a word of English', async () => {
	const facilitator = await newPage(browser, { locale: 'hu-HU' });
	const f = facilitator.page;

	// Create: the Values board renamed and its question rewritten on the form.
	await f.goto('/new');
	await expectNoEnglish(f, '/new');
	await f.locator('input[name=template][value=strategy]').check();
	await f.getByLabel('Cím', { exact: true }).fill(WORKSHOP);
	await f.locator('select[name=language]').selectOption('hu');
	await f.locator('input[name=facilitatorName]').fill('Fábián Fruzsina');
	const values = f.getByTestId('template-board').first();
	expect(await values.getByLabel('A tábla címe').inputValue()).toBe('Értékek');
	await values.getByLabel('A tábla címe').fill(BOARD);
	await values.getByLabel('Kérdés a teremnek').fill(PROMPT);
	await Promise.all([f.waitForURL(/\/w\/[0-9a-f-]{36}$/), f.getByRole('button', { name: 'Műhely létrehozása' }).click()]);
	await f.waitForLoadState('load');
	const id = f.url().split('/w/')[1];
	const code = (await f.getByTestId('join-code').textContent())!.replace(/\s/g, '');
	expect(await f.getByTestId('board').allTextContents()).toEqual([
		expect.stringContaining(BOARD),
		expect.stringContaining('Küldetés'),
		expect.stringContaining('Jövőkép'),
		expect.stringContaining('Hosszú távú célok')
	]);
	await expectNoEnglish(f, 'the workshop page (facilitator)');
	const boardUrl = (await f.getByTestId('board').filter({ hasText: BOARD }).getByRole('link').getAttribute('href'))!;

	// Join: two participants from two organisations.
	const anna = await newPage(browser, { locale: 'hu-HU' });
	const unige = await newPage(browser, { locale: 'hu-HU', viewport: { width: 390, height: 844 } });
	await join(anna.page, code, ANNA);
	await join(unige.page, code, UNIGE);
	await expectNoEnglish(anna.page, 'the workshop page (participant)');

	// Private brainstorming, run from the board's console, then the reveal.
	const board = await facilitator.context.newPage();
	await openBoard(board, boardUrl);
	const controls = board.getByTestId('board-controls');
	await controls.getByRole('button', { name: 'Egyéni ötletelés', exact: true }).click();
	for (const [p, text] of [
		[anna.page, CARDS.anna],
		[unige.page, CARDS.unige]
	] as const) {
		await openBoard(p, boardUrl);
		await expect.poll(() => p.getByTestId('add-private-card').count(), LIVE).toBe(1);
		await p.getByTestId('add-private-card').click();
		await p.keyboard.type(text);
	}
	await expectNoEnglish(unige.page, 'the board in private brainstorming (participant, phone)');
	await expect
		.poll(
			() =>
				board
					.getByTestId('private-waiting')
					.textContent()
					.catch(() => ''),
			LIVE
		)
		.toContain('2 egyéni kártya vár felfedésre, 2 résztvevőtől');
	expect(await cardTexts(board)).toEqual([]);
	await expectNoEnglish(board, 'the board in private brainstorming (facilitator)');
	// The drafts are typed a key at a time: let the last keys reach the server before the reveal.
	await new Promise((r) => setTimeout(r, 800));
	await controls.getByRole('button', { name: 'Minden kártya felfedése' }).click();
	await expect.poll(() => cardTexts(board), LIVE).toEqual([CARDS.anna, CARDS.unige].sort());
	await board.getByTestId('add-card-top').click();
	await board.keyboard.type(CARDS.facilitator);
	await expect.poll(() => cardTexts(anna.page), LIVE).toEqual(Object.values(CARDS).sort());
	await expectNoEnglish(board, 'the board (facilitator)');

	// A dot vote, from the phones.
	await board.getByTestId('new-round').click();
	await expect.poll(() => board.getByTestId('option-count').textContent(), LIVE).toBe('3 lehetőség');
	await board.getByLabel('Kérdés (nem kötelező)').fill(ROUND);
	await expectNoEnglish(board, 'the open-round form');
	// Named: an anonymous round of two ballots shows no results at all (three per shown cell).
	await board.getByTestId('voting').locator('input[name=anonymous]').uncheck();
	await board.getByTestId('open-round-submit').click();
	const ballots: [Page, [string, number][]][] = [
		[
			anna.page,
			[
				[CARDS.anna, 3],
				[CARDS.unige, 2]
			]
		],
		[
			unige.page,
			[
				[CARDS.unige, 3],
				[CARDS.facilitator, 1]
			]
		]
	];
	for (const [p, dots] of ballots) {
		await expect.poll(() => p.getByTestId('ballot').count(), LIVE).toBe(1);
		for (const [label, n] of dots) for (let i = 0; i < n; i++) await p.getByTestId('ballot-option').filter({ hasText: label }).getByTestId('dot-add').click();
		await expectNoEnglish(p, 'the ballot');
		await p.getByTestId('cast').click();
		await expect.poll(() => p.getByTestId('ballot-saved').count(), LIVE).toBe(1);
	}
	await expect.poll(() => board.getByTestId('turnout').textContent(), LIVE).toContain('2 szavazott');
	await board.getByTestId('close-round').click();
	await expect.poll(() => board.getByTestId('reveal-round').count(), LIVE).toBe(1);
	await expectNoEnglish(board, 'the closed round (facilitator)');
	await board.getByTestId('reveal-round').click();

	// Results: Ünige's card 2 + 3 = 5, Anna's 3, the facilitator's 1; the heading is the question.
	for (const p of [board, anna.page]) {
		await expect.poll(() => p.getByTestId('round-results').count(), LIVE).toBe(1);
		const chart = p.getByTestId('chart-ranked');
		await chart.getByTestId('chart-table-toggle').click();
		expect((await chart.locator('table tbody tr th').allTextContents()).map((s) => s.trim())).toEqual([CARDS.unige, CARDS.anna, CARDS.facilitator]);
		expect(await p.getByTestId('latest-round').locator('h3').first().textContent()).toBe(ROUND);
		await expectNoEnglish(p, 'the results');
	}

	// A snapshot: its default title is numbered, not dated (the date is shown beside it).
	await board.goto(`${boardUrl}/snapshots`);
	expect(await board.getByTestId('take-snapshot').locator('input[name=title]').inputValue()).toBe('1. pillanatkép');
	await board.getByTestId('take-snapshot').getByRole('button').click();
	await expect.poll(() => board.getByTestId('snapshot-item').count(), LIVE).toBe(1);
	await expectNoEnglish(board, 'the snapshots page');
	const liveFiles: Record<string, Saved> = {};
	for (const [format, label] of [
		['md', 'Az élő tábla exportja: Markdown'],
		['csv', 'CSV'],
		['json', 'JSON']
	] as const)
		liveFiles[format] = await save(board, () => board.getByTestId('live-exports').getByRole('link', { name: label, exact: true }).click());
	await board.getByTestId('snapshot-item').getByRole('link', { name: '1. pillanatkép' }).click();
	await board.waitForURL(/\/snapshots\/[0-9a-f-]{36}$/);
	expect(await board.getByTestId('snapshot-meta').textContent()).toMatch(/^1\. pillanatkép, készült: \d{4}\. [a-zéáöőüűíóú]+ \d{1,2}\./);
	await expectNoEnglish(board, 'a snapshot');
	const snapshotFiles: Record<string, Saved> = {};
	for (const format of ['md', 'csv', 'json']) snapshotFiles[format] = await save(board, () => board.getByTestId(`export-${format}`).click());

	// The report.
	await board.goto(`/w/${id}/report`);
	expect(await board.getByTestId('report-top').first().textContent()).toContain(CARDS.unige);
	await expectNoEnglish(board, 'the report');
	const reportFiles: Record<string, Saved> = {};
	for (const [format, label] of [
		['md', 'Markdown'],
		['csv', 'CSV'],
		['json', 'JSON']
	])
		reportFiles[format] = await save(board, () => board.getByTestId('report').getByRole('link', { name: label, exact: true }).click());

	// Every file read back: Hungarian names, headings, the accented cards and the weighted results.
	const stem = 'közös-értékeink-őszintén';
	expect(Object.values(liveFiles).map((s) => s.name)).toEqual(['md', 'csv', 'json'].map((x) => `${stem}.${x}`));
	expect(Object.values(snapshotFiles).map((s) => s.name)).toEqual(['md', 'csv', 'json'].map((x) => `${stem}-1-pillanatkép.${x}`));
	for (const [files, snapshot] of [
		[liveFiles, false],
		[snapshotFiles, true]
	] as const) {
		const md = files.md.text;
		expect(headings(md, 1)).toEqual([BOARD]);
		expect(headings(md, 2)).toEqual(expect.arrayContaining(['Kártyák', 'Eredmények']));
		expect(md).toContain(`**Műhely:** ${WORKSHOP}`);
		// As a reader sees it (the Markdown escapes "1." so that it never starts a list).
		expect(marked.parse(md, { async: false })).toContain(
			snapshot ? '<strong>Pillanatkép:</strong> 1. pillanatkép, készült:' : 'Az élő tábla jelenlegi állapota'
		);
		expect(md).toContain('**Szavazási mód:** Pontszavazás');
		for (const text of Object.values(CARDS)) expect(md).toContain(text);
		const [head, ...rows] = readCsv(files.csv.text);
		expect([...files.csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(head.slice(0, 5)).toEqual(['Sor típusa', 'Csoport', 'Kártyaazonosító', 'Szöveg', 'Szervezet']);
		expect(
			rows
				.filter((r) => r[0] === 'card')
				.map((r) => r[3])
				.sort()
		).toEqual(Object.values(CARDS).sort());
		expect(rows.filter((r) => r[0] === 'result').map((r) => [r[9], r[11]])).toEqual([
			[CARDS.unige, '5'],
			[CARDS.anna, '3'],
			[CARDS.facilitator, '1']
		]);
		const json = JSON.parse(files.json.text);
		expect(json.workshop).toMatchObject({ title: WORKSHOP, language: 'hu' });
		expect(json.board).toMatchObject({ title: BOARD, prompt: PROMPT });
		expect(json.rounds.map((r: { title: string }) => r.title)).toEqual([ROUND]);
	}
	expect(headings(reportFiles.md.text, 1)).toEqual([`Műhelyjelentés: ${WORKSHOP}`]);
	expect(reportFiles.md.text).toContain(`## ${BOARD}`);
	expect(reportFiles.md.text).toContain(`### Élen álló javaslatok · 1. forduló · ${ROUND}`);
	const [reportHead, ...reportRows] = readCsv(reportFiles.csv.text);
	expect(reportHead.slice(0, 3)).toEqual(['Tábla', 'Feladat', 'Szakasz']);
	expect(reportRows.filter((r) => r[0] === BOARD && r[3] === 'top').map((r) => r[4])).toEqual([CARDS.unige, CARDS.anna, CARDS.facilitator]);
	const reportJson = JSON.parse(reportFiles.json.text);
	expect(reportJson.boards[0]).toMatchObject({ title: BOARD, round: { title: ROUND, method: 'dots', voters: 2 } });

	expect(visited.length).toBeGreaterThanOrEqual(14);
	for (const c of [facilitator, anna, unige]) await c.context.close();
}, 240_000);

// --- The demo, in each language ----------------------------------------------------------------

describe.each([
	['hu', 'hu-HU', 'BFURED', 'Nemzeti klaszterstratégiai műhely', 'Értékek', 'Együttműködés és bizalom', 'Kovács Anna', 'Innoskart IKT Klaszter'],
	['en', 'en-GB', 'BFUREN', 'National Cluster Strategy Workshop', 'Values', 'Cooperation and trust', 'Anna Kovács', 'Innoskart ICT Cluster']
] as const)('the demo for a %s browser', (language, locale, code, title, values, group, name, organisation) => {
	test('is linked from the start page in that language and opens with its boards filled', async () => {
		const { context, page } = await newPage(browser, { locale, viewport: { width: 1280, height: 900 } });
		const shots = process.env.SCREENSHOT_DIR;
		if (shots) await mkdir(shots, { recursive: true });
		await page.goto('/');
		expect(await page.locator('#demo-heading').textContent()).toBe(title);
		if (language === 'hu') await expectNoEnglish(page, 'the start page');
		if (shots) await page.screenshot({ path: path.join(shots, `start-${language}.png`), fullPage: true });
		await page.locator(`a[href="/j/${code}"]`).click();
		await page.getByLabel(language === 'hu' ? 'Az Ön neve' : 'Your name').fill(`Látogató ${language}`);
		await page.getByLabel(language === 'hu' ? 'Az Ön szervezete' : 'Your organisation').fill(organisation);
		await Promise.all([page.waitForURL(/\/w\/[0-9a-f-]{36}$/), page.locator('form button.btn-primary').click()]);
		await page.waitForLoadState('load');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
		if (language === 'hu') await expectNoEnglish(page, 'the demo workshop page');
		if (shots) await page.screenshot({ path: path.join(shots, `demo-${language}.png`), fullPage: true });

		await openBoard(page, (await page.getByTestId('board').filter({ hasText: values }).getByRole('link').getAttribute('href'))!);
		await expect.poll(() => page.locator('[data-testid=board] [data-testid=card]').count(), LIVE).toBe(16);
		expect(await page.getByTestId('board').textContent()).toContain(group);
		// Cards are signed by the demo's members, as the server knows them.
		expect(await page.getByTestId('card-author').filter({ hasText: name }).count()).toBeGreaterThan(0);
		await expect.poll(() => page.getByTestId('round-results').count(), LIVE).toBe(1);
		if (language === 'hu') await expectNoEnglish(page, 'the demo Values board');
		if (shots) await page.screenshot({ path: path.join(shots, `values-${language}.png`), fullPage: true });
		await context.close();
	});
});
