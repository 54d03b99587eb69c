import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { baseUrl, createWorkshop, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const LIVE = { timeout: 10_000 };
const PAYLOAD = '<img src=x onerror=alert(1)>';

async function pdfText(bytes: Buffer): Promise<string> {
	const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: true }).promise;
	const pages: string[] = [];
	for (let i = 1; i <= pdf.numPages; i++) {
		const content = await (await pdf.getPage(i)).getTextContent();
		pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
	}
	return pages.join('\n');
}

/** A new workshop's Values board, live, with these cards on it; returns its URL. */
async function boardWithCards(f: Page, title: string, texts: string[]) {
	await createWorkshop(f, { title });
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
	await f.goto(boardUrl);
	await expect.poll(() => f.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
	for (const text of texts) {
		await f.getByTestId('add-card-top').click();
		await f.keyboard.type(text);
	}
	return boardUrl;
}

/** A quick dot vote, cast by the facilitator alone, revealed (named: an anonymous round of one ballot shows no results). */
async function runVote(f: Page) {
	await f.getByTestId('new-round').click();
	await f.locator('input[name=anonymous]').uncheck();
	await f.getByTestId('open-round-submit').click();
	await expect.poll(() => f.getByTestId('ballot').count(), LIVE).toBe(1);
	const trust = f.getByTestId('ballot').getByTestId('ballot-option').filter({ hasText: 'Trust' });
	for (let i = 0; i < 3; i++) await trust.getByTestId('dot-add').click();
	await f.getByTestId('ballot').getByTestId('cast').click();
	await expect.poll(() => f.getByTestId('ballot-saved').count(), LIVE).toBe(1);
	await f.getByTestId('close-round').click();
	await expect.poll(() => f.getByTestId('reveal-round').count(), LIVE).toBe(1);
	await f.getByTestId('reveal-round').click();
	await expect.poll(() => f.getByTestId('round-results').count(), LIVE).toBe(1);
}

test('a snapshot shared by link: a fresh browser sees the board and a chart, cannot edit, prints it; revoked, the link is gone', async () => {
	const facilitator = await newPage(browser);
	const f = facilitator.page;
	await boardWithCards(f, 'Shared values', ['Trust', PAYLOAD]);
	await runVote(f);

	// The board links to its snapshots page (followed with goto: robust on a loaded machine).
	const snapshotsUrl = (await f.getByTestId('snapshots-link').getAttribute('href'))!;
	expect(snapshotsUrl).toMatch(/\/b\/[0-9a-f-]{36}\/snapshots$/);
	await f.goto(snapshotsUrl);
	await f.getByTestId('take-snapshot').locator('input[name=title]').fill('After the vote');
	await f.getByTestId('take-snapshot').getByRole('button').click();
	await expect.poll(() => f.getByTestId('snapshot-item').count(), LIVE).toBe(1);
	await f.getByTestId('share').click();
	await expect.poll(() => f.getByTestId('share-url').count(), LIVE).toBe(1);
	const shareUrl = (await f.getByTestId('share-url').textContent())!.trim();
	expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
	// Compared with the live board right after it was taken: nothing changed.
	expect(await f.getByTestId('diff-nothing').count()).toBe(1);

	// Hovering and clicking the live board's exports downloads files, with nothing in the console
	// (SvelteKit's router once took them for pages: "Not found" on every hover and click).
	// (networkidle: the page has hydrated, so SvelteKit's router is listening)
	await f.waitForLoadState('networkidle');
	const problems: string[] = [];
	f.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
	f.on('pageerror', (e) => problems.push(e.message));
	const links = await f.locator(`a[href^="${new URL(snapshotsUrl, f.url()).pathname.replace(/\/snapshots$/, '/export/')}"]`).all();
	expect(links).toHaveLength(3);
	for (const link of links) {
		await link.hover();
		const [download] = await Promise.all([f.waitForEvent('download'), link.click()]);
		expect(download.suggestedFilename()).toMatch(/^values\.(md|csv|json)$/);
	}
	// A round trip to the server and back, so that a late error would have arrived.
	await f.evaluate(() => fetch('/api/time'));
	expect(problems).toEqual([]);
	expect(f.url()).toBe(new URL(snapshotsUrl, f.url()).href);

	const visitor = await newPage(browser);
	const v = visitor.page;
	const sockets: string[] = [];
	v.on('websocket', (ws) => sockets.push(ws.url()));
	const response = await v.goto(shareUrl);
	expect(response?.status()).toBe(200);
	// Rendered on the server: the HTML itself holds the cards, the payload escaped.
	const html = await response!.text();
	expect(html).toContain('Trust');
	expect(html).toContain('&lt;img src=x onerror=alert(1)>');
	expect(html).not.toContain(PAYLOAD);
	expect(html).toContain('<meta property="og:title" content="Values · Shared values"');
	expect(await v.title()).toBe('Values · Shared values');
	const cards = await v.getByTestId('snapshot-card').allTextContents();
	expect(cards.some((c) => c.includes(PAYLOAD))).toBe(true);
	expect(await v.locator('img[src=x]').count()).toBe(0);
	await expect.poll(() => v.getByTestId('chart-ranked').count(), LIVE).toBe(1);
	// No way to edit: no fields, no editable text, no forms, no live connection.
	expect(await v.locator('textarea, input, [contenteditable=true], form').count()).toBe(0);
	expect(sockets).toEqual([]);
	// No cookie was needed, and none was handed out.
	expect((await visitor.context.cookies()).filter((c) => c.name.startsWith('rt_'))).toEqual([]);

	// Print to PDF with the print stylesheet and read it back.
	await v.emulateMedia({ media: 'print' });
	const text = await pdfText(await v.pdf({ format: 'A4' }));
	expect(text).toContain('Values');
	expect(text).toContain('Trust');
	expect(text).toContain('After the vote');
	expect(text).not.toContain('Print or save as PDF');

	// Exports from the shared link.
	const md = await (await v.request.get(`${shareUrl}/export/md`)).text();
	expect(md).toContain('Trust');
	expect(md).toContain('\\<img');

	await f.getByTestId('revoke').click();
	await expect.poll(() => f.getByTestId('share-url').count(), LIVE).toBe(0);
	const fresh = await newPage(browser);
	expect((await fresh.page.goto(shareUrl))?.status()).toBe(404);
	expect((await fresh.page.request.get(`${shareUrl}/export/json`)).status()).toBe(404);
	for (const c of [facilitator, visitor, fresh]) await c.context.close();
});

test('the workshop report: members read it, a share link opens it without login', async () => {
	const facilitator = await newPage(browser);
	const f = facilitator.page;
	const boardUrl = await boardWithCards(f, 'Report workshop', ['Trust', PAYLOAD]);
	await runVote(f);
	await f.goto(boardUrl.replace(/\/b\/.*$/, ''));
	await f.getByTestId('report-link').click();
	await f.getByTestId('report-share').click();
	await expect.poll(() => f.getByTestId('report-share-url').count(), LIVE).toBe(1);
	const url = (await f.getByTestId('report-share-url').textContent())!.trim();
	const visitor = await newPage(browser);
	const html = await (await visitor.page.goto(url))!.text();
	const values = visitor.page.getByTestId('report-board').filter({ hasText: 'Values' });
	const top = await values.getByTestId('report-top').textContent();
	expect(top).toContain('Trust');
	// The payload card (0 dots, tied) is listed as text, never as markup.
	expect(top).toContain(PAYLOAD);
	expect(html).not.toContain(PAYLOAD);
	expect(await visitor.page.locator('img[src=x]').count()).toBe(0);
	for (const format of ['md', 'csv', 'json']) expect((await visitor.page.request.get(`${url}/export/${format}`)).status()).toBe(200);
	for (const c of [facilitator, visitor]) await c.context.close();
});

test('guessing share links: unknown tokens get a plain 404, then a 429', async () => {
	const statuses: number[] = [];
	for (let i = 0; i < 32; i++) {
		const token = Buffer.from(`guess-${i}-`.padEnd(32, 'x')).toString('base64url');
		statuses.push((await fetch(`${baseUrl()}/s/${token}`)).status);
	}
	// 30 misses a minute per address (earlier tests' revoked links count too): 404s, then only 429s.
	const first429 = statuses.indexOf(429);
	expect(statuses[0]).toBe(404);
	expect(first429).toBeGreaterThan(20);
	expect(statuses.slice(0, first429).every((s) => s === 404)).toBe(true);
	expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
});
