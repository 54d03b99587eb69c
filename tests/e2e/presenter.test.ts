/**
 * The room, live: a facilitator runs a board from its console while a presenter screen (a
 * venue laptop holding only the screen link) and two participants — one on a phone — follow
 * by themselves. Every change must reach the wall and the participants within a second,
 * with no reload; the wall never holds card text before the reveal or results before the
 * facilitator shows them.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import http from 'node:http';
import { baseUrl, createWorkshop, joinAs, useBrowser, newPage } from './browser';

const chromium = useBrowser();

const LIVE = { timeout: 10_000 };
/** What "live" means in this product: on every screen within a second of the action. */
const SECOND = { timeout: 1_000, interval: 50 };
const shots = process.env.SCREENSHOT_DIR;
const took: Record<string, number> = {};

async function shot(page: Page, name: string) {
	if (!shots) return;
	await mkdir(shots, { recursive: true });
	await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

/** Runs `act`, then waits (at most a second) until every check holds; records how long it took. */
async function within(name: string, act: () => Promise<unknown>, ...checks: (() => Promise<unknown>)[]) {
	await act();
	const start = Date.now();
	await Promise.all(checks.map((check, i) => expect.poll(check, { ...SECOND, message: `${name}: check ${i + 1} not true within a second` }).toBe(true)));
	took[name] = Date.now() - start;
}

function statusFrom(localAddress: string, pathname: string): Promise<number> {
	const url = new URL(pathname, baseUrl());
	return new Promise((resolve, reject) => {
		http
			.get({ host: url.hostname, port: url.port, path: url.pathname, localAddress, agent: false }, (response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			})
			.on('error', reject);
	});
}

const text = (page: Page, id: string) =>
	page
		.getByTestId(id)
		.first()
		.textContent()
		.catch(() => '');
const stage = (page: Page) => page.getByTestId('presenter').getAttribute('data-stage');

test('a presenter screen and two participants follow the facilitator through a board, live', { timeout: 150_000 }, async () => {
	const facilitator = await newPage(chromium(), { viewport: { width: 1366, height: 900 } });
	const f = facilitator.page;
	const { id, code } = await createWorkshop(f, { title: 'Nemzeti klaszterstratégia – műhely' });
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;

	// The facilitator opens the presenter once; its link then goes to the venue laptop.
	await f.goto(`/w/${id}/screen`);
	expect(await stage(f)).toBe('join');
	await f.goto(boardUrl);
	const screenUrl = (await f.getByTestId('screen-url').inputValue())!;
	expect(screenUrl).toMatch(/\/p\/[A-Za-z0-9_-]{43}$/);
	const wall = await newPage(chromium(), { viewport: { width: 1920, height: 1080 } });
	const w = wall.page;
	await w.goto(screenUrl);
	expect(await stage(w)).toBe('join');
	await expect.poll(() => w.getByTestId('presenter').getAttribute('data-connected'), LIVE).toBe('true');
	expect(await text(w, 'screen-joined')).toContain('0 people have joined · 0 organisations');

	// Joins show on the wall and in the facilitator's member list without a reload.
	const anna = await newPage(chromium());
	const bela = await newPage(chromium(), { viewport: { width: 390, height: 844 } });
	await within(
		'join',
		() => joinAs(anna.page, code, id, 'Anna Őri', 'Innoskart ICT Cluster'),
		async () => (await text(w, 'screen-joined'))!.includes('1 person has joined · 1 organisation')
	);
	await anna.page.waitForTimeout(300); // Anna's workshop page connects to the room
	await within(
		'second join',
		() => joinAs(bela.page, code, id, 'Béla Űrös', 'NOHAC'),
		async () => (await text(w, 'screen-joined'))!.includes('2 people have joined · 2 organisations'),
		// …and in the member list Anna has open on the workshop page, with no reload
		async () => (await text(anna.page, 'member-count'))!.includes('3 members from 2 organisations')
	);
	expect(await text(w, 'screen-organisations')).toBe('Innoskart ICT Cluster · NOHAC');
	await shot(w, 'presenter-join-en');

	// Bring everyone here, from the board's own console: the wall and both participants go there.
	const console_ = f.getByTestId('board-console');
	await within(
		'bring everyone here',
		() => console_.getByRole('button', { name: 'Bring everyone here' }).click(),
		async () => (await stage(w)) === 'board',
		async () => anna.page.url().endsWith(boardUrl),
		async () => bela.page.url().endsWith(boardUrl)
	);
	expect(await w.getByRole('heading', { level: 1 }).textContent()).toBe('Values');

	// Private brainstorming: the wall counts cards, never shows them.
	await within(
		'private on',
		() => console_.getByRole('button', { name: 'Private brainstorming' }).click(),
		async () => (await w.getByTestId('private-stage').count()) === 1,
		async () => (await anna.page.getByTestId('add-private-card').count()) === 1
	);
	for (const [p, idea] of [
		[anna.page, 'Bizalom és együttműködés'],
		[bela.page, 'Nyitottság a külföldi piacok felé']
	] as const) {
		await p.getByTestId('add-private-card').click();
		await p.keyboard.type(idea);
	}
	await expect.poll(() => text(w, 'screen-private-cards'), LIVE).toBe('2');
	expect(await text(f, 'private-waiting')).toContain('2 private cards waiting, from 2 participants');
	const wallText = await w.locator('body').textContent();
	expect(wallText).not.toContain('Bizalom');
	expect(wallText).not.toContain('Nyitottság');
	await shot(w, 'presenter-private-en');

	await within(
		'reveal',
		() => console_.getByRole('button', { name: 'Reveal all cards' }).click(),
		async () => (await w.getByTestId('screen-card').count()) === 2,
		async () => (await anna.page.locator('[data-testid=board] [data-testid=card]').count()) === 2
	);
	expect(await w.getByTestId('cards-wall').textContent()).toContain('Nyitottság a külföldi piacok felé');
	const cardFont = await w
		.getByTestId('screen-card')
		.first()
		.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(cardFont).toBeGreaterThanOrEqual(24);
	await shot(w, 'presenter-board-en');

	// +1 minute and stop, from the console, on the wall at once.
	await console_.getByLabel('minutes').fill('1');
	await console_.getByRole('button', { name: 'Start' }).click();
	await expect.poll(() => text(w, 'screen-timer'), LIVE).toMatch(/[01]:[0-5]\d/);
	await within(
		'timer +1 min',
		() => console_.getByTestId('timer-add').click(),
		async () => /(1:5\d|2:0\d)\s*$/.test((await text(w, 'screen-timer'))!)
	);
	await within(
		'timer stop',
		() => console_.getByTestId('timer-stop').click(),
		async () => (await w.getByTestId('screen-timer').count()) === 0
	);

	// A countdown that locks the board: the same on the wall, locked everywhere at zero, and
	// the console offers "Unlock board" and a new timer without a reload.
	await console_.getByLabel('minutes').fill('0.25');
	await console_.getByLabel('Lock the board when time is up').check();
	await within(
		'timer start',
		() => console_.getByRole('button', { name: 'Start' }).click(),
		async () => (await w.getByTestId('screen-timer').count()) === 1,
		async () => (await anna.page.getByTestId('timer').count()) === 1
	);
	await shot(w, 'presenter-timer-en');
	await expect.poll(() => text(w, 'screen-timer'), { timeout: 20_000, interval: 100 }).toContain('Time is up');
	const upAt = Date.now();
	await Promise.all([
		expect.poll(() => w.getByTestId('screen-locked').count(), SECOND).toBe(1),
		expect.poll(() => anna.page.getByTestId('locked').count(), SECOND).toBe(1),
		expect.poll(() => console_.getByRole('button', { name: 'Unlock board' }).count(), SECOND).toBe(1)
	]);
	took['timer expiry → locked'] = Date.now() - upAt;
	await within(
		'unlock',
		() => console_.getByRole('button', { name: 'Unlock board' }).click(),
		async () => (await w.getByTestId('screen-locked').count()) === 0
	);

	// Moving on ends the expired countdown: no "Time is up" left over in the next phase.
	await within(
		'phase',
		() => console_.getByRole('button', { name: 'Next: Cluster' }).click(),
		async () => (await text(w, 'screen-phase')) === 'Cluster',
		async () => (await text(bela.page, 'phase'))!.includes('Cluster'),
		async () => (await w.getByTestId('screen-timer').count()) === 0,
		async () => (await anna.page.getByTestId('timer').count()) === 0
	);

	// A vote: question and options on the wall, turnout live, no results until the reveal.
	await f.getByTestId('new-round').click();
	await expect.poll(() => f.getByTestId('option-count').textContent(), LIVE).toBe('2 options');
	await f.getByLabel('Question (optional)').fill('Melyik érték határoz meg minket?');
	// Named: an anonymous round of one ballot would show no results on the wall.
	await f.locator('input[name=anonymous]').uncheck();
	await within(
		'round open',
		() => f.getByTestId('open-round-submit').click(),
		async () =>
			(await w
				.getByTestId('round-stage')
				.getAttribute('data-status')
				.catch(() => null)) === 'open',
		async () => (await anna.page.getByTestId('ballot').count()) === 1
	);
	expect(await text(w, 'screen-question')).toBe('Melyik érték határoz meg minket?');
	expect(await w.getByTestId('screen-options').locator('li').count()).toBe(2);
	expect(await text(w, 'screen-turnout')).toContain('0 of 2 have voted');
	// Turnout counts those who may vote: the two participants, not the facilitator.
	expect(await text(f, 'turnout')).toContain('0 of 2 participants have voted');
	await shot(w, 'presenter-vote-en');
	const ballot = anna.page.getByTestId('ballot');
	await ballot.getByTestId('ballot-option').first().getByTestId('dot-add').click();
	await within(
		'ballot',
		() => ballot.getByTestId('cast').click(),
		async () => (await text(w, 'screen-turnout'))!.includes('1 of 2 have voted')
	);
	expect(await w.getByTestId('round-stage').getAttribute('data-results')).toBe('false');
	await within(
		'close',
		() => f.getByTestId('close-round').click(),
		async () => (await w.getByTestId('round-stage').getAttribute('data-status')) === 'closed'
	);
	expect(await w.getByTestId('screen-results').count()).toBe(0);
	expect(await text(anna.page, 'phase-hint')).toContain('Voting has closed');
	await within(
		'reveal results',
		() => f.getByTestId('reveal-round').click(),
		async () => (await w.getByTestId('screen-results').count()) === 1,
		async () => (await anna.page.getByTestId('round-results').count()) === 1
	);
	// "Voting is under way" does not outlive the round.
	expect(await text(anna.page, 'phase-hint')).toContain('The results are shown below');
	await shot(w, 'presenter-results-en');

	// The end of the day: the report's summary on the wall.
	await within(
		'report',
		() => console_.getByRole('button', { name: 'Report' }).click(),
		async () => (await stage(w)) === 'report'
	);
	await expect.poll(() => w.getByTestId('screen-report-board').count(), LIVE).toBeGreaterThan(0);
	await shot(w, 'presenter-report-en');

	// The console on a phone: a bottom sheet behind one button.
	const phone = await facilitator.context.newPage();
	await phone.setViewportSize({ width: 390, height: 844 });
	await phone.goto(boardUrl);
	expect(await phone.getByTestId('board-console').isVisible()).toBe(false);
	await phone.getByTestId('console-toggle').click();
	expect(await phone.getByTestId('board-console').isVisible()).toBe(true);
	expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await shot(phone, 'console-phone-en');

	// Revoked: the wall's live connection ends, and the link is a plain 404 from then on.
	await within(
		'revoke',
		() => console_.getByTestId('revoke-screen').click(),
		async () => (await w.getByTestId('screen-revoked').count()) === 1
	);
	const gone = await w.goto(screenUrl);
	expect(gone?.status()).toBe(404);

	console.log('[presenter] ms from action to every screen:', JSON.stringify(took));
	for (const c of [facilitator, wall, anna, bela]) await c.context.close();
});

test('a guessed screen link is a plain 404, and guessing is rate-limited like share links', async () => {
	// From another loopback address, so that the limit it reaches locks out no later test.
	const statuses: number[] = [];
	for (let i = 0; i < 40; i++) statuses.push(await statusFrom('127.0.0.5', `/p/${Buffer.from(`screen-guess-${i}`.padEnd(32, 'x')).toString('base64url')}`));
	const first429 = statuses.indexOf(429);
	expect(statuses[0]).toBe(404);
	expect(first429).toBeGreaterThan(20);
	expect(statuses.slice(0, first429).every((s) => s === 404)).toBe(true);
	expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
	// …and a link that exists still opens from that address: only misses are limited.
	const { page, context } = await newPage(chromium());
	const { id } = await createWorkshop(page, { title: 'Kivetítő a helyszínen' });
	await page.goto(`/w/${id}/screen`);
	await page.goto(`/w/${id}`);
	const screenUrl = await page.getByTestId('screen-url').first().inputValue();
	expect(await statusFrom('127.0.0.5', new URL(screenUrl).pathname)).toBe(200);
	await context.close();
});

test('participants cannot open the presenter page or manage its link', async () => {
	const facilitator = await newPage(chromium());
	const { id, code } = await createWorkshop(facilitator.page, { title: 'Kivetítő' });
	const anna = await newPage(chromium());
	await joinAs(anna.page, code, id, 'Anna', 'Innoskart');
	expect((await anna.page.goto(`/w/${id}/screen`))?.status()).toBe(403);
	const revoke = await anna.page.request.post(`/w/${id}?/revokeScreen`, { form: {}, headers: { origin: new URL(anna.page.url()).origin } });
	expect(await revoke.text()).toContain('not_allowed');
	for (const c of [facilitator, anna]) await c.context.close();
});
