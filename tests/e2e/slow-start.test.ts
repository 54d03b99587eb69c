/**
 * A slow phone on venue Wi-Fi: the page's HTML is there and the person types before its
 * script has arrived. Hydration must keep what they typed (Svelte writes an input's `value`
 * expression into the field as it hydrates; a `defaultValue` only sets what a reset returns to).
 */
import { expect, test } from 'vitest';
import { createWorkshop, holdScripts, newPage, useBrowser } from './browser';

const chromium = useBrowser();

test('what a participant types before the page has hydrated is still there after, and joins them', { timeout: 90_000 }, async () => {
	const facilitator = await newPage(chromium());
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Lassú telefon' });

	const phone = (await newPage(chromium(), { viewport: { width: 390, height: 844 } })).page;
	const scripts = await holdScripts(phone);
	await phone.goto(`/j/${code}`, { waitUntil: 'commit' });
	await phone.getByLabel('Your name').fill('Őrsi Zsófia');
	await phone.getByLabel('Your organisation').fill('Pannon Fejlesztési Ügynökség');
	await scripts.release();
	expect(await phone.getByLabel('Your name').inputValue()).toBe('Őrsi Zsófia');
	expect(await phone.getByLabel('Your organisation').inputValue()).toBe('Pannon Fejlesztési Ügynökség');
	await Promise.all([phone.waitForURL(`**/w/${id}`), phone.getByRole('button', { name: 'Join the workshop' }).click()]);
	await expect.poll(() => phone.getByTestId('member').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Őrsi Zsófia')]));

	// The join code on the home page, typed as early.
	const other = (await newPage(chromium(), { viewport: { width: 390, height: 844 } })).page;
	const early = await holdScripts(other);
	await other.goto('/', { waitUntil: 'commit' });
	await other.locator('#join-code').fill(code.toLowerCase());
	await early.release();
	expect(await other.locator('#join-code').inputValue()).toBe(code.toLowerCase());

	// A facilitator's new workshop, its title typed as early.
	const planner = (await newPage(chromium())).page;
	const form = await holdScripts(planner);
	await planner.goto('/new', { waitUntil: 'commit' });
	await planner.getByLabel(/^Title/).fill('Debreceni folytatás – 2021. július');
	await form.release();
	expect(await planner.getByLabel(/^Title/).inputValue()).toBe('Debreceni folytatás – 2021. július');

	for (const p of [facilitator.page, phone, other, planner]) await p.context().close();
});
