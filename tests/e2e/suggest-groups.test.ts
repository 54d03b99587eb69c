/**
 * "Suggest groups" in a Hungarian workshop, through the built app: the facilitator writes
 * twelve cards, moves the board to clustering, asks for a suggestion, edits it (a title, a
 * card taken out, a group left out), accepts; a participant sees the groups arrive live; one
 * Ctrl+Z takes the whole grouping back, for everyone. Also on a 390 px phone.
 *
 * With SHOTS_DIR set, screenshots of the dialog (desktop and phone) are saved there.
 */
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorkshop, useBrowser, newPage } from './browser';

const chromium = useBrowser();

const LIVE = { timeout: 10_000 };
const CARDS = [
	'Együttműködés a tagok között',
	'Innováció a kkv-knál',
	'Bizalom',
	'Együttműködési kultúra erősítése',
	'Versenyképesség növelése',
	'Innovációs projektek',
	'Bizalomépítés a klaszterben',
	'Nemzetközi együttműködések',
	'Innovatív megoldások',
	'Versenyképes termékek',
	'Átlátható működés',
	'Fenntarthatóság'
];

async function openBoard(page: Page, url: string) {
	await page.goto(url);
	await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), LIVE).toBe('online');
}

/** The board's columns as the page shows them: the group's title ('' for the ungrouped cards) and its cards. */
const columns = (page: Page) =>
	page.getByTestId('column').evaluateAll((cols) =>
		cols.map((col) => {
			const title = col.querySelector('[data-testid=group-title]');
			return {
				group: col.getAttribute('data-group-id') ? (title instanceof HTMLInputElement ? title.value : (title?.textContent ?? '').trim()) : '',
				cards: [...col.querySelectorAll('[data-testid=card]')].map(
					(c) => c.querySelector('textarea')?.value ?? c.querySelector('[data-testid=card-text]')?.textContent?.trim() ?? ''
				)
			};
		})
	);

/** The open dialog's proposal: titles as edited and the cards under each. */
const proposal = (page: Page) =>
	page.getByTestId('suggested-group').evaluateAll((groups) =>
		groups.map((g) => ({
			title: (g.querySelector('[data-testid=suggested-title]') as HTMLInputElement).value,
			cards: [...g.querySelectorAll('[data-testid=suggested-card]')].map((c) => c.textContent!.trim())
		}))
	);

async function shot(page: Page, name: string) {
	if (process.env.SHOTS_DIR) await page.screenshot({ path: path.join(process.env.SHOTS_DIR, name), fullPage: false });
}

