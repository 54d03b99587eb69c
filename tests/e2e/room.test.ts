import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { createWorkshop, joinAs, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

test('"I\'m done": the facilitator sees how many participants and organisations are done', async () => {
	const facilitator = await newPage(browser);
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Done counting' });
	const anna = await newPage(browser);
	await joinAs(anna.page, code, id, 'Anna', 'Innoskart');
	const bela = await newPage(browser);
	await joinAs(bela.page, code, id, 'Béla', 'NOHAC');
	const boardUrl = await facilitator.page.getByTestId('board').first().locator('a').getAttribute('href');
	for (const p of [facilitator.page, anna.page, bela.page]) await p.goto(boardUrl!);
	const tally = facilitator.page.getByTestId('done-tally');
	await expect.poll(() => tally.textContent(), { timeout: 10_000 }).toContain('Done: 0 of 2 participants · 0 of 2 organisations');
	await anna.page.getByTestId('done-button').click();
	await expect.poll(() => tally.textContent(), { timeout: 10_000 }).toContain('Done: 1 of 2 participants · 1 of 2 organisations');
	expect(await anna.page.getByTestId('done-button').getAttribute('aria-pressed')).toBe('true');
	await anna.page.getByTestId('done-button').click();
	await expect.poll(() => tally.textContent(), { timeout: 10_000 }).toContain('Done: 0 of 2 participants');
	for (const c of [facilitator, anna, bela]) await c.context.close();
});

test('"Bring everyone here" takes participants from the workshop page to the board', async () => {
	const facilitator = await newPage(browser);
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Follow me' });
	const anna = await newPage(browser);
	await joinAs(anna.page, code, id, 'Anna', 'Innoskart');
	await anna.page.waitForTimeout(500); // the page's live connection settles
	const controls = facilitator.page.getByTestId('board-controls');
	await facilitator.page.getByRole('tab', { name: /Vision/ }).click();
	await controls.getByRole('button', { name: 'Bring everyone here' }).click();
	await anna.page.waitForURL(/\/b\/[0-9a-f-]{36}$/, { timeout: 10_000 });
	expect(await anna.page.getByRole('heading', { level: 1 }).textContent()).toBe('Vision');
	for (const c of [facilitator, anna]) await c.context.close();
});

test('workgroups: a participant picks a theme and is sent to it with everyone else', async () => {
	const facilitator = await newPage(browser);
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Interregional workgroups', template: 'workgroups' });
	const anna = await newPage(browser);
	await joinAs(anna.page, code, id, 'Anna', 'Innoskart');
	await Promise.all([
		anna.page.waitForResponse((r) => r.url().includes('?/chooseWorkgroup')),
		anna.page.getByLabel('Your workgroup').selectOption({ label: 'Digitalisation' })
	]);
	await facilitator.page.reload();
	const group = facilitator.page.getByTestId('workgroup').filter({ has: facilitator.page.getByRole('heading', { name: /^Digitalisation/ }) });
	expect(await group.textContent()).toContain('Anna');
	await anna.page.reload();
	await anna.page.waitForTimeout(500);
	await facilitator.page.getByRole('button', { name: 'Send everyone to their workgroup' }).click();
	await anna.page.waitForURL(/\/b\/[0-9a-f-]{36}$/, { timeout: 10_000 });
	expect(await anna.page.getByRole('heading', { level: 1 }).textContent()).toBe('Digitalisation');
	for (const c of [facilitator, anna]) await c.context.close();
});
