import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { createWorkshop, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

test('a Hungarian workshop speaks Hungarian to a guest with an English browser', async () => {
	const facilitator = await newPage(browser);
	const { code } = await createWorkshop(facilitator.page, { title: 'Klaszterstratégia', language: 'hu' });
	// The facilitator chose nothing, so the workshop page follows the workshop's language.
	await facilitator.page.reload();
	expect(await facilitator.page.locator('html').getAttribute('lang')).toBe('hu');
	expect(await facilitator.page.getByRole('heading', { name: 'Napirend' }).count()).toBe(1);
	// Template boards are created in the workshop's language.
	expect(await facilitator.page.getByTestId('board').allTextContents()).toEqual(
		expect.arrayContaining([expect.stringContaining('Értékek'), expect.stringContaining('Jövőkép')])
	);

	const guest = await newPage(browser, { locale: 'en-GB' });
	await guest.page.goto(`/j/${code}`);
	expect(await guest.page.locator('html').getAttribute('lang')).toBe('hu');
	expect(await guest.page.getByRole('button', { name: 'Csatlakozom a műhelyhez' }).count()).toBe(1);
	await guest.page.getByLabel('Az Ön neve').fill('Nagy Katalin');
	await guest.page.getByLabel('Az Ön szervezete').fill('Pannon Business Network Association');
	await guest.page.getByRole('button', { name: 'Csatlakozom a műhelyhez' }).click();
	await guest.page.waitForURL(/\/w\//);
	expect(await guest.page.getByTestId('me').textContent()).toContain('Ön: Nagy Katalin, résztvevő');

	// Switching language is remembered and wins over the workshop's language.
	await Promise.all([guest.page.waitForEvent('load'), guest.page.getByRole('button', { name: 'English' }).click()]);
	expect(await guest.page.locator('html').getAttribute('lang')).toBe('en');
	expect(await guest.page.getByRole('heading', { name: 'Agenda' }).count()).toBe(1);
	await guest.page.reload();
	expect(await guest.page.getByRole('heading', { name: 'Agenda' }).count()).toBe(1);
	await facilitator.context.close();
	await guest.context.close();
});

test('the start page follows the browser language and switches to Hungarian', async () => {
	const { page, context } = await newPage(browser, { locale: 'hu-HU' });
	await page.goto('/');
	expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Döntsenek együtt, élőben.');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'English' }).click()]);
	expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Decide together, live.');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Magyar' }).click()]);
	expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Döntsenek együtt, élőben.');
	await context.close();
});