test('the facilitator accepts an edited suggestion; it reaches a participant live and one Ctrl+Z undoes it all', async () => {
	const facilitator = await newPage(chromium(), { locale: 'hu-HU', viewport: { width: 1280, height: 900 } });
	const f = facilitator.page;
	const { id, code } = await createWorkshop(f, { title: 'Klaszterstratégia 2030', language: 'hu', name: 'Moderátor Márta' });
	const boardUrl = (await f.getByTestId('board').filter({ hasText: 'Értékek' }).getByRole('link').getAttribute('href'))!;

	const participant = await newPage(chromium(), { locale: 'hu-HU' });
	const p = participant.page;
	await p.goto(`/j/${code}`);
	await p.getByLabel('Az Ön neve').fill('Nagy Katalin');
	await p.getByLabel('Az Ön szervezete').fill('Pannon Klaszter');
	await Promise.all([p.waitForURL(`**/w/${id}`), p.getByRole('button', { name: 'Csatlakozom a műhelyhez' }).click()]);

	await openBoard(f, boardUrl);
	await openBoard(p, boardUrl);
	for (const text of CARDS) {
		await f.getByTestId('add-card-top').click();
		await f.keyboard.type(text);
	}
	await expect.poll(() => columns(p), LIVE).toEqual([{ group: '', cards: CARDS }]);
	// Only in the cluster phase, and only for the facilitator.
	expect(await f.getByTestId('suggest-groups').count()).toBe(0);
	await f.getByTestId('board-console').getByRole('button', { name: 'Tovább: Csoportosítás' }).click();
	await expect.poll(() => f.getByTestId('suggest-groups').count(), LIVE).toBe(1);
	await expect.poll(() => p.getByTestId('phase').textContent(), LIVE).toContain('Csoportosítás');
	expect(await p.getByTestId('suggest-groups').count()).toBe(0);

	await f.getByRole('button', { name: 'Csoportok javaslata' }).click();
	const dialog = f.getByRole('dialog', { name: 'Javasolt csoportok' });
	await expect
		.poll(() => proposal(f), LIVE)
		.toEqual([
			{ title: 'Együttműködés', cards: ['Együttműködés a tagok között', 'Együttműködési kultúra erősítése', 'Nemzetközi együttműködések'] },
			{ title: 'Innováció', cards: ['Innováció a kkv-knál', 'Innovációs projektek', 'Innovatív megoldások'] },
			{ title: 'Bizalom', cards: ['Bizalom', 'Bizalomépítés a klaszterben'] },
			{ title: 'Versenyképesség', cards: ['Versenyképesség növelése', 'Versenyképes termékek'] }
		]);
	// Nothing is on the board until it is accepted.
	expect(await columns(p)).toEqual([{ group: '', cards: CARDS }]);
	await shot(f, 'suggest-dialog-hu-desktop.png');

	// Edit: a title, a card taken out with the keyboard, a group left out.
	await dialog.getByLabel('A(z) 1. javasolt csoport neve').fill('Együttműködés a klaszterben');
	await dialog.getByRole('button', { name: '„Innovatív megoldások” kivétele ebből a csoportból' }).focus();
	await f.keyboard.press('Enter');
	// the keyboard stays in the group: on the card before, as there is none after
	expect(await f.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('„Innovációs projektek” kivétele ebből a csoportból');
	// Ctrl+Z on a button of the dialog undoes nothing: not the cards just typed, nor the title just edited
	await f.keyboard.press('Control+z');
	await new Promise((r) => setTimeout(r, 300));
	expect(await columns(f)).toEqual([{ group: '', cards: CARDS }]);
	expect((await proposal(f))[0].title).toBe('Együttműködés a klaszterben');
	await dialog.getByRole('button', { name: 'A(z) „Versenyképesség” javasolt csoport elvetése' }).click();
	expect((await proposal(f)).map((g) => [g.title, g.cards.length])).toEqual([
		['Együttműködés a klaszterben', 3],
		['Innováció', 2],
		['Bizalom', 2]
	]);
	await dialog.getByRole('button', { name: 'Elfogadás' }).click();
	await expect.poll(() => dialog.count()).toBe(0);

	const grouped = [
		{ group: '', cards: ['Versenyképesség növelése', 'Innovatív megoldások', 'Versenyképes termékek', 'Átlátható működés', 'Fenntarthatóság'] },
		{ group: 'Együttműködés a klaszterben', cards: ['Együttműködés a tagok között', 'Együttműködési kultúra erősítése', 'Nemzetközi együttműködések'] },
		{ group: 'Innováció', cards: ['Innováció a kkv-knál', 'Innovációs projektek'] },
		{ group: 'Bizalom', cards: ['Bizalom', 'Bizalomépítés a klaszterben'] }
	];
	await expect.poll(() => columns(p), LIVE).toEqual(grouped);
	expect(await columns(f)).toEqual(grouped);

	// One Ctrl+Z (focus is back on the button that opened the dialog) takes back all of it, for everyone.
	expect(await f.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('suggest-groups');
	await f.keyboard.press('Control+z');
	await expect.poll(() => columns(p), LIVE).toEqual([{ group: '', cards: CARDS }]);
	expect(await columns(f)).toEqual([{ group: '', cards: CARDS }]);
	// and redo brings it back
	await f.keyboard.press('Control+Shift+z');
	await expect.poll(() => columns(p), LIVE).toEqual(grouped);

	// On a 390 px phone: the dialog fits the screen and works; with every card grouped there is nothing to suggest.
	await f.setViewportSize({ width: 390, height: 844 });
	await f.getByRole('button', { name: 'Csoportok javaslata' }).click();
	await expect
		.poll(() => proposal(f), LIVE)
		.toEqual([
			{ title: 'Versenyképesség', cards: ['Versenyképesség növelése', 'Versenyképes termékek'] },
			{ title: 'Innováció', cards: ['Innovatív megoldások'] }
		]);
	const box = (await dialog.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(390);
	expect(await f.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	expect(await dialog.getByText('A kártyák ebbe a meglévő csoportba kerülnek.').count()).toBe(1);
	await shot(f, 'suggest-dialog-hu-390.png');
	await dialog.getByRole('button', { name: 'Elfogadás' }).click();
	await expect
		.poll(() => columns(p), LIVE)
		.toEqual([
			{ group: '', cards: ['Átlátható működés', 'Fenntarthatóság'] },
			grouped[1],
			{ group: 'Innováció', cards: ['Innováció a kkv-knál', 'Innovációs projektek', 'Innovatív megoldások'] },
			grouped[3],
			{ group: 'Versenyképesség', cards: ['Versenyképesség növelése', 'Versenyképes termékek'] }
		]);
	await shot(f, 'suggest-board-hu-390.png');

	await f.getByRole('button', { name: 'Csoportok javaslata' }).click();
	await expect.poll(() => dialog.getByTestId('suggest-empty').textContent(), LIVE).toBe('A csoport nélküli kártyák között nincs közös szó.');
	expect(await dialog.getByRole('button', { name: 'Elfogadás' }).isDisabled()).toBe(true);
	await f.keyboard.press('Escape');
	await expect.poll(() => dialog.count()).toBe(0);
	await facilitator.context.close();
	await participant.context.close();
});
