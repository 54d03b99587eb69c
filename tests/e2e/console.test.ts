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

test('the facilitator runs the room: phases forward and back, lock, private brainstorming', async () => {
	const { page, context } = await newPage(browser);
	await createWorkshop(page, { title: 'Running the room' });
	const controls = page.getByTestId('board-controls');
	const current = () => controls.locator('[aria-current=step]').textContent();
	expect(await current()).toBe('Brainstorm');
	await controls.getByRole('button', { name: 'Next: Cluster' }).click();
	await expect.poll(current).toBe('Cluster');
	await page.reload();
	expect(await current()).toBe('Cluster');
	await controls.getByRole('button', { name: '← Brainstorm' }).click();
	await expect.poll(current).toBe('Brainstorm');

	await controls.getByRole('button', { name: 'Private brainstorming' }).click();
	await expect.poll(() => controls.getByRole('button', { name: 'Reveal all cards' }).count()).toBe(1);
	await controls.getByRole('button', { name: 'Reveal all cards' }).click();
	await expect.poll(() => controls.getByRole('button', { name: 'Private brainstorming' }).count()).toBe(1);

	await controls.getByRole('button', { name: 'Lock board' }).click();
	await expect.poll(() => page.getByTestId('board').first().textContent()).toContain('locked');
	await controls.getByRole('button', { name: 'Unlock board' }).click();
	await expect.poll(() => page.getByTestId('board').first().textContent()).not.toContain('locked');
	await context.close();
});

test('a facilitator previews exactly what a participant sees, then returns', async () => {
	const { page, context } = await newPage(browser);
	await createWorkshop(page, { title: 'Preview' });
	expect(await page.getByTestId('join-code').count()).toBe(1);
	await page.getByRole('button', { name: 'Preview as a participant' }).click();
	await expect.poll(() => page.getByTestId('preview-banner').count()).toBe(1);
	expect(await page.getByTestId('join-code').count()).toBe(0);
	expect(await page.getByTestId('board-controls').count()).toBe(0);
	expect(await page.getByRole('button', { name: 'Add a board' }).count()).toBe(0);
	expect(await page.getByTestId('me').textContent()).toContain('participant');
	await page.getByRole('button', { name: 'Back to the facilitator view' }).click();
	await expect.poll(() => page.getByTestId('join-code').count()).toBe(1);
	expect(await page.getByTestId('preview-banner').count()).toBe(0);
	await context.close();
});

test('a participant cannot use the live controls, even by posting the form', async () => {
	const facilitator = await newPage(browser);
	const { id, code } = await createWorkshop(facilitator.page, { title: 'No takeover' });
	const guest = await newPage(browser);
	await guest.page.goto(`/j/${code}`);
	await guest.page.getByLabel('Your name').fill('Guest');
	await guest.page.getByLabel('Your organisation').fill('Org');
	await Promise.all([guest.page.waitForURL(`**/w/${id}`), guest.page.getByRole('button', { name: 'Join the workshop' }).click()]);
	expect(await guest.page.getByTestId('board-controls').count()).toBe(0);
	const boardId = (await guest.page.getByTestId('board').first().locator('a').getAttribute('href'))!.split('/b/')[1];
	const origin = new URL(guest.page.url()).origin;
	for (const [action, body] of [
		['setPhase', { board: boardId, phase: 'decided' }],
		['lockBoard', { board: boardId, on: 'true' }],
		['focus', { board: boardId }],
		['preview', {}]
	] as const) {
		const res = await guest.page.request.post(`/w/${id}?/${action}`, { form: body, headers: { origin, 'x-sveltekit-action': 'true' } });
		expect(JSON.parse(await res.text()).status, action).toBe(403);
	}
	await facilitator.page.reload();
	expect(await facilitator.page.getByTestId('board-controls').locator('[aria-current=step]').textContent()).toBe('Brainstorm');
	expect(await facilitator.page.getByTestId('board').first().textContent()).not.toContain('locked');
	await facilitator.context.close();
	await guest.context.close();
});
