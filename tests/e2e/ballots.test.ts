/**
 * Every voting method's ballot in the browser: filled in by its own controls, cast, stored, and
 * shown again from the database after a reload. Card texts in Hungarian.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorkshop, joinAs, newPage, useBrowser } from './browser';

const chromium = useBrowser();
const LIVE = { timeout: 10_000 };
const CARDS = ['Bizalom', 'Együttműködés', 'Innováció', 'Fenntarthatóság'];

async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

const option = (page: Page, label: string) => page.getByTestId('ballot').getByTestId('ballot-option').filter({ hasText: label });

/** Casts the ballot, waits until it is stored, and reloads the page: what follows is read back from the database. */
async function castAndReload(page: Page, url: string) {
	await page.getByTestId('cast').click();
	await expect.poll(() => page.getByTestId('ballot-saved').count(), LIVE).toBe(1);
	await openBoard(page, url);
	await expect.poll(() => page.getByTestId('ballot').count(), LIVE).toBe(1);
	expect(await page.getByTestId('ballot-saved').count()).toBe(1);
}

test("approval, ranking, budget and score ballots: each method's controls, cast, and read back after a reload", { timeout: 180_000 }, async () => {
	const facilitator = await newPage(chromium());
	const f = facilitator.page;
	const { id, code } = await createWorkshop(f, { title: 'Szavazólapok próbája' });
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
	await openBoard(f, boardUrl);
	for (const text of CARDS) {
		await f.getByTestId('add-card-top').click();
		await f.keyboard.type(text);
	}
	const anna = (await newPage(chromium(), { viewport: { width: 390, height: 844 } })).page;
	await joinAs(anna, code, id, 'Kovács Anna', 'Pannon Fejlesztési Ügynökség');
	await openBoard(anna, boardUrl);

	async function openRound(method: string, fill?: () => Promise<void>) {
		await f.getByTestId('new-round').click();
		await expect.poll(() => f.getByTestId('option-count').textContent(), LIVE).toBe('4 options');
		await f.getByTestId('method').selectOption(method);
		await fill?.();
		await f.getByTestId('open-round-submit').click();
		await expect.poll(() => anna.getByTestId('ballot').count(), LIVE).toBe(1);
	}
	async function closeRound() {
		await f.getByTestId('close-round').click();
		await expect.poll(() => anna.getByTestId('ballot').count(), LIVE).toBe(0);
	}

	// Approval: up to three choices; two ticked.
	await openRound('approval');
	expect(await anna.getByTestId('ballot-left').textContent()).toContain('3 of 3 choices left');
	for (const label of ['Bizalom', 'Innováció']) await option(anna, label).getByRole('checkbox', { name: 'Approve' }).check();
	expect(await anna.getByTestId('ballot-left').textContent()).toContain('1 of 3 choices left');
	await castAndReload(anna, boardUrl);
	for (const label of CARDS) expect(await option(anna, label).getByRole('checkbox').isChecked(), label).toBe(label === 'Bizalom' || label === 'Innováció');
	await closeRound();

	// Ranking: three ranked, one moved up, one taken out again.
	await openRound('ranking');
	for (const label of ['Innováció', 'Bizalom', 'Együttműködés'])
		await option(anna, label)
			.getByRole('button', { name: /^Rank #/ })
			.click();
	const ranking = () =>
		anna
			.getByTestId('ranking')
			.locator('li')
			.allTextContents()
			.then((t) => t.map((s) => s.replace(/^\d+/, '').trim()));
	expect(await ranking()).toEqual(['Innováció', 'Bizalom', 'Együttműködés']);
	// Three places are taken: no fourth is offered.
	expect(
		await option(anna, 'Fenntarthatóság')
			.getByRole('button', { name: /^Rank #/ })
			.count()
	).toBe(0);
	await anna.getByRole('button', { name: 'Move Együttműködés up' }).click();
	await anna.getByRole('button', { name: 'Take Bizalom out of the ranking' }).click();
	expect(await ranking()).toEqual(['Innováció', 'Együttműködés']);
	expect(await option(anna, 'Együttműködés').textContent()).toContain('Ranked #2');
	await castAndReload(anna, boardUrl);
	expect(await ranking()).toEqual(['Innováció', 'Együttműködés']);
	await closeRound();

	// Budget: 100 points, 60 and 40; a number past the budget is held to it.
	await openRound('budget');
	await option(anna, 'Fenntarthatóság').getByLabel('Points for Fenntarthatóság').fill('400');
	expect(await option(anna, 'Fenntarthatóság').getByLabel('Points for Fenntarthatóság').inputValue()).toBe('100');
	await option(anna, 'Fenntarthatóság').getByLabel('Points for Fenntarthatóság').fill('40');
	await option(anna, 'Bizalom').getByLabel('Points for Bizalom').fill('60');
	expect(await anna.getByTestId('ballot-left').textContent()).toContain('0 of 100 points left');
	await castAndReload(anna, boardUrl);
	expect(await option(anna, 'Bizalom').getByLabel('Points for Bizalom').inputValue()).toBe('60');
	expect(await option(anna, 'Fenntarthatóság').getByLabel('Points for Fenntarthatóság').inputValue()).toBe('40');
	expect(await option(anna, 'Innováció').getByLabel('Points for Innováció').inputValue()).toBe('');
	await closeRound();

	// Scores on two criteria; a second click on a score clears it.
	await openRound('score', async () => {
		await f.getByLabel('First criterion').fill('Hatás');
		await f.getByLabel('Second criterion').fill('Megvalósíthatóság');
	});
	const score = (n: number, criterion: string, label: string) => anna.getByRole('button', { name: `${n} for ${criterion}, ${label}` });
	await score(4, 'Hatás', 'Bizalom').click();
	await score(2, 'Megvalósíthatóság', 'Bizalom').click();
	await score(5, 'Hatás', 'Innováció').click();
	await score(5, 'Hatás', 'Innováció').click();
	await score(3, 'Hatás', 'Innováció').click();
	await castAndReload(anna, boardUrl);
	expect(await score(4, 'Hatás', 'Bizalom').getAttribute('aria-pressed')).toBe('true');
	expect(await score(2, 'Megvalósíthatóság', 'Bizalom').getAttribute('aria-pressed')).toBe('true');
	expect(await score(3, 'Hatás', 'Innováció').getAttribute('aria-pressed')).toBe('true');
	expect(await score(5, 'Hatás', 'Innováció').getAttribute('aria-pressed')).toBe('false');
	expect(await anna.locator('[data-testid=ballot] button[aria-pressed=true]').count()).toBe(3);

	await facilitator.context.close();
	await anna.context().close();
});
