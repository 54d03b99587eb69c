import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createWorkshop, joinAs, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const LIVE = { timeout: 10_000 };
const NAME = 'Rejtő Annamária';
const ORG = 'Láthatatlan Klaszter Egyesület';
const TEXT = 'Bizalom a tagok között';

async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

const cardTexts = (page: Page) =>
	page
		.locator('[data-testid=card]')
		.evaluateAll((els) => els.map((c) => c.querySelector('textarea')?.value ?? c.querySelector('[data-testid=card-text]')?.textContent?.trim() ?? ''));
const hidden = (text: string) => !text.includes(NAME) && !text.includes(ORG);

test('an anonymous board shows no author: not on the board, in a snapshot, its exports or the report', async () => {
	const facilitator = await newPage(browser);
	const f = facilitator.page;
	const { id, code } = await createWorkshop(f, { title: 'Anonymous values' });
	// Before anyone writes, the facilitator makes the Values board anonymous; the form says what that means.
	await f
		.getByTestId('board')
		.filter({ hasText: 'Values' })
		.getByRole('button', { name: /^Edit / })
		.click();
	const rights = f.getByTestId('board-rights');
	expect(await rights.textContent()).toContain('Nobody, facilitators included, sees who wrote a card on this board');
	await rights.getByLabel('Anonymous cards').check();
	await f.getByRole('button', { name: 'Save' }).click();
	await expect.poll(() => f.getByTestId('board-rights').count(), LIVE).toBe(0);
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;

	const participant = await newPage(browser);
	const p = participant.page;
	await joinAs(p, code, id, NAME, ORG);
	await openBoard(p, boardUrl);
	await openBoard(f, boardUrl);
	await p.getByTestId('add-card-top').click();
	await p.keyboard.type(TEXT);
	await expect.poll(() => cardTexts(f), LIVE).toEqual([TEXT]);
	// Both views: the card names nobody (presence still says who is here).
	for (const page of [f, p]) {
		const cards = await page.getByTestId('card').allTextContents();
		expect(cards).toHaveLength(1);
		expect(cards.every(hidden)).toBe(true);
		expect(await page.locator('[data-testid=card] textarea').first().getAttribute('aria-label')).toBe('Card by an anonymous author');
	}
	// The author still edits their own card.
	await p.locator('[data-testid=card] textarea').first().click();
	await p.keyboard.press('Control+End');
	await p.keyboard.type('!');
	await expect.poll(() => cardTexts(f), LIVE).toEqual([`${TEXT}!`]);

	// A snapshot, shared and opened with no cookie, and its exports.
	await f.goto(`${boardUrl}/snapshots`);
	await f.getByTestId('take-snapshot').locator('input[name=title]').fill('Anonymous');
	await f.getByTestId('take-snapshot').getByRole('button').click();
	await expect.poll(() => f.getByTestId('snapshot-item').count(), LIVE).toBe(1);
	await f.getByTestId('share').click();
	await expect.poll(() => f.getByTestId('share-url').count(), LIVE).toBe(1);
	const shareUrl = (await f.getByTestId('share-url').textContent())!.trim();
	const visitor = await newPage(browser);
	await visitor.page.goto(shareUrl);
	expect(await visitor.page.getByTestId('snapshot-card').allTextContents()).toEqual([expect.stringContaining(`${TEXT}!`)]);
	expect(hidden(await visitor.page.content())).toBe(true);
	for (const format of ['md', 'csv', 'json']) {
		const body = await (await visitor.page.request.get(`${shareUrl}/export/${format}`)).text();
		expect(body).toContain(TEXT);
		expect(hidden(body)).toBe(true);
	}
	// The live board's exports and the workshop report.
	for (const format of ['md', 'csv', 'json']) expect(hidden(await (await f.request.get(`${boardUrl}/export/${format}`)).text())).toBe(true);
	// (the workshop page's own data lists its members; the report is what is checked)
	await f.goto(`/w/${id}/report`);
	expect(hidden((await f.getByTestId('report').textContent())!)).toBe(true);
	for (const format of ['md', 'csv', 'json']) expect(hidden(await (await f.request.get(`/w/${id}/report/export/${format}`)).text())).toBe(true);
	for (const c of [facilitator, participant, visitor]) await c.context.close();
});
