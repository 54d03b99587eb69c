import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, createWorkshop, joinAs, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

/** The board titles on the agenda, in order. */
const boardTitles = (page: Page) => page.$$eval('[data-testid=board] a > span:first-child', (spans) => spans.map((s) => s.textContent?.trim() ?? ''));

/** Joins by code in `page` as a participant (or observer); lands on the workshop. */

/** Submits an enhanced form and waits until SvelteKit has applied the result. */
async function submitAction(page: Page, action: string, submit: () => Promise<unknown>) {
	await Promise.all([page.waitForResponse((r) => r.url().includes(`?/${action}`) && r.request().method() === 'POST'), submit()]);
}

describe('facilitating a workshop', () => {
	test('a facilitator adds, renames, reorders and removes boards, and it all persists', async () => {
		const { page, context } = await newPage(browser);
		const { id } = await createWorkshop(page, { title: 'Agenda editing', template: 'blank' });
		expect(await boardTitles(page)).toEqual([]);
		expect(await page.getByText('No boards yet. Add the first one below.').isVisible()).toBe(true);

		for (const [title, prompt] of [
			['Market scan', 'What is changing in our markets?'],
			['Partners', 'Who should we work with?'],
			['Roadmap', 'What do we do first?']
		]) {
			await page.getByRole('button', { name: 'Add a board' }).click();
			await page.getByLabel('Board title').fill(title);
			await page.getByLabel('Prompt for the room').fill(prompt);
			await submitAction(page, 'addBoard', () => page.getByRole('button', { name: 'Save' }).click());
			await expect.poll(() => boardTitles(page)).toContain(title);
		}
		expect(await boardTitles(page)).toEqual(['Market scan', 'Partners', 'Roadmap']);
		// The form closed after saving, and the prompt shows under a free board's title.
		expect(await page.getByLabel('Board title').count()).toBe(0);
		expect(await page.getByTestId('board').filter({ hasText: 'Partners' }).textContent()).toContain('Free board');

		// Rename.
		await page.getByRole('button', { name: 'Edit Partners' }).click();
		const titleInput = page.getByTestId('board').getByLabel('Board title');
		expect(await titleInput.inputValue()).toBe('Partners');
		await titleInput.fill('Partnerships');
		await submitAction(page, 'updateBoard', () => page.getByTestId('board').getByRole('button', { name: 'Save' }).click());
		await expect.poll(() => boardTitles(page)).toEqual(['Market scan', 'Partnerships', 'Roadmap']);

		// Reorder: the first cannot go up, the last cannot go down.
		expect(await page.getByRole('button', { name: 'Move Market scan up' }).isDisabled()).toBe(true);
		expect(await page.getByRole('button', { name: 'Move Roadmap down' }).isDisabled()).toBe(true);
		await submitAction(page, 'moveBoard', () => page.getByRole('button', { name: 'Move Roadmap up' }).click());
		await expect.poll(() => boardTitles(page)).toEqual(['Market scan', 'Roadmap', 'Partnerships']);
		await submitAction(page, 'moveBoard', () => page.getByRole('button', { name: 'Move Market scan down' }).click());
		await expect.poll(() => boardTitles(page)).toEqual(['Roadmap', 'Market scan', 'Partnerships']);

		// Remove: dismissing the confirmation keeps the board, accepting removes it.
		const dialogs: string[] = [];
		page.once('dialog', (d) => {
			dialogs.push(d.message());
			void d.dismiss();
		});
		await page.getByRole('button', { name: 'Remove Market scan' }).click();
		await expect.poll(() => dialogs.length).toBe(1);
		expect(dialogs[0]).toBe('Remove the board “Market scan”? Its content will be lost.');
		await page.reload();
		expect(await boardTitles(page)).toEqual(['Roadmap', 'Market scan', 'Partnerships']);
		page.once('dialog', (d) => void d.accept());
		await submitAction(page, 'removeBoard', () => page.getByRole('button', { name: 'Remove Market scan' }).click());
		await expect.poll(() => boardTitles(page)).toEqual(['Roadmap', 'Partnerships']);

		await page.reload();
		expect(await boardTitles(page)).toEqual(['Roadmap', 'Partnerships']);
		// A fresh browser of the same facilitator (the cookie) sees the same agenda.
		const again = await context.newPage();
		await again.goto(`/w/${id}`);
		expect(await boardTitles(again)).toEqual(['Roadmap', 'Partnerships']);
		await context.close();
	});

	test('workshop settings change the title, date and venue', async () => {
		const { page, context } = await newPage(browser);
		const { code } = await createWorkshop(page, { title: 'Before the rename', template: 'blank' });
		await page.locator('summary', { hasText: 'Workshop settings' }).click();
		await page.locator('#settings-title').fill('Regional innovation day');
		await page.locator('#settings-venue').fill('Győr, Széchenyi University');
		await page.locator('#settings-date').fill('2026-05-14');
		await submitAction(page, 'settings', () => page.locator('form[action="?/settings"]').getByRole('button', { name: 'Save' }).click());
		await expect.poll(() => page.locator('form[action="?/settings"]').getByRole('status').textContent()).toBe('Saved');
		await page.reload();
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Regional innovation day');
		expect(await page.title()).toContain('Regional innovation day');
		expect(await page.locator('p:has(+ h1)').first().textContent()).toBe('Győr, Széchenyi University · 14 May 2026');
		// The join page shows the new title to newcomers.
		const guest = await newPage(browser);
		await guest.page.goto(`/j/${code}`);
		expect(await guest.page.getByRole('heading', { level: 1 }).textContent()).toBe('Regional innovation day');
		await guest.context.close();

		// An empty title is refused with a message and changes nothing.
		await page.locator('summary', { hasText: 'Workshop settings' }).click();
		await page.locator('#settings-title').evaluate((el) => el.removeAttribute('required'));
		await page.locator('#settings-title').fill('   ');
		await submitAction(page, 'settings', () => page.locator('form[action="?/settings"]').getByRole('button', { name: 'Save' }).click());
		await expect.poll(() => page.locator('form[action="?/settings"]').getByRole('status').textContent()).toBe('Enter a title of 1 to 120 characters.');
		await page.reload();
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Regional innovation day');
		await context.close();
	});

	test('the facilitator link makes a second device a facilitator; participants see no facilitator controls', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Two facilitators' });
		await facilitator.page.locator('summary', { hasText: 'Facilitator link' }).click();
		const link = await facilitator.page.getByRole('textbox', { name: 'Facilitator link' }).inputValue();
		expect(link).toMatch(/^http:\/\/[^/]+\/f\/[A-Za-z0-9_-]{16,}$/);
		expect(await facilitator.page.getByRole('textbox', { name: 'Facilitator link' }).getAttribute('readonly')).not.toBeNull();

		const co = await newPage(browser);
		await co.page.goto(link);
		expect(await co.page.getByRole('heading', { level: 1 }).textContent()).toBe('Two facilitators');
		await co.page.getByLabel('Your name').fill('Co-facilitator Csaba');
		await Promise.all([co.page.waitForURL(`**/w/${id}`), co.page.getByRole('button', { name: 'Continue as facilitator' }).click()]);
		await co.page.waitForLoadState('load');
		expect(await co.page.getByTestId('me').textContent()).toContain('You are Co-facilitator Csaba, facilitator');
		expect((await co.page.getByTestId('join-code').textContent())!.replace(/\s/g, '')).toBe(code);
		expect(await co.page.getByRole('button', { name: 'Close joining' }).isVisible()).toBe(true);
		expect(await co.page.locator('summary', { hasText: 'Workshop settings' }).count()).toBe(1);
		expect(await co.page.getByRole('button', { name: 'Edit Vision' }).count()).toBe(1);
		// Opening the link again on the same device goes straight to the workshop.
		await co.page.goto(link);
		expect(co.page.url()).toMatch(new RegExp(`/w/${id}$`));

		const participant = await newPage(browser);
		await joinAs(participant.page, code, id, 'Paula Participant', 'Innoskart ICT Cluster');
		const p = participant.page;
		expect(await p.getByTestId('me').textContent()).toContain('You are Paula Participant, participant');
		// The agenda is there...
		expect(await boardTitles(p)).toEqual(['Values', 'Mission', 'Vision', 'Long-term goals']);
		// ...but none of the facilitator's controls.
		expect(await p.getByTestId('join-code').count()).toBe(0);
		expect(await p.getByRole('heading', { name: 'Invite the room' }).count()).toBe(0);
		expect(await p.getByRole('button', { name: 'Close joining' }).count()).toBe(0);
		expect(await p.locator('summary', { hasText: 'Facilitator link' }).count()).toBe(0);
		expect(await p.content()).not.toContain('/f/');
		expect(await p.locator('summary', { hasText: 'Workshop settings' }).count()).toBe(0);
		expect(await p.getByRole('button', { name: /^(Edit|Remove|Move) / }).count()).toBe(0);
		expect(await p.getByRole('button', { name: 'Add a board' }).count()).toBe(0);
		expect(await p.locator('select[name=role]').count()).toBe(0);
		// Both facilitators are listed, with their role shown to participants.
		await expect
			.poll(() => p.getByTestId('member').allTextContents())
			.toEqual(expect.arrayContaining([expect.stringContaining('Facilitator Fanni'), expect.stringContaining('Co-facilitator Csaba')]));
		expect(await p.getByTestId('member').filter({ hasText: 'Co-facilitator Csaba' }).textContent()).toContain('facilitator');

		await facilitator.context.close();
		await co.context.close();
		await participant.context.close();
	});

	test('the facilitator makes a participant an observer; the last facilitator cannot step down', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Roles', template: 'blank' });
		const member = await newPage(browser);
		await joinAs(member.page, code, id, 'Olivér Observer', 'Pannon Business Network');
		expect(await member.page.getByText('You are an observer').count()).toBe(0);

		const f = facilitator.page;
		await f.reload();
		const role = f.getByLabel('Role of Olivér Observer');
		expect(await role.inputValue()).toBe('participant');
		await submitAction(f, 'setRole', () => role.selectOption('observer'));
		await f.reload();
		expect(await f.getByLabel('Role of Olivér Observer').inputValue()).toBe('observer');

		await member.page.reload();
		expect(await member.page.getByText('You are an observer').isVisible()).toBe(true);
		expect(await member.page.getByTestId('me').textContent()).toContain('You are Olivér Observer, observer');

		// The only facilitator demoting themselves is refused with a message.
		await submitAction(f, 'setRole', () => f.getByLabel('Role of Facilitator Fanni').selectOption('participant'));
		await expect.poll(() => f.getByRole('alert').first().textContent()).toBe('A workshop needs at least one facilitator.');
		await f.reload();
		expect(await f.getByTestId('me').textContent()).toContain('You are Facilitator Fanni, facilitator');
		expect(await f.getByLabel('Role of Facilitator Fanni').inputValue()).toBe('facilitator');
		await facilitator.context.close();
		await member.context.close();
	});

	test('the projector screen shows the join code in large type and a QR code', async () => {
		const { page, context } = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
		const { id, code } = await createWorkshop(page, { title: 'On the wall', template: 'blank' });
		await page.goto(`/w/${id}/screen`);
		const shown = page.getByTestId('screen-code');
		expect((await shown.textContent())!.replace(/\s/g, '')).toBe(code);
		const fontSize = await shown.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		// 13vmin of 1080 px: readable from the back of the room.
		expect(fontSize).toBeGreaterThanOrEqual(100);
		const qr = page.getByRole('img', { name: 'QR code that opens the join page' }).locator('svg');
		expect(await qr.count()).toBe(1);
		expect(await qr.locator('path').count()).toBeGreaterThan(0);
		const box = (await qr.boundingBox())!;
		expect(box.width).toBeGreaterThanOrEqual(400);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('On the wall');
		expect(await page.getByText(/go to 127\.0\.0\.1:\d+\/join/).count()).toBe(1);
		await context.close();
	});

	test('on a phone a participant joins and reads the agenda without scrolling sideways', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'National Cluster Strategy Workshop 2030: values, mission, vision and goals' });
		const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
		const p = phone.page;
		const scrollWidth = () => p.evaluate(() => document.documentElement.scrollWidth);
		await p.goto('/');
		expect(await scrollWidth()).toBeLessThanOrEqual(390);
		await p.goto(`/j/${code}`);
		expect(await scrollWidth()).toBeLessThanOrEqual(390);
		await joinAs(p, code, id, 'Szabó-Kiss Erzsébet Katalin', 'Pannon Business Network Association for Regional Innovation');
		expect(await p.getByRole('heading', { name: 'Agenda' }).isVisible()).toBe(true);
		expect(await boardTitles(p)).toEqual(['Values', 'Mission', 'Vision', 'Long-term goals']);
		expect(await scrollWidth()).toBeLessThanOrEqual(390);
		// Every board link is on screen horizontally.
		for (const box of await p.getByTestId('board').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
			expect(box.left).toBeGreaterThanOrEqual(0);
			expect(box.right).toBeLessThanOrEqual(390);
		}
		// The facilitator's own page (join panel, settings, role menus) fits a phone too.
		const facilitatorPhone = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 390, height: 844 } });
		await facilitatorPhone.addCookies(await facilitator.context.cookies());
		const fp = await facilitatorPhone.newPage();
		await fp.goto(`/w/${id}`);
		expect(await fp.getByTestId('join-code').isVisible()).toBe(true);
		expect(await fp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await facilitatorPhone.close();
		await facilitator.context.close();
		await phone.context.close();
	});

	test("a member's board link opens the board page with its title", async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Board links' });
		const member = await newPage(browser);
		await joinAs(member.page, code, id, 'Bence Board', 'Cluster One');
		const p = member.page;
		await Promise.all([p.waitForURL(new RegExp(`/w/${id}/b/[0-9a-f-]{36}$`)), p.getByTestId('board').filter({ hasText: 'Vision' }).getByRole('link').click()]);
		expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Vision');
		expect(await p.getByText('Where should we be in ten years?').isVisible()).toBe(true);
		expect(await p.title()).toBe('Vision · Board links');
		// Loaded directly (not by client-side navigation), the page is the same.
		await p.reload();
		expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Vision');
		// Back to the workshop.
		await Promise.all([p.waitForURL(new RegExp(`/w/${id}$`)), p.getByRole('link', { name: 'Board links' }).click()]);
		expect(await boardTitles(p)).toContain('Vision');
		// A board id that is not in this workshop is a 404, and a stranger is sent to join.
		const missing = await p.goto(`/w/${id}/b/00000000-0000-4000-8000-000000000000`);
		expect(missing?.status()).toBe(404);
		const stranger = await newPage(browser);
		await stranger.page.goto(p.url().replace(/\/b\/.*$/, '') + '/b/00000000-0000-4000-8000-000000000000');
		expect(stranger.page.url()).toContain(`/join?from=${id}`);
		await facilitator.context.close();
		await member.context.close();
		await stranger.context.close();
	});
});
