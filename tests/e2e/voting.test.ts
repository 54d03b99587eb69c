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

async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

/** Puts `dots` dots on the ballot option whose text is `label`. */
async function addDots(page: Page, label: string, dots: number) {
	const option = page.getByTestId('ballot').getByTestId('ballot-option').filter({ hasText: label });
	for (let i = 0; i < dots; i++) await option.getByTestId('dot-add').click();
}

/** The options of the ranked-bars chart, best first, as its data table lists them. */
async function rankedOptions(page: Page, scope = page.getByTestId('round-results').first()) {
	const chart = scope.getByTestId('chart-ranked');
	const toggle = chart.getByTestId('chart-table-toggle');
	if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
	return chart
		.locator('table tbody tr th')
		.allTextContents()
		.then((t) => t.map((s) => s.trim()));
}

test('a facilitator runs a dot vote: two participants and a proxy ballot, it closes, and every screen shows the chart in order', async () => {
	const facilitator = await newPage(browser);
	const f = facilitator.page;
	const { id, code } = await createWorkshop(f, { title: 'Values vote' });
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
	const anna = await newPage(browser);
	await joinAs(anna.page, code, id, 'Anna', 'Innoskart');
	const bela = await newPage(browser, { viewport: { width: 390, height: 844 } });
	await joinAs(bela.page, code, id, 'Béla', 'NOHAC');

	await openBoard(f, boardUrl);
	for (const text of ['Trust', 'Openness', 'Courage <img src=x onerror=alert(1)>']) {
		await f.getByTestId('add-card-top').click();
		await f.keyboard.type(text);
	}
	for (const p of [anna.page, bela.page]) await openBoard(p, boardUrl);
	// Participants see no voting panel before there is a round.
	expect(await anna.page.getByTestId('voting').count()).toBe(0);

	await f.getByTestId('new-round').click();
	await expect.poll(() => f.getByTestId('option-count').textContent(), LIVE).toBe('3 options');
	await f.getByLabel('Question (optional)').fill('Which values define us?');
	await f.getByTestId('open-round-submit').click();

	// The round reaches the participants' screens without a reload.
	for (const p of [anna.page, bela.page]) {
		await expect.poll(() => p.getByTestId('ballot').count(), LIVE).toBe(1);
		expect(await p.getByTestId('open-round-panel').textContent()).toContain('Which values define us?');
		// The board moved to its vote phase with the round.
		await expect.poll(() => p.getByTestId('phase').textContent(), LIVE).toContain('Vote');
	}
	await addDots(anna.page, 'Openness', 3);
	await addDots(anna.page, 'Trust', 2);
	expect(await anna.page.getByTestId('ballot-left').textContent()).toContain('0 of 5 dots left');
	// The fourth dot on one option is not offered (at most 3 per option).
	expect(await anna.page.getByTestId('ballot-option').filter({ hasText: 'Openness' }).getByTestId('dot-add').isDisabled()).toBe(true);
	await anna.page.getByTestId('cast').click();
	await expect.poll(() => anna.page.getByTestId('ballot-saved').count(), LIVE).toBe(1);

	await addDots(bela.page, 'Openness', 3);
	await addDots(bela.page, 'Courage', 1);
	await addDots(bela.page, 'Trust', 1);
	await bela.page.getByTestId('cast').click();
	await expect.poll(() => bela.page.getByTestId('ballot-saved').count(), LIVE).toBe(1);

	// Turnout, live: those who may vote — the participants, not the facilitator.
	await expect.poll(() => f.getByTestId('turnout').textContent(), LIVE).toContain('2 of 2 participants have voted');
	expect(await f.getByTestId('turnout').textContent()).toContain('2 of 2 organisations');
	// Results are not live in this round: nobody sees them while it is open.
	expect(await anna.page.getByTestId('round-results').count()).toBe(0);
	// A third ballot, entered by the facilitator for someone without a device: an anonymous round
	// shows results only from three ballots on.
	const proxy = f.locator('details').filter({ has: f.getByTestId('proxy-ballot') });
	await proxy.locator('summary').click();
	await proxy.getByLabel('Their name').fill('Csilla');
	await proxy.getByLabel('Their organisation').fill('Pannon');
	await proxy.getByTestId('ballot-option').filter({ hasText: 'Openness' }).getByTestId('dot-add').click();
	await proxy.getByRole('button', { name: 'Enter this ballot' }).click();
	await expect.poll(() => f.getByTestId('turnout').textContent(), LIVE).toContain('3 of 3 participants have voted');

	await f.getByTestId('close-round').click();
	// Closed: the facilitator sees the results first, the room sees that they are coming.
	await expect.poll(() => f.getByTestId('peek-note').count(), LIVE).toBe(1);
	await expect.poll(() => anna.page.getByTestId('results-pending').count(), LIVE).toBe(1);
	expect(await anna.page.getByTestId('round-results').count()).toBe(0);
	expect(await anna.page.getByTestId('ballot').count()).toBe(0);

	await f.getByTestId('reveal-round').click();
	// Openness 3 + 3 + 1 = 7, Trust 2 + 1 = 3, Courage 1.
	for (const p of [f, anna.page, bela.page]) {
		await expect.poll(() => p.getByTestId('round-results').count(), LIVE).toBe(1);
		expect(await rankedOptions(p)).toEqual(['Openness', 'Trust', 'Courage <img src=x onerror=alert(1)>']);
	}
	// Script in card text stays text, on the ballot and in the chart.
	expect(await anna.page.locator('img[src=x]').count()).toBe(0);
	// The chart has a title and a text alternative.
	const chart = anna.page.getByTestId('chart-ranked');
	expect(await chart.locator('svg[role=img]').count()).toBe(1);
	expect((await chart.locator('svg[role=img]').getAttribute('aria-labelledby'))?.length).toBeGreaterThan(0);
	// Its text alternative describes the svg for screen readers but takes no room on screen,
	// until someone asks for it.
	const description = () =>
		chart.locator('svg[role=img]').evaluate((svg) => {
			const p = document.getElementById(svg.getAttribute('aria-describedby') ?? '');
			const box = p?.getBoundingClientRect();
			return { text: p?.textContent?.trim() ?? '', width: box?.width ?? 0, height: box?.height ?? 0 };
		});
	const hidden = await description();
	expect(hidden.text).toContain('Openness comes first with 7.');
	expect(hidden.width * hidden.height).toBeLessThanOrEqual(1);
	const describe = chart.getByRole('button', { name: 'Describe chart' });
	expect(await describe.getAttribute('aria-expanded')).toBe('false');
	await describe.click();
	expect(await chart.getByRole('button', { name: 'Hide description' }).getAttribute('aria-expanded')).toBe('true');
	const shown = await description();
	expect(shown.text).toBe(hidden.text);
	expect(shown.width).toBeGreaterThan(200);
	expect(shown.height).toBeGreaterThan(10);
	// Anonymous, one voter per organisation: their ballots are pooled, and the chart says why.
	expect(await chart.getByTestId('chart-notes').textContent()).toContain(
		'Other organisations (3): these organisations are shown together so that no single ballot'
	);
	const hatched = await chart.locator('svg[role=img] rect[fill^="url(#"]').count();
	expect(hatched).toBeGreaterThanOrEqual(4); // three bars and the legend's swatch

	// A casting attempt after the close is refused by the database, with a clear code.
	const late = await anna.page.evaluate(
		async (roundId) => {
			const body = new URLSearchParams({ round: roundId!, marks: JSON.stringify([{ option: 'x', criterion: 0, value: 1 }]) });
			const r = await fetch(location.pathname + '?/vote', { method: 'POST', body, headers: { 'x-sveltekit-action': 'true', accept: 'application/json' } });
			return r.json();
		},
		await f.getByTestId('latest-round').getAttribute('data-round')
	);
	expect(late.type).toBe('failure');
	expect(late.data).toContain('round_closed');

	for (const c of [facilitator, anna, bela]) await c.context.close();
});
