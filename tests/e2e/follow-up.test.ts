// The next meeting built on the last (issue #19): a facilitator plans the follow-up of a
// Hungarian workshop from its page; the new meeting's boards start from the statements as
// they stood, and both meetings show the process in order.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorkshop, newPage, useBrowser } from './browser';

const chromium = useBrowser();
const LIVE = { timeout: 10_000 };

async function openBoard(page: Page, workshopId: string, title: string) {
	await page.goto(`/w/${workshopId}`);
	const href = (await page.getByTestId('board').filter({ hasText: title }).getByRole('link').first().getAttribute('href'))!;
	await page.goto(href);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

const meetings = (page: Page) => page.getByTestId('meeting').allInnerTexts();

/** SCREENSHOT_DIR=… keeps what the facilitator saw, on the laptop and on a 390 px phone. */
async function shot(page: Page, name: string) {
	const dir = process.env.SCREENSHOT_DIR;
	if (!dir) return;
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({ path: `${dir}/${name}-phone.png`, fullPage: true });
	await page.setViewportSize({ width: 1366, height: 768 });
}

test('a follow-up meeting starts from the last one’s statements, and the process lists both in order', { timeout: 120_000 }, async () => {
	const { page } = await newPage(chromium(), { locale: 'hu-HU', viewport: { width: 1366, height: 768 } });
	const { id } = await createWorkshop(page, { title: 'Balatonfüredi műhely', language: 'hu', name: 'Kovács Éva' });
	// A meeting that stands alone shows no process yet.
	expect(await page.getByTestId('process').count()).toBe(0);

	const mission = 'A klaszterek együtt erősítik a magyar gazdaság versenyképességét, ügyfeleikért és régióikért.';
	await openBoard(page, id, 'Küldetés');
	await page.getByTestId('statement-text').click();
	await page.keyboard.type(mission);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-save'), LIVE).toBe('saved');

	await page.goto(`/w/${id}`);
	const form = page.getByTestId('follow-up');
	await form.getByText('A következő találkozó tervezése').click();
	// The server refuses a title of spaces, says why, and creates nothing.
	await form.getByLabel('A következő találkozó címe').fill('   ');
	await form.getByRole('button', { name: 'Következő találkozó létrehozása' }).click();
	await expect.poll(() => form.textContent(), LIVE).toContain('Adjon meg egy 1–120 karakteres címet.');
	expect(new URL(page.url()).pathname).toBe(`/w/${id}`);
	await shot(page, 'follow-up-form');

	await form.getByLabel('A következő találkozó címe').fill('Debreceni találkozó – a stratégia vitája');
	await form.getByLabel('Dátum').fill('2021-07-08');
	await form.getByLabel('Helyszín').fill('Debrecen');
	await Promise.all([
		page.waitForURL((url) => /^\/w\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(id)),
		form.getByRole('button', { name: 'Következő találkozó létrehozása' }).click()
	]);
	const next = new URL(page.url()).pathname.split('/w/')[1];
	expect(await page.locator('h1').textContent()).toContain('Debreceni találkozó – a stratégia vitája');
	expect(await page.getByTestId('me').textContent()).toContain('Kovács Éva');
	const listed = await meetings(page);
	expect(listed).toHaveLength(2);
	expect(listed[0]).toContain('Balatonfüredi műhely');
	expect(listed[1]).toContain('Debreceni találkozó – a stratégia vitája (ez a találkozó)');
	expect(listed[1]).toContain('2021. július 8.');
	expect(listed[1]).toContain('Debrecen');
	await shot(page, 'follow-up-process');

	// The new meeting's mission board holds the statement as it stood.
	await openBoard(page, next, 'Küldetés');
	expect(await page.getByTestId('statement-text').inputValue()).toBe(mission);
	// The second meeting rewords it; the process page shows what changed, word by word.
	await page.getByTestId('statement-text').click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(' Közösen, nyitottan.');
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-save'), LIVE).toBe('saved');
	await page.goto(`/w/${next}`);
	await page.getByTestId('process-link').click();
	await page.waitForURL(`**/w/${next}/process`);
	const changes = page.getByTestId('process-change');
	expect(await changes.count()).toBe(1);
	expect(await changes.first().textContent()).toContain('Küldetés');
	expect(await changes.first().locator('ins').allTextContents()).toEqual(['Közösen, nyitottan.']);
	expect(await changes.first().locator('del').count()).toBe(0);
	await shot(page, 'follow-up-process-page');

	// From the first meeting, the process reads the same, the first one marked.
	await page.goto(`/w/${id}`);
	const fromFirst = await meetings(page);
	expect(fromFirst[0]).toContain('Balatonfüredi műhely (ez a találkozó)');
	expect(fromFirst[1]).toContain('Debreceni találkozó – a stratégia vitája');
	await page.getByTestId('process').getByRole('link', { name: 'Megnyitás' }).click();
	await page.waitForURL(`**/w/${next}`);
	// The report ends in the process too.
	await page.goto(`/w/${next}/report`);
	expect((await meetings(page)).map((t) => t.split('\n')[0])).toEqual(['Balatonfüredi műhely', 'Debreceni találkozó – a stratégia vitája (ez a találkozó)']);
	// The carried statement is this report's draft.
	expect(await page.locator('main').textContent()).toContain(mission);
});

test('in English: the next meeting is planned and the process page says nothing has changed yet', { timeout: 90_000 }, async () => {
	const { page } = await newPage(chromium(), { locale: 'en-GB', viewport: { width: 1366, height: 768 } });
	const { id } = await createWorkshop(page, { title: 'Cluster strategy – first meeting', language: 'en', name: 'Éva Kovács' });
	const form = page.getByTestId('follow-up');
	await form.getByText('Plan the next meeting').click();
	await form.getByLabel('Title of the next meeting').fill('Cluster strategy – Győr, autumn');
	await form.getByLabel('Venue').fill('Győr');
	await Promise.all([
		page.waitForURL((url) => /^\/w\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(id)),
		form.getByRole('button', { name: 'Create the next meeting' }).click()
	]);
	const listed = await meetings(page);
	expect(listed.map((t) => t.split('\n')[0])).toEqual(['Cluster strategy – first meeting', 'Cluster strategy – Győr, autumn (this meeting)']);
	expect(listed[0]).toContain('no date yet');
	await page.getByTestId('process-link').click();
	await page.waitForURL('**/process');
	expect(await page.locator('h1').textContent()).toBe('The process');
	expect(await page.getByTestId('process-changes').textContent()).toContain('No statement has changed since the previous meeting.');
});
