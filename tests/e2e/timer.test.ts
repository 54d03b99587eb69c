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

/** This device's clock runs `offsetMs` off the true time (a laptop that never synced its clock). */
const skewClock = (page: Page, offsetMs: number) =>
	page.addInitScript((offset) => {
		const Real = Date;
		class Skewed extends Real {
			constructor(...args: unknown[]) {
				if (args.length === 0) super(Real.now() + offset);
				else super(...(args as [string]));
			}
			static now() {
				return Real.now() + offset;
			}
		}
		globalThis.Date = Skewed as DateConstructor;
	}, offsetMs);

const secondsShown = async (page: Page) => {
	const text = (await page.getByTestId('timer').textContent()) ?? '';
	const match = /(\d+):(\d{2})/.exec(text);
	if (!match) throw new Error(`no time in "${text}"`);
	return Number(match[1]) * 60 + Number(match[2]);
};

test('the countdown shows the same seconds on every device, whatever their clocks say (±1 s)', async () => {
	const facilitator = await newPage(browser);
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Timed workshop' });
	const boardUrl = (await facilitator.page.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
	// One participant's laptop is 97 s fast, another's phone 43 s slow.
	const fast = await newPage(browser);
	await skewClock(fast.page, 97_000);
	await joinAs(fast.page, code, id, 'Anna', 'Innoskart');
	const slow = await newPage(browser, { viewport: { width: 390, height: 844 } });
	await skewClock(slow.page, -43_000);
	await joinAs(slow.page, code, id, 'Béla', 'NOHAC');
	for (const p of [fast.page, slow.page]) await p.goto(boardUrl);

	const controls = facilitator.page.getByTestId('board-controls');
	await controls.locator('input[name=minutes]').fill('2');
	await controls.getByRole('button', { name: 'Start' }).click();
	for (const p of [fast.page, slow.page]) await expect.poll(() => p.getByTestId('timer').count(), { timeout: 10_000 }).toBe(1);
	// Let each device estimate the server's clock, then read both at (nearly) the same moment.
	await fast.page.waitForTimeout(1500);
	const samples: number[][] = [];
	for (let i = 0; i < 5; i++) {
		samples.push(await Promise.all([secondsShown(fast.page), secondsShown(slow.page)]));
		await fast.page.waitForTimeout(700);
	}
	for (const [a, b] of samples) {
		expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
		// And it is the facilitator's two minutes, not two minutes shifted by a device's clock.
		expect(a).toBeGreaterThan(100);
		expect(a).toBeLessThanOrEqual(120);
	}
	for (const c of [facilitator, fast, slow]) await c.context.close();
});
