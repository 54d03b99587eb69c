import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, createWorkshop, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

const LIVE = { timeout: 10_000 };

async function joinAs(page: Page, input: { code: string; id: string; name: string; organisation: string; observer?: boolean }) {
	await page.goto(`/j/${input.code}`);
	await page.getByLabel('Your name').fill(input.name);
	await page.getByLabel('Your organisation').fill(input.organisation);
	if (input.observer) await page.locator('input[name=observer]').check();
	await Promise.all([page.waitForURL(`**/w/${input.id}`), page.getByRole('button', { name: 'Join the workshop' }).click()]);
	await page.waitForLoadState('load');
}

/** Opens the board and waits until it is live (connected and synced with the server). */
async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

const cardTexts = (page: Page) => page.locator('[data-testid=card] textarea').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
const readOnlyTexts = (page: Page) =>
	page
		.getByTestId('card-text')
		.allTextContents()
		.then((texts) => texts.map((t) => t.trim()));

describe('the live board', () => {
	test('two members write in the same card live, one offline for a while; reload, a fresh device and an observer see it all', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Live values' });
		const boardUrl = (await facilitator.page.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
		const participant = await newPage(browser);
		await joinAs(participant.page, { code, id, name: 'Kovács Anna', organisation: 'Innoskart ICT Cluster' });
		const f = facilitator.page;
		const p = participant.page;
		await openBoard(f, boardUrl);
		await openBoard(p, boardUrl);
		expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Values');
		expect(await p.getByTestId('phase').textContent()).toContain('Brainstorm');
		expect(await p.getByTestId('connection').textContent()).toContain('Live');

		// The participant adds a card and types; the facilitator sees it as it is typed.
		await p.getByTestId('add-card-top').click();
		await p.keyboard.type('Trust between members');
		await expect.poll(() => cardTexts(f), LIVE).toEqual(['Trust between members']);
		expect(await f.getByTestId('card').first().textContent()).toContain('Innoskart ICT Cluster');

		// The facilitator writes in the same card; the participant, still in it, sees it and keeps typing.
		await f.locator('[data-testid=card] textarea').first().click();
		await f.keyboard.press('Control+End');
		await f.keyboard.type(' grows');
		await expect.poll(() => cardTexts(p), LIVE).toEqual(['Trust between members grows']);
		// Who is writing where: the participant sees the facilitator in that card.
		await expect.poll(() => p.getByTestId('card-editor').textContent(), LIVE).toContain('Facilitator Fanni');
		// a pause, so that the next change is a separate step to undo
		await new Promise((r) => setTimeout(r, 600));
		await f.keyboard.press('Home');
		await f.keyboard.type('Mutual ');
		await expect.poll(() => cardTexts(p), LIVE).toEqual(['Mutual Trust between members grows']);

		// Undo takes back only one's own change, redo brings it back.
		await f.keyboard.press('Control+z');
		await expect.poll(() => cardTexts(p), LIVE).toEqual(['Trust between members grows']);
		await f.keyboard.press('Control+Shift+z');
		await expect.poll(() => cardTexts(p), LIVE).toEqual(['Mutual Trust between members grows']);

		// The facilitator makes a group and moves the card there with the menu (the keyboard way to drag).
		await f.getByTestId('add-group').click();
		await f.keyboard.type('Culture');
		await f.keyboard.press('Enter');
		await f.getByTestId('card-menu').first().click();
		await f.getByRole('menuitemradio', { name: 'Culture' }).click();
		const culture = p.getByTestId('column').filter({ has: p.locator('[data-testid=group-title]', { hasText: 'Culture' }) });
		await expect.poll(() => culture.locator('textarea').count(), LIVE).toBe(1);

		// Offline: the page says so, edits stay here, and go out on reconnecting.
		await participant.context.setOffline(true);
		await expect.poll(() => p.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('offline');
		expect(await p.getByTestId('connection').textContent()).toContain('Offline — your edits are kept on this device and sent when you reconnect');
		await p.locator('[data-testid=card] textarea').first().click();
		await p.keyboard.press('Control+End');
		await p.keyboard.type('!');
		await p.getByTestId('add-card-top').click();
		await p.keyboard.type('Written on the train');
		await new Promise((r) => setTimeout(r, 500));
		expect(await cardTexts(f)).toEqual(['Mutual Trust between members grows']);
		await participant.context.setOffline(false);
		await expect.poll(() => p.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
		await expect.poll(async () => (await cardTexts(f)).sort(), LIVE).toEqual(['Mutual Trust between members grows!', 'Written on the train']);

		// Reloading keeps everything, and so does a device with no local copy: it is on the server.
		await f.reload();
		await expect.poll(() => f.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
		expect((await cardTexts(f)).sort()).toEqual(['Mutual Trust between members grows!', 'Written on the train']);
		const fresh = await browser.newContext({ baseURL: baseUrl() });
		await fresh.addCookies(await participant.context.cookies());
		const freshPage = await fresh.newPage();
		await openBoard(freshPage, boardUrl);
		await expect.poll(async () => (await cardTexts(freshPage)).sort(), LIVE).toEqual(['Mutual Trust between members grows!', 'Written on the train']);

		// An observer sees the cards but cannot change anything.
		const observer = await newPage(browser);
		await joinAs(observer.page, { code, id, name: 'Olivér Observer', organisation: 'Ministry', observer: true });
		const o = observer.page;
		await openBoard(o, boardUrl);
		await expect.poll(async () => (await readOnlyTexts(o)).sort(), LIVE).toEqual(['Mutual Trust between members grows!', 'Written on the train']);
		expect(await o.getByTestId('read-only').textContent()).toContain('You are an observer');
		expect(await o.locator('[data-testid=board] textarea, [data-testid=board] input').count()).toBe(0);
		expect(await o.getByTestId('add-card-top').count()).toBe(0);
		expect(await o.getByTestId('add-group').count()).toBe(0);
		expect(await o.getByTestId('card-menu').count()).toBe(0);
		expect(await o.getByTestId('statement').locator('textarea').count()).toBe(0);
		// Everyone sees who is here.
		await expect.poll(() => f.getByTestId('avatar').count(), LIVE).toBe(3);

		for (const c of [facilitator.context, participant.context, fresh, observer.context]) await c.close();
	});

	test('two people typing at the same spot of one card at the same moment keep their runs whole (#14)', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Typing together' });
		const boardUrl = (await facilitator.page.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
		const participant = await newPage(browser);
		await joinAs(participant.page, { code, id, name: 'Kovács Anna', organisation: 'Innoskart ICT Cluster' });
		const f = facilitator.page;
		const p = participant.page;
		await openBoard(f, boardUrl);
		await openBoard(p, boardUrl);

		// One types a key; the other sees it land at their caret, then goes offline, and both type
		// on at that spot. The offline run holds the first one's key ("a", "s"): taken from a
		// diff, that key went after the first one's and split both runs. Roles swap in the
		// second round, since which way a split shows depends on the pages' Yjs client ids. The
		// participant adds the cards: theirs to write in, and a facilitator may write in any card.
		const runs = ['alma és körte ', 'szilva meg barack '];
		for (const round of [0, 1]) {
			const [first, second] = round === 0 ? [f, p] : [p, f];
			const [firstRun, secondRun] = round === 0 ? runs : [runs[1], runs[0]];
			const offline = round === 0 ? participant.context : facilitator.context;
			await p.getByTestId('add-card-top').click();
			await p.keyboard.type('idea ');
			await expect.poll(async () => (await cardTexts(f))[round], LIVE).toBe('idea ');
			for (const page of [f, p]) {
				await page.locator('[data-testid=card] textarea').nth(round).click();
				await page.keyboard.press('Control+End');
			}
			await first.keyboard.type(firstRun[0]);
			await expect.poll(async () => (await cardTexts(second))[round], LIVE).toBe(`idea ${firstRun[0]}`);
			await offline.setOffline(true);
			await expect.poll(() => second.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('offline');
			await Promise.all([first.keyboard.type(firstRun.slice(1), { delay: 10 }), second.keyboard.type(secondRun, { delay: 10 })]);
			await offline.setOffline(false);
			// The second typed before the first one's key all along: their run comes first, both whole.
			const expected = `idea ${secondRun}${firstRun}`;
			await expect.poll(async () => [(await cardTexts(f))[round], (await cardTexts(p))[round]], LIVE).toEqual([expected, expected]);
		}
		for (const c of [facilitator.context, participant.context]) await c.close();
	});

	test('the statement is drafted together, with alternatives and a typing note', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Mission drafting', name: 'Facilitator Fanni' });
		const boardUrl = (await facilitator.page.getByTestId('board').filter({ hasText: 'Mission' }).getByRole('link').getAttribute('href'))!;
		const participant = await newPage(browser);
		await joinAs(participant.page, { code, id, name: 'Nagy Béla', organisation: 'Pannon Business Network' });
		const f = facilitator.page;
		const p = participant.page;
		await openBoard(f, boardUrl);
		await openBoard(p, boardUrl);

		await f.getByTestId('statement-text').click();
		await f.keyboard.type('We connect firms');
		await expect.poll(() => p.getByTestId('statement-text').inputValue(), LIVE).toBe('We connect firms');
		await expect.poll(() => p.getByTestId('typing').textContent(), LIVE).toContain('Facilitator Fanni is typing…');

		// An alternative starts as a copy of the wording shown.
		await p.getByTestId('add-variant').click();
		await expect.poll(() => f.getByTestId('variant-tab').allTextContents(), LIVE).toEqual(['Main wording', 'Alternative 1']);
		await f.getByRole('tab', { name: 'Alternative 1' }).click();
		expect(await f.getByTestId('statement-text').inputValue()).toBe('We connect firms');
		await p.getByTestId('statement-text').click();
		await p.keyboard.press('Control+End');
		await p.keyboard.type(' and universities');
		await expect.poll(() => f.getByTestId('statement-text').inputValue(), LIVE).toBe('We connect firms and universities');
		await f.getByRole('tab', { name: 'Main wording' }).click();
		expect(await f.getByTestId('statement-text').inputValue()).toBe('We connect firms');
		// The wordings are tabs for the keyboard too: an arrow key moves, selects and shows.
		await f.keyboard.press('ArrowRight');
		expect(await f.getByRole('tab', { name: 'Alternative 1' }).getAttribute('aria-selected')).toBe('true');
		await expect.poll(() => f.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Alternative 1');
		expect(await f.getByRole('tabpanel').getByTestId('statement-text').inputValue()).toBe('We connect firms and universities');
		for (const c of [facilitator.context, participant.context]) await c.close();
	});

	test("the facilitator's controls reach the board live: lock, private brainstorming and reveal, bringing everyone to a board", async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Run the room' });
		const controls = facilitator.page;
		const boardUrl = (await controls.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
		const f = await facilitator.context.newPage();
		const participant = await newPage(browser);
		await joinAs(participant.page, { code, id, name: 'Kovács Anna', organisation: 'Innoskart ICT Cluster' });
		const p = participant.page;
		await openBoard(f, boardUrl);
		await openBoard(p, boardUrl);
		// The facilitator works the controls in the tab in front (a background tab runs slowly).
		await controls.bringToFront();
		await controls.getByRole('tab', { name: /Values/ }).click();

		await controls.getByRole('button', { name: 'Lock board' }).click();
		await expect
			.poll(
				() =>
					p
						.getByTestId('read-only')
						.textContent()
						.catch(() => ''),
				LIVE
			)
			.toContain('locked this board');
		expect(await p.getByTestId('add-card-top').count()).toBe(0);
		expect(await p.getByTestId('locked').isVisible()).toBe(true);
		await controls.getByRole('button', { name: 'Unlock board' }).click();
		await expect.poll(() => p.getByTestId('add-card-top').count(), LIVE).toBe(1);
		expect(await p.getByTestId('read-only').count()).toBe(0);

		// Private brainstorming: the participant's cards go to their own draft until the reveal.
		await controls.getByRole('button', { name: 'Private brainstorming' }).click();
		await expect.poll(() => p.getByTestId('add-private-card').count(), LIVE).toBe(1);
		expect(await p.getByTestId('add-card-top').count()).toBe(0);
		await p.getByTestId('add-private-card').click();
		await p.keyboard.type('A secret idea');
		await new Promise((r) => setTimeout(r, 800));
		expect(await cardTexts(f)).toEqual([]);
		await controls.getByRole('button', { name: 'Reveal all cards' }).click();
		await expect.poll(() => cardTexts(f), LIVE).toEqual(['A secret idea']);
		await expect
			.poll(() => p.locator('[data-testid=board] textarea').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value)), LIVE)
			.toEqual(['A secret idea']);

		// "Bring everyone here" takes the participant to that board.
		await controls.getByRole('tab', { name: /Mission/ }).click();
		await controls.getByRole('button', { name: 'Bring everyone here' }).click();
		await expect.poll(() => p.getByRole('heading', { level: 1 }).textContent(), LIVE).toBe('Mission');
		expect(p.url()).not.toBe(new URL(boardUrl, baseUrl()).href);
		await facilitator.context.close();
		await participant.context.close();
	});

	test('on a phone the board stacks its columns and never scrolls sideways', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Goals on a phone' });
		const boardUrl = (await facilitator.page.getByTestId('board').filter({ hasText: 'Long-term goals' }).getByRole('link').getAttribute('href'))!;
		const f = facilitator.page;
		await openBoard(f, boardUrl);
		await f.getByTestId('add-group').click();
		await f.keyboard.type('Competitiveness of the member firms and their international partners');
		await f.keyboard.press('Enter');

		// The participant writes the card on the phone (their own: theirs to edit there).
		const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
		await joinAs(phone.page, { code, id, name: 'Szabó-Kiss Erzsébet Katalin', organisation: 'Pannon Business Network Association for Regional Innovation' });
		const p = phone.page;
		await openBoard(p, boardUrl);
		await p.getByTestId('add-card-top').click();
		await p.keyboard.type('A long goal without spaces: internationalisation_of_small_and_medium_sized_enterprises');
		await p.getByTestId('goal-indicator').first().fill('Share of gross value added by cooperating firms');
		await p.getByTestId('goal-indicator').first().press('Enter');
		await expect.poll(() => cardTexts(f), LIVE).toEqual(['A long goal without spaces: internationalisation_of_small_and_medium_sized_enterprises']);
		await expect.poll(() => p.locator('[data-testid=card] textarea').count(), LIVE).toBe(1);
		await expect.poll(() => p.getByTestId('goal-indicator').first().inputValue(), LIVE).toBe('Share of gross value added by cooperating firms');
		expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		// Columns are stacked: each spans the width, one below the other.
		const boxes = await p.getByTestId('column').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
		expect(boxes).toHaveLength(2);
		for (const box of boxes) {
			expect(box.left).toBeGreaterThanOrEqual(0);
			expect(box.right).toBeLessThanOrEqual(390);
		}
		expect(boxes[1].top).toBeGreaterThan(boxes[0].bottom - 1);
		// Touch targets are at least 44 px.
		const buttons = await p.locator('[data-testid=board] button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
		for (const b of buttons) expect(Math.min(b.width, b.height)).toBeGreaterThanOrEqual(44);
		await facilitator.context.close();
		await phone.context.close();
	});
});
