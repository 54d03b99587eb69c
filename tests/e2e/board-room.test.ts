/**
 * A board for a room: 200 cards in 12 groups read on a 1366×768 laptop and a 390 px phone;
 * cards move by dragging (with auto-scroll to a group off screen), by keyboard, several at
 * once, and groups merge.
 */
import { expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { addCard, addGroup } from '#lib/domain/board/board-model.js';
import { baseUrl, createWorkshop, joinAs, useBrowser, newPage } from './browser';
import { longPressDrag, TOUCH_DRAG_ARGS } from './touch';

const chromium = useBrowser(TOUCH_DRAG_ARGS);

const LIVE = { timeout: 10_000 };
const shots = process.env.SCREENSHOT_DIR;
async function shot(page: Page, name: string) {
	if (!shots) return;
	await mkdir(shots, { recursive: true });
	await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

const THEMES = [
	'Együttműködés',
	'Bizalom',
	'Innováció',
	'Versenyképesség',
	'Nemzetközi piacok',
	'Tudásmegosztás',
	'Fenntarthatóság',
	'Digitalizáció',
	'Klasztermenedzsment',
	'Szabályozás',
	'Kutatás-fejlesztés',
	'Képzés'
];

/** Writes 12 groups of 16 cards and 8 ungrouped ones into the board as the facilitator, over the real protocol. */
async function fillBoard(context: BrowserContext, workshopId: string, boardId: string) {
	const cookies = await context.cookies(baseUrl());
	const session = cookies.find((c) => c.name === `rt_${workshopId.replaceAll('-', '')}`)!;
	const memberId = JSON.parse(Buffer.from(session.value.split('.')[1], 'base64url').toString()).sub as string;
	const doc = new Y.Doc();
	const url = baseUrl().replace(/^http/, 'ws') + '/sync';
	const provider = new WebsocketProvider(url, `board/${boardId}`, doc, {
		WebSocketPolyfill: class extends WebSocket {
			constructor(address: string, protocols?: string | string[]) {
				super(address, protocols, { headers: { cookie: `${session.name}=${session.value}`, origin: baseUrl() } });
			}
		} as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await new Promise<void>((resolve) => provider.once('sync', (s: boolean) => s && resolve()));
	const author = { memberId, name: 'Facilitator Fanni', organisation: '' };
	doc.transact(() => {
		THEMES.forEach((theme, g) => {
			const group = addGroup(doc, theme, undefined, { createdBy: memberId });
			for (let i = 0; i < 16; i++) addCard(doc, { author, text: `${theme}: ${i + 1}. gondolat a közös jövőről`, group });
			if (g < 8) addCard(doc, { author, text: `Ötlet csoport nélkül ${g + 1}` });
		});
	});
	// Until the server has it (its answer to our sync step 1 comes after our update).
	await new Promise((r) => setTimeout(r, 1500));
	provider.destroy();
}

/** The card whose text is `text`: a text field's value where this member may edit it, its text elsewhere. */
const cardWith = (page: Page, text: string) =>
	page.evaluate((t) => {
		const shown = (card: Element) => card.querySelector('textarea')?.value ?? card.querySelector('[data-testid=card-text]')?.textContent?.trim();
		return [...document.querySelectorAll<HTMLElement>('[data-testid=card]')].find((c) => shown(c) === t)?.dataset.cardId ?? null;
	}, text);
const card = async (page: Page, text: string) => page.locator(`[data-testid=card][data-card-id="${await cardWith(page, text)}"]`);
const groupOf = async (page: Page, text: string) => {
	const id = await cardWith(page, text);
	return id ? page.locator(`[data-testid=column]:has([data-card-id="${id}"])`).first().getAttribute('data-group-id') : null;
};
const columnTitle = (page: Page, groupId: string) => page.locator(`[data-testid=column][data-group-id="${groupId}"] [data-testid=group-title]`).first();

test(
	'200 cards in 12 groups: readable on a laptop and a phone; drag with auto-scroll by mouse and by touch, keyboard, several at once, merge',
	{ timeout: 150_000 },
	async () => {
		const facilitator = await newPage(chromium(), { viewport: { width: 1366, height: 768 } });
		const f = facilitator.page;
		const { id, code } = await createWorkshop(f, { title: 'Kétszáz kártya' });
		const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Values' }).getByRole('link').getAttribute('href'))!;
		await fillBoard(facilitator.context, id, boardUrl.split('/b/')[1]);
		await f.goto(boardUrl);
		await expect.poll(() => f.getByTestId('card').count(), LIVE).toBe(200);
		await f.getByTestId('board-console').getByRole('button', { name: 'Next: Cluster' }).click();
		await expect.poll(() => f.getByTestId('phase').first().textContent(), LIVE).toContain('Cluster');

		// Dense enough to scan: the groups sit side by side, the page never scrolls sideways, and
		// the board is a few screens tall, not 200 cards tall.
		expect(await f.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
		const columns = f.getByTestId('columns');
		const rows = await f.locator('[data-testid=column]').evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
		expect(rows).toBe(1);
		expect(await f.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(768 * 4);
		const cardHeight = await f
			.getByTestId('card')
			.first()
			.evaluate((el) => el.getBoundingClientRect().height);
		expect(cardHeight).toBeLessThan(90);
		await shot(f, 'board-200-laptop-en');

		// Drag a card to the last group, off screen to the right: the columns scroll by themselves.
		const last = await f.locator('[data-testid=column]').last().getAttribute('data-group-id');
		const dragged = await card(f, 'Ötlet csoport nélkül 1');
		await dragged.scrollIntoViewIfNeeded();
		const handle = (await dragged.getByTestId('card-handle').boundingBox())!;
		const box = (await columns.boundingBox())!;
		await f.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
		await f.mouse.down();
		await f.mouse.move(handle.x + 40, handle.y + 10, { steps: 4 });
		const edgeY = Math.min(box.y + 120, 700);
		for (let i = 0; i < 200; i++) {
			await f.mouse.move(box.x + box.width - 6 - (i % 2), edgeY);
			const visible = await f
				.locator('[data-testid=column]')
				.last()
				.evaluate((el, right) => el.getBoundingClientRect().right <= right + 1, box.x + box.width);
			if (visible) break;
			await f.waitForTimeout(30);
		}
		expect(await columns.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
		const target = (await f.locator('[data-testid=column]').last().boundingBox())!;
		await f.mouse.move(target.x + target.width / 2, target.y + 60, { steps: 5 });
		expect(await f.getByTestId('drop-line').count()).toBe(1);
		await f.mouse.up();
		await expect.poll(() => groupOf(f, 'Ötlet csoport nélkül 1'), LIVE).toBe(last);

		// The keyboard: Space picks up, arrows move (right = next group), Space drops; announced.
		const first = await f.locator('[data-testid=column]').nth(1).getAttribute('data-group-id');
		const second = await f.locator('[data-testid=column]').nth(2).getAttribute('data-group-id');
		const kb = (await card(f, 'Ötlet csoport nélkül 2')).getByTestId('card-handle');
		await kb.focus();
		await f.keyboard.press('Space');
		expect(await kb.getAttribute('aria-pressed')).toBe('true');
		await f.keyboard.press('ArrowRight');
		await f.keyboard.press('ArrowRight');
		await f.keyboard.press('ArrowDown');
		expect(await f.getByTestId('drop-line').count()).toBe(1);
		await f.keyboard.press('Space');
		await expect.poll(() => groupOf(f, 'Ötlet csoport nélkül 2'), LIVE).toBe(second);
		const secondCards = await f
			.locator(`[data-testid=column][data-group-id="${second}"] [data-testid=card] textarea`)
			.evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
		expect(secondCards[1]).toBe('Ötlet csoport nélkül 2');
		await expect.poll(() => f.locator('body > [role=status]').filter({ hasText: 'Moved 1 card to' }).count(), LIVE).toBe(1);
		// Escape puts a picked-up card back.
		const stay = (await card(f, 'Ötlet csoport nélkül 3')).getByTestId('card-handle');
		await stay.focus();
		await f.keyboard.press('Space');
		await f.keyboard.press('ArrowRight');
		await f.keyboard.press('Escape');
		expect(await groupOf(f, 'Ötlet csoport nélkül 3')).toBe('');

		// Several at once: pick three, move them to the first group together.
		for (const n of [3, 4, 5]) await (await card(f, `Ötlet csoport nélkül ${n}`)).getByTestId('card-select').check();
		expect(await f.getByTestId('selection-bar').textContent()).toContain('3 cards selected');
		await f.getByTestId('selection-target').selectOption(first!);
		await f.getByTestId('selection-move').click();
		for (const n of [3, 4, 5]) await expect.poll(() => groupOf(f, `Ötlet csoport nélkül ${n}`), LIVE).toBe(first);
		expect(await f.getByTestId('selection-bar').count()).toBe(0);

		// Merge the second group into the first: one group fewer, its cards after the first's.
		const before = await f.locator(`[data-testid=column][data-group-id="${first}"] [data-testid=card]`).count();
		const moved = await f.locator(`[data-testid=column][data-group-id="${second}"] [data-testid=card]`).count();
		await f.locator(`[data-testid=column][data-group-id="${second}"]`).getByTestId('group-menu').click();
		await f.getByTestId('merge-into').filter({ hasText: THEMES[0] }).click();
		await expect.poll(() => f.locator(`[data-testid=column][data-group-id="${second}"]`).count(), LIVE).toBe(0);
		expect(await f.locator(`[data-testid=column][data-group-id="${first}"] [data-testid=card]`).count()).toBe(before + moved);
		expect(await columnTitle(f, first!).inputValue()).toBe(THEMES[0]);

		// A participant's phone: the groups stack, nothing scrolls sideways.
		const phone = await newPage(chromium(), { viewport: { width: 390, height: 844 }, touch: true });
		const p = phone.page;
		await joinAs(p, code, id, 'Szabó Béla', 'NOHAC');
		await p.goto(boardUrl);
		await expect.poll(() => p.getByTestId('card').count(), LIVE).toBe(200);
		expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await shot(p, 'board-200-phone-en');

		// A finger drags a card to a group two screens below: long press on its handle, hold at
		// the foot of the screen while the page scrolls by itself, let go over the group.
		const touched = await card(p, 'Ötlet csoport nélkül 6');
		await touched.scrollIntoViewIfNeeded();
		const below = await p
			.locator('[data-testid=column]')
			.evaluateAll((els) => els.find((el) => el.getBoundingClientRect().top > 2 * innerHeight)?.getAttribute('data-group-id'));
		const lastColumn = p.locator(`[data-testid=column][data-group-id="${below}"]`);
		const grip = (await touched.getByTestId('card-handle').boundingBox())!;
		const scrolledFrom = await p.evaluate(() => scrollY);
		const finger = await longPressDrag(p, grip.x + grip.width / 2, grip.y + grip.height / 2);
		for (let i = 0; i < 300; i++) {
			await finger.over(195, 835);
			if (await lastColumn.evaluate((el) => el.getBoundingClientRect().top < 400)) break;
			await p.waitForTimeout(30);
		}
		expect(await p.evaluate(() => scrollY)).toBeGreaterThan(scrolledFrom + 844);
		const onto = (await lastColumn.boundingBox())!;
		const dropAt = { x: onto.x + onto.width / 2, y: Math.min(onto.y + 60, 700) };
		await expect
			.poll(async () => {
				await finger.over(dropAt.x, dropAt.y);
				return p.getByTestId('drop-line').count();
			}, LIVE)
			.toBe(1);
		await finger.drop(dropAt.x, dropAt.y);
		await expect.poll(() => groupOf(p, 'Ötlet csoport nélkül 6'), LIVE).toBe(below);
		// Everyone sees it there: the facilitator's laptop too.
		await expect.poll(() => groupOf(f, 'Ötlet csoport nélkül 6'), LIVE).toBe(below);
		await shot(p, 'board-200-phone-dropped-en');

		for (const c of [facilitator, phone]) await c.context.close();
	}
);
