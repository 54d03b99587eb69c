/**
 * Accessibility checked by a real engine: axe-core runs in Chromium on the board, the ballot,
 * the results and the presenter screen, in English and Hungarian, and finds no serious or
 * critical violation (colour contrast included).
 */
import { beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createWorkshop, newPage, useBrowser } from './browser';

const chromium = useBrowser();
let axeSource: string;
beforeAll(async () => {
	axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
});

const LIVE = { timeout: 10_000 };

/** axe's serious and critical violations on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource);
	const result = await page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
			}
		).axe;
		return axe.run(document, { resultTypes: ['violations'] });
	});
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.help} — ${v.nodes
					.slice(0, 3)
					.map((n) => n.target.join(' '))
					.join(' | ')}`
		);
}

for (const language of ['en', 'hu'] as const) {
	test(`board, ballot, results and presenter have no serious or critical violations (${language})`, async () => {
		const hu = language === 'hu';
		const facilitator = await newPage(chromium(), { viewport: { width: 1366, height: 900 } });
		const f = facilitator.page;
		const { id, code } = await createWorkshop(f, { title: hu ? 'Akadálymentesség próba – Győr' : 'Accessibility check', language });
		// The board page speaks the workshop's language to everyone.
		const boardUrl = (await f.getByTestId('board').first().getByRole('link').getAttribute('href'))!;
		await f.goto(`/w/${id}/screen`);
		await f.goto(boardUrl);
		const screenUrl = await f.getByTestId('screen-url').inputValue();
		for (const text of hu ? ['Bizalom és együttműködés', 'Nyitottság', 'Tudásmegosztás'] : ['Trust', 'Openness', 'Sharing knowledge']) {
			await f.getByTestId('add-card-top').click();
			await f.keyboard.type(text);
		}
		const anna = await newPage(chromium(), { viewport: { width: 390, height: 844 } });
		await anna.page.goto(`/j/${code}`);
		await anna.page.locator('input[name=name]').fill(hu ? 'Kovács Anna' : 'Anna');
		await anna.page.locator('input[name=organisation]').fill('Innoskart');
		await Promise.all([anna.page.waitForURL(`**/w/${id}`), anna.page.locator('form button.btn-primary').click()]);
		await anna.page.goto(boardUrl);
		await expect.poll(() => anna.page.getByTestId('connection').first().getAttribute('data-status'), LIVE).toBe('online');
		const wall = await newPage(chromium(), { viewport: { width: 1920, height: 1080 } });
		await wall.page.goto(screenUrl);

		const found: Record<string, string[]> = {};
		found['board (facilitator)'] = await violations(f);
		found['board (participant, phone)'] = await violations(anna.page);
		found['presenter: join'] = await violations(wall.page);

		await f
			.getByTestId('board-console')
			.getByRole('button', { name: hu ? 'Mindenkit ide' : 'Bring everyone here' })
			.click();
		await f.getByTestId('new-round').click();
		// Named: an anonymous round of one ballot shows no results (three per shown cell).
		await f.getByTestId('voting').locator('input[name=anonymous]').uncheck();
		await f.getByTestId('open-round-submit').click();
		await expect.poll(() => anna.page.getByTestId('ballot').count(), LIVE).toBe(1);
		await expect.poll(() => wall.page.getByTestId('round-stage').count(), LIVE).toBe(1);
		found['ballot (phone)'] = await violations(anna.page);
		found['presenter: voting'] = await violations(wall.page);

		await anna.page.getByTestId('ballot').getByTestId('dot-add').first().click();
		await anna.page.getByTestId('cast').click();
		await expect.poll(() => anna.page.getByTestId('ballot-saved').count(), LIVE).toBe(1);
		await f.getByTestId('close-round').click();
		await f.getByTestId('reveal-round').click();
		await expect.poll(() => anna.page.getByTestId('round-results').count(), LIVE).toBe(1);
		await expect.poll(() => wall.page.getByTestId('screen-results').count(), LIVE).toBe(1);
		found['results (phone)'] = await violations(anna.page);
		found['results (facilitator)'] = await violations(f);
		found['presenter: results'] = await violations(wall.page);

		expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
		for (const c of [facilitator, anna, wall]) await c.context.close();
	});
}
