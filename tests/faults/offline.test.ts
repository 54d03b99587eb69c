import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readBoard } from '#lib/domain/board/board-model.js';
import { CONNECT_TIMEOUT_MS } from '#lib/state/connect-watchdog.js';
import type { Sql } from '#lib/server/db/client.js';
import { createWorkshopOver, joinOver, startApp, tempDataDir } from '../e2e/app-process';
import { appDatabase, formAction, sleep, storedDoc } from './helpers';

/**
 * Issue #7, client network loss: "a participant offline for 2 minutes with edits, then back:
 * edits merge, nothing lost, and the browser shows the state honestly throughout."
 *
 * The real build (its own embedded Postgres) and real Chromium, three participants on one
 * board; Anna is on a 390 px phone. Anna's browser goes offline (`context.setOffline`) for
 * OFFLINE_MS (two full minutes). While away she adds cards, types into a card that Béla and
 * Csilla are typing into too, moves a card to a group and edits the statement; Béla and
 * Csilla keep working online. Her screen is read at several moments (and every change of
 * her connection badge is recorded): it must never claim to be live or saved while she is
 * away. Back online she reconnects by herself, without a reload, within RECONNECT_MS; then
 * every screen and the database (read with the sync server's own store code) hold the same
 * board, with every contribution once.
 *
 * The second test loses the network without telling the browser (a proxy between Anna and the
 * app goes silent for OFFLINE_MS; no 'offline' event): her badge must stop saying live within
 * seconds of her first unconfirmed edit, without blaming the database, and once the network is
 * back the page must reconnect by itself although the attempt it made meanwhile was lost.
 */

/** The network loss. OFFLINE_MS may shorten it while working on this test; the issue asks for 120 s. */
const OFFLINE_MS = Number(process.env.OFFLINE_MS ?? 120_000);
/** From the network's return to Anna's badge saying live and saved, and to the others seeing her edits. */
const RECONNECT_MS = 5000;
/**
 * After a silent loss: the attempt the provider made meanwhile hangs until the page gives it up
 * (CONNECT_TIMEOUT_MS), then the provider's backoff (at most 2.5 s), and a margin.
 */
const SILENT_RECONNECT_MS = CONNECT_TIMEOUT_MS + 2500 + RECONNECT_MS;
/** How long a screen may take to show something (a busy 2-core machine, three browsers). */
const SHOW_MS = 10_000;
const SHOTS = process.env.OFFLINE_SHOTS ?? '/tmp/shots-offline';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * What a test started, stopped in reverse order when it finishes (passed or not). The tests run
 * concurrently: the hook must be the test's own (from its context), not the global one.
 */
function cleanupList(onFinished: typeof onTestFinished): (() => Promise<unknown>)[] {
	const list: (() => Promise<unknown>)[] = [];
	onFinished(async () => {
		for (const c of list.reverse()) await c().catch((e) => console.error(e));
	});
	return list;
}

/** A board as a screen shows it: columns (group id, then card id and text in order) and the main wording. */
interface Shown {
	columns: { group: string; cards: { id: string; text: string }[] }[];
	statement: string;
}

function readScreen(): Shown {
	const columns = [...document.querySelectorAll('[data-testid=column]')].map((column) => ({
		group: column.getAttribute('data-group-id') ?? '',
		cards: [...column.querySelectorAll('[data-testid=card]')].map((card) => ({
			id: card.getAttribute('data-card-id') ?? '',
			text: card.querySelector('textarea')?.value ?? ''
		}))
	}));
	const statement = document.querySelector<HTMLTextAreaElement>('textarea[data-testid=statement-text]')?.value ?? '';
	return { columns, statement };
}

/** One line per card (group, id, text) and the statement: what the database and a screen must agree on. */
function canonical(shown: Shown): string[] {
	const cards = shown.columns.flatMap((c) => c.cards.map((card) => `card ${c.group || '-'} ${card.id} ${JSON.stringify(card.text)}`)).sort();
	return [...cards, `statement ${JSON.stringify(shown.statement)}`];
}

/** What the connection badge said, each time it changed (recorded in the page). */
interface BadgeState {
	at: number;
	status: string;
	save: string;
	text: string;
}

function recordBadge(): void {
	const log: BadgeState[] = [];
	(window as unknown as { badgeLog: BadgeState[] }).badgeLog = log;
	let last = '';
	const read = () => {
		const badge = document.querySelector('[data-testid=connection]');
		if (!badge) return;
		const state = {
			at: Date.now(),
			status: badge.getAttribute('data-status') ?? '',
			save: badge.getAttribute('data-save') ?? '',
			text: badge.textContent?.trim() ?? ''
		};
		const key = `${state.status}|${state.save}|${state.text}`;
		if (key === last) return;
		last = key;
		log.push(state);
	};
	new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
	read();
}

const badgeLog = (page: Page) => page.evaluate(() => (window as unknown as { badgeLog: BadgeState[] }).badgeLog);
const badge = (page: Page) =>
	page.evaluate(() => {
		const el = document.querySelector('[data-testid=connection]');
		return { status: el?.getAttribute('data-status') ?? '', save: el?.getAttribute('data-save') ?? '', text: el?.textContent?.trim() ?? '' };
	});

/** Waits until `page` shows a card with exactly `text`; returns its id. */
async function cardId(page: Page, text: string, what: string): Promise<string> {
	const handle = await page
		.waitForFunction(
			(t) => [...document.querySelectorAll('[data-testid=card]')].find((c) => c.querySelector('textarea')?.value === t)?.getAttribute('data-card-id'),
			text,
			{ timeout: SHOW_MS }
		)
		.catch(() => {
			throw new Error(`${what}: no card "${text}" on the screen within ${SHOW_MS} ms`);
		});
	return (await handle.jsonValue()) as string;
}

const texts = (page: Page) => page.evaluate(() => [...document.querySelectorAll('[data-testid=card] textarea')].map((a) => (a as HTMLTextAreaElement).value));

/** Anna's board on her phone (the whole page) and, resized, on a laptop (the top of it). */
async function screenshots(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: path.join(SHOTS, `${name}-phone.png`), fullPage: true });
	await page.setViewportSize(DESKTOP);
	const scrolled = await page.evaluate(() => scrollY);
	await page.evaluate(() => scrollTo(0, 0));
	await page.screenshot({ path: path.join(SHOTS, `${name}-desktop.png`) });
	await page.setViewportSize(PHONE);
	await page.evaluate((y) => scrollTo(0, y), scrolled);
}

/** Resolves when `condition` holds, polling; fails with `what` after `timeout`. Returns the time it took. */
async function until(condition: () => Promise<boolean>, timeout: number, what: string): Promise<number> {
	const start = Date.now();
	for (;;) {
		if (await condition()) return Date.now() - start;
		if (Date.now() - start > timeout) throw new Error(`${what}: not within ${timeout} ms`);
		await sleep(50);
	}
}

/**
 * A network between one browser and the app that can go silent: while cut, nothing passes
 * either way and nobody is told (no 'offline' event, no reset — venue Wi-Fi still associated,
 * its uplink gone). On open connections bytes and closes are held, as TCP holds them while it
 * retransmits, and delivered in order once the network is back; a connection attempted while
 * cut is lost for good (the browser's side stays open and hears nothing).
 */
class SilentNetwork {
	readonly #server: net.Server;
	readonly #sockets = new Set<net.Socket>();
	#held: (() => void)[] | null = null;

	private constructor(server: net.Server) {
		this.#server = server;
	}

	static async to(port: number): Promise<SilentNetwork> {
		const server = net.createServer();
		const network = new SilentNetwork(server);
		server.on('connection', (client) => network.#connect(client, port));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return network;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
	}

	#connect(client: net.Socket, port: number): void {
		this.#sockets.add(client);
		client.on('close', () => this.#sockets.delete(client));
		client.on('error', () => {});
		// A connection attempt into a dead uplink is lost, as its SYN is: it never reaches the app.
		if (this.#held) return;
		const upstream = net.connect(port, '127.0.0.1');
		this.#sockets.add(upstream);
		upstream.on('close', () => this.#sockets.delete(upstream));
		upstream.on('error', () => {});
		this.#forward(client, upstream);
		this.#forward(upstream, client);
	}

	#forward(from: net.Socket, to: net.Socket): void {
		from.on('data', (chunk) => this.#pass(() => to.write(chunk)));
		from.on('end', () => this.#pass(() => to.end()));
		from.on('close', () => this.#pass(() => to.destroy()));
	}

	#pass(deliver: () => void): void {
		if (this.#held) this.#held.push(deliver);
		else deliver();
	}

	cut(): void {
		this.#held ??= [];
	}

	restore(): void {
		const held = this.#held ?? [];
		this.#held = null;
		for (const deliver of held) deliver();
	}

	async close(): Promise<void> {
		this.restore();
		for (const socket of this.#sockets) socket.destroy();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}

/** The built app with its own Postgres, a workshop whose first board is in the cluster phase, and Chromium. */
async function startBoard(title: string, onFinished: typeof onTestFinished) {
	const cleanups = cleanupList(onFinished);
	await mkdir(SHOTS, { recursive: true });
	const data = await tempDataDir();
	cleanups.push(data.remove);
	const app = await startApp({ dataDir: data.dir });
	cleanups.push(async () => {
		app.child.kill('SIGTERM');
		const stopped = await Promise.race([app.exited.then(() => true), sleep(15_000).then(() => false)]);
		if (!stopped) app.child.kill('SIGKILL');
	});
	const workshop = await createWorkshopOver(app.baseUrl, title);
	const boardId = workshop.boards[0];
	const boardPath = `/w/${workshop.workshopId}/b/${boardId}`;
	// All three write in one card and rename each other's groups: a board that allows it.
	const early = await appDatabase(data.dir);
	await early.sql`update public.boards set participants_edit_others = true, participants_manage_groups = true where id = ${boardId}`;
	await early.sql.end({ timeout: 1 });
	// Clustering: participants may add cards, group them and edit the statement.
	const phase = await formAction(app.baseUrl, `/w/${workshop.workshopId}`, 'setPhase', { board: boardId, phase: 'cluster' }, workshop.cookie);
	expect(phase, 'the facilitator opens the cluster phase').toMatchObject({ status: 200, type: 'success' });
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
	cleanups.push(() => browser.close());
	/** One participant's own browser context on the board, live, its badge recorded; `via`: another address of the app. */
	const open = async (cookie: string, viewport: { width: number; height: number }, via = app.baseUrl): Promise<{ context: BrowserContext; page: Page }> => {
		const context = await browser.newContext({ locale: 'en-GB', viewport, hasTouch: viewport.width < 500 });
		const [name, value] = cookie.split(/=(.*)/s);
		await context.addCookies([{ name, value, url: via }]);
		const page = await context.newPage();
		await page.goto(`${via}${boardPath}`);
		await page.locator('[data-testid=connection][data-status=online]').waitFor({ timeout: SHOW_MS });
		await page.evaluate(recordBadge);
		return { context, page };
	};
	return { app, data, workshop, boardId, open, cleanups };
}

async function addGroup(page: Page, title: string): Promise<void> {
	await page.getByTestId('add-group').click();
	await page.keyboard.type(title);
	await page.keyboard.press('Enter');
}

async function addCard(page: Page, text: string): Promise<void> {
	await page.getByTestId('add-card-top').click();
	await page.keyboard.type(text);
}

/** Types at the start or the end of a card's text. */
async function typeInCard(page: Page, id: string, where: 'start' | 'end', text: string): Promise<void> {
	await page.locator(`[data-testid=card][data-card-id="${id}"] textarea`).click();
	await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
	await page.keyboard.type(text);
}

/** On a phone the statement is in a drawer opened from the bottom bar; `keepOpen` leaves it open. */
async function typeInStatement(page: Page, where: 'start' | 'end', text: string, keepOpen = false): Promise<void> {
	const drawer = page.getByTestId('statement-toggle');
	const opened = (await drawer.count()) > 0 && !(await page.locator('textarea[data-testid=statement-text]').isVisible());
	if (opened) await drawer.click();
	await page.locator('textarea[data-testid=statement-text]').click();
	await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
	await page.keyboard.type(text);
	if (opened && !keepOpen) await drawer.click();
}

async function moveCard(page: Page, id: string, group: string): Promise<void> {
	await page.locator(`[data-testid=card][data-card-id="${id}"] [data-testid=card-menu]`).click();
	await page.getByRole('menuitemradio', { name: group }).click();
}

/** The board as the database has it, read with the sync server's own store code. */
async function storedBoard(sql: Sql, boardId: string): Promise<Shown> {
	const view = readBoard(await storedDoc(sql, `board/${boardId}`));
	return {
		columns: [{ group: '', cards: view.ungrouped }, ...view.groups.map((g) => ({ group: g.id, cards: g.cards }))].map((col) => ({
			group: col.group,
			cards: col.cards.map((card) => ({ id: card.id, text: card.text }))
		})),
		statement: view.variants.find((v) => v.id === 'main')?.text ?? ''
	};
}

test.concurrent(
	`a participant offline for ${OFFLINE_MS / 1000} s with edits, then back: everything merges, nothing is lost, her screen says so honestly`,
	async ({ onTestFinished }) => {
		const { app, data, workshop, boardId, open, cleanups } = await startBoard('Offline for two minutes', onTestFinished);
		const [anna, bela, csilla] = await Promise.all([
			joinOver(app.baseUrl, workshop.code, 'Anna', 'Innoskart'),
			joinOver(app.baseUrl, workshop.code, 'Béla', 'Pannon'),
			joinOver(app.baseUrl, workshop.code, 'Csilla', 'Agrár')
		]);
		const A = await open(anna.cookie, PHONE);
		const b = (await open(bela.cookie, DESKTOP)).page;
		const c = (await open(csilla.cookie, DESKTOP)).page;
		const a = A.page;
		const all = [a, b, c];

		// Before: two groups, a card everyone will write in, a card Anna will move, the statement.
		await addGroup(b, 'People');
		await addGroup(c, 'Place');
		await addCard(b, 'Trust');
		const shared = await cardId(a, 'Trust', "Anna sees Béla's card");
		await addCard(c, 'Openness');
		const toMove = await cardId(a, 'Openness', "Anna sees Csilla's card");
		await addCard(c, 'Quality');
		const csillaMoves = await cardId(b, 'Quality', "Béla sees Csilla's second card");
		await typeInStatement(b, 'end', 'We connect firms');
		for (const page of all) {
			await until(async () => (await page.evaluate(readScreen)).columns.filter((col) => col.group).length === 2, SHOW_MS, 'every screen shows both groups');
			await until(
				async () => (await page.locator('textarea[data-testid=statement-text]').inputValue()) === 'We connect firms',
				SHOW_MS,
				'every screen shows the statement'
			);
			await until(async () => (await texts(page)).length === 3, SHOW_MS, 'every screen shows the three cards');
		}
		const groupIds = await b.evaluate(() =>
			Object.fromEntries(
				[...document.querySelectorAll('[data-testid=column]')].map((col) => [
					col.querySelector<HTMLInputElement>('input[data-testid=group-title]')?.value ?? '',
					col.getAttribute('data-group-id') ?? ''
				])
			)
		);
		expect(Object.keys(groupIds).sort(), "the groups on Béla's screen").toEqual(['', 'People', 'Place']);
		await until(
			async () => (await a.locator('[data-testid=connection][data-save=saved][data-status=online]').count()) === 1,
			SHOW_MS,
			"Anna's badge says live and saved before she goes"
		);
		// (an avatar shows initials; the name and organisation are its text for screen readers)
		const avatars = (page: Page) => page.getByTestId('avatar').evaluateAll((els) => els.map((e) => e.querySelector('.sr-only')?.textContent ?? ''));
		expect(
			(await avatars(b)).some((l) => l.startsWith('Anna')),
			'Béla sees Anna here'
		).toBe(true);

		// Anna's network goes.
		await A.context.setOffline(true);
		const offlineAt = Date.now();
		const shownOfflineMs = await until(async () => (await badge(a)).status === 'offline', SHOW_MS, "Anna's badge leaves 'online'");
		const checks: { at: string; badge: Awaited<ReturnType<typeof badge>> }[] = [{ at: 'going offline', badge: await badge(a) }];

		// Away: Anna adds two cards and types at the end of the shared card; Béla writes at its
		// start, Csilla adds a card and moves another one.
		const firstEditAt = [Date.now()];
		await addCard(a, 'Anna offline one');
		firstEditAt.push(Date.now());
		await addCard(a, 'Anna offline two');
		await typeInCard(a, shared, 'end', ' between members');
		await typeInCard(b, shared, 'start', 'Mutual ');
		await addCard(b, 'Béla online one');
		await addCard(c, 'Csilla online one');
		await moveCard(c, csillaMoves, 'People');
		checks.push({ at: 'after the first offline edits', badge: await badge(a) });
		// Anna's screen once she has edited: offline, and her work not saved yet.
		await until(async () => (await badge(a)).text.startsWith('Offline — not saved yet'), SHOW_MS, "Anna's badge says her edits are not saved yet");

		// Half time: nothing crossed either way. Meanwhile, when does Béla's screen stop showing Anna as here?
		let annaGoneFromBelaMs: number | null = null;
		while (Date.now() < offlineAt + OFFLINE_MS / 2) {
			if (annaGoneFromBelaMs === null && !(await avatars(b)).some((l) => l.startsWith('Anna'))) annaGoneFromBelaMs = Date.now() - offlineAt;
			await sleep(Math.min(1000, Math.max(0, offlineAt + OFFLINE_MS / 2 - Date.now())));
		}
		checks.push({ at: 'half time', badge: await badge(a) });
		await screenshots(a, 'offline');
		expect(await texts(a), "Anna's screen while away: none of the others' new work").not.toContain('Béla online one');
		for (const page of [b, c]) expect(await texts(page), 'the others while Anna is away: none of her new cards').not.toContain('Anna offline one');

		// Second half: Anna moves Csilla's card and writes in the statement; Béla writes in the
		// statement too; Csilla types in the shared card; Anna adds a last card.
		await moveCard(a, toMove, 'Place');
		await a.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
		await typeInStatement(a, 'end', ' and universities', true);
		// Writing at the foot of her phone's screen, the badge at the top is out of sight: a short copy stays in view.
		const float = a.getByTestId('connection-float');
		await float.waitFor({ state: 'visible', timeout: SHOW_MS }).catch(() => {
			throw new Error("Anna's phone, scrolled to the statement: no offline notice in view");
		});
		expect(await float.textContent().then((t) => t?.trim()), 'the notice in view while she writes').toBe('Offline — not saved yet');
		const inView = await a.evaluate(() => {
			const box = (el: Element | null) => el?.getBoundingClientRect() ?? null;
			const badge = box(document.querySelector('[data-testid=connection]'));
			const copy = box(document.querySelector('[data-testid=connection-float]'));
			return { badge: !!badge && badge.bottom > 0 && badge.top < innerHeight, copy: !!copy && copy.top >= 0 && copy.bottom <= innerHeight };
		});
		expect(inView, "what Anna's phone shows while she writes the statement").toEqual({ badge: false, copy: true });
		await a.screenshot({ path: path.join(SHOTS, 'offline-phone-writing.png') });
		await a.getByTestId('statement-toggle').click();
		await typeInStatement(b, 'start', 'Together, ');
		await typeInCard(c, shared, 'end', ' (Csilla)');
		await addCard(c, 'Csilla online two');
		await addCard(a, 'Anna offline three');
		await addCard(b, 'Béla online two');

		// Just before she is back.
		await sleep(Math.max(0, offlineAt + OFFLINE_MS - 3000 - Date.now()));
		checks.push({ at: 'before coming back', badge: await badge(a) });
		for (const page of [b, c]) expect(await texts(page), 'the others just before Anna is back: none of her new cards').not.toContain('Anna offline three');
		const annaBefore = await a.evaluate(readScreen);
		await sleep(Math.max(0, offlineAt + OFFLINE_MS - Date.now()));

		// Back.
		await A.context.setOffline(false);
		const backAt = Date.now();
		const offlineFor = backAt - offlineAt;
		const reconnectMs = await until(async () => (await badge(a)).status === 'online', RECONNECT_MS, 'Anna reconnects by herself');
		await until(
			async () => {
				const now = await badge(a);
				return now.status === 'online' && now.save === 'saved';
			},
			RECONNECT_MS,
			"Anna's badge says live and saved"
		);
		const savedMs = Date.now() - backAt;
		await float.waitFor({ state: 'detached', timeout: SHOW_MS });
		const annaCards = ['Anna offline one', 'Anna offline two', 'Anna offline three'];
		const seen = [0, 0];
		const seenBy = async (page: Page, who: string) => {
			await until(
				async () => {
					const now = await texts(page);
					return annaCards.every((t) => now.includes(t));
				},
				RECONNECT_MS,
				`${who} sees Anna's offline cards`
			);
			seen[page === b ? 0 : 1] = Date.now();
		};
		await Promise.all([seenBy(b, 'Béla'), seenBy(c, 'Csilla')]);
		const [belaSeesMs, csillaSeesMs] = seen.map((at) => at - backAt);

		// Everyone and the database agree.
		const pg = await appDatabase(data.dir);
		cleanups.push(() => pg.sql.end({ timeout: 1 }));
		const stored = () => storedBoard(pg.sql, boardId);
		let screens: Shown[] = [];
		let database: Shown = { columns: [], statement: '' };
		const convergedMs = await until(
			async () => {
				screens = await Promise.all(all.map((p) => p.evaluate(readScreen)));
				database = await stored();
				const expected = JSON.stringify(canonical(database));
				return screens.every((s) => JSON.stringify(canonical(s)) === expected) && screens.every((s) => JSON.stringify(s) === JSON.stringify(screens[0]));
			},
			SHOW_MS,
			'every screen and the database hold the same board'
		).catch(async (error) => {
			console.error('[offline] screens', JSON.stringify(screens, null, 1), 'database', JSON.stringify(database, null, 1));
			throw error;
		});
		await screenshots(a, 'back');

		// Nothing lost, nothing twice.
		const cards = database.columns.flatMap((col) => col.cards.map((card) => ({ ...card, group: col.group })));
		const expectedTexts = [
			'Anna offline one',
			'Anna offline two',
			'Anna offline three',
			'Béla online one',
			'Béla online two',
			'Csilla online one',
			'Csilla online two',
			'Openness',
			'Quality'
		];
		const sharedCard = cards.find((card) => card.id === shared);
		expect(
			cards
				.map((card) => card.text)
				.filter((t) => t !== sharedCard?.text)
				.sort(),
			'every card once, with its text'
		).toEqual(expectedTexts.sort());
		expect(cards).toHaveLength(10);
		const once = (text: string, part: string) => text.split(part).length - 1;
		for (const part of ['Mutual ', 'Trust', ' between members', ' (Csilla)'])
			expect(once(sharedCard?.text ?? '', part), `"${part}" in the shared card "${sharedCard?.text}"`).toBe(1);
		expect(sharedCard?.text.startsWith('Mutual Trust'), 'Béla wrote before "Trust"').toBe(true);
		expect(cards.find((card) => card.id === toMove)?.group, "Anna's move").toBe(groupIds.Place);
		expect(cards.find((card) => card.id === csillaMoves)?.group, "Csilla's move").toBe(groupIds.People);
		for (const part of ['Together, ', 'We connect firms', ' and universities'])
			expect(once(database.statement, part), `"${part}" in the statement "${database.statement}"`).toBe(1);
		expect(database.statement.startsWith('Together, We connect firms')).toBe(true);
		// What Anna had on her screen when she came back is all still there.
		for (const card of annaBefore.columns.flatMap((col) => col.cards))
			expect(
				cards.some((c) => c.id === card.id),
				`Anna's card "${card.text}"`
			).toBe(true);

		// Honesty: what Anna's badge said at each check, and everything it said while she was away.
		const log = await badgeLog(a);
		console.log(`[offline] Anna's badge: ${log.map((s) => `${((s.at - offlineAt) / 1000).toFixed(1)} s ${s.status}/${s.save} "${s.text}"`).join(' → ')}`);
		// Presence: the awareness protocol drops a peer it has not heard from for 30 s.
		if (OFFLINE_MS >= 90_000) expect(annaGoneFromBelaMs, "Béla's screen stops showing Anna as here").not.toBeNull();
		// She came back by herself: her page was never reloaded (what the page recorded is still there).
		expect(await a.evaluate(() => 'badgeLog' in window), "Anna's page is the one she had before").toBe(true);
		// Back, the badge goes from offline to live and saved; it never blames the database, which never failed.
		const after = log.filter((s) => s.at >= backAt);
		expect(
			after.filter((s) => s.text.includes('database')),
			"Anna's badge on the way back"
		).toEqual([]);
		expect(log.at(-1)).toMatchObject({ status: 'online', save: 'saved', text: 'Live' });
		// Away: offline at every check, and once she had edited, "not saved yet" since her first offline edit.
		for (const check of checks) {
			expect(check.badge.status, `Anna's badge ${check.at}`).toBe('offline');
			expect(check.badge.text, `Anna's badge ${check.at}`).toMatch(/^Offline/);
		}
		const clock = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeStyle: 'short' }).format(ms);
		const since = new RegExp(`not saved yet: your edits since (${clock(firstEditAt[0])}|${clock(firstEditAt[1])}) `);
		for (const check of checks.slice(1)) expect(check.badge.text, `Anna's badge ${check.at}`).toMatch(since);
		const away = log.filter((s) => s.at > offlineAt + shownOfflineMs && s.at < backAt);
		expect(
			away.filter((s) => s.status !== 'offline' || !/^Offline/.test(s.text)),
			"Anna's badge while she was away"
		).toEqual([]);

		console.log(
			`[offline] ${Math.round(offlineFor / 1000)} s offline · badge left "online" ${shownOfflineMs} ms after the network went · back: reconnected in ${reconnectMs} ms, live and saved in ${savedMs} ms, ` +
				`Anna's offline cards on Béla's screen in ${belaSeesMs} ms, on Csilla's in ${csillaSeesMs} ms, all screens = database in ${convergedMs} ms · ` +
				`${cards.length} cards (${annaCards.length} written offline), 0 lost, 0 duplicated · shared card "${sharedCard?.text}" · statement "${database.statement}" · ` +
				`Béla's screen stopped showing Anna as here ${annaGoneFromBelaMs === null ? 'never while she was away' : `${Math.round(annaGoneFromBelaMs / 1000)} s after she went`}`
		);
	}
);

test.concurrent(
	`the network goes silently for ${OFFLINE_MS / 1000} s (no offline event): the badge stops saying live, the provider reconnects by itself, nothing is lost`,
	async ({ onTestFinished }) => {
		const { app, data, workshop, boardId, open, cleanups } = await startBoard('Silent network', onTestFinished);
		const [anna, bela] = await Promise.all([joinOver(app.baseUrl, workshop.code, 'Anna', 'Innoskart'), joinOver(app.baseUrl, workshop.code, 'Béla', 'Pannon')]);
		const network = await SilentNetwork.to(app.port);
		cleanups.push(() => network.close());
		const a = (await open(anna.cookie, DESKTOP, network.url)).page;
		const b = (await open(bela.cookie, PHONE)).page;
		await addCard(b, 'Shared');
		const shared = await cardId(a, 'Shared', "Anna sees Béla's card");
		await until(
			async () => {
				const now = await badge(a);
				return now.status === 'online' && now.save === 'saved';
			},
			SHOW_MS,
			"Anna's badge says live and saved before the network goes"
		);

		network.cut();
		const cutAt = Date.now();
		const firstEditAt = Date.now();
		await addCard(a, 'Anna silent one');
		await typeInCard(a, shared, 'end', ' from Anna');
		await typeInCard(b, shared, 'start', 'Béla: ');
		await addCard(b, 'Béla while Anna is cut off');
		// The browser is not told. The page asks the server while her edits are unconfirmed, and
		// says "not saved yet, no answer" when nothing comes back; the provider gives the socket up
		// after 30 s of silence, and the badge says offline.
		let unansweredShownMs: number | null = null;
		let offlineShownMs: number | null = null;
		while (Date.now() < cutAt + OFFLINE_MS / 2) {
			const now = await badge(a);
			if (unansweredShownMs === null && now.save === 'unanswered' && now.status === 'online') {
				unansweredShownMs = Date.now() - firstEditAt;
				await a.screenshot({ path: path.join(SHOTS, 'silent-unanswered-desktop.png') });
			}
			if (offlineShownMs === null && now.status === 'offline') offlineShownMs = Date.now() - cutAt;
			await sleep(Math.min(250, Math.max(0, cutAt + OFFLINE_MS / 2 - Date.now())));
		}
		const halfTime = await badge(a);
		await addCard(a, 'Anna silent two');
		expect(await texts(b), 'Béla while Anna is cut off: none of her new cards').not.toContain('Anna silent one');
		await sleep(Math.max(0, cutAt + OFFLINE_MS - Date.now()));
		const beforeBack = await badge(a);

		network.restore();
		const backAt = Date.now();
		const reconnectMs = await until(
			async () => (await badge(a)).status === 'online',
			SILENT_RECONNECT_MS,
			'Anna reconnects by herself once the network is back'
		);
		await until(
			async () => {
				const now = await badge(a);
				return now.status === 'online' && now.save === 'saved';
			},
			RECONNECT_MS,
			"Anna's badge says live and saved"
		);
		const savedMs = Date.now() - backAt;
		await until(async () => (await texts(b)).filter((t) => t.startsWith('Anna silent')).length === 2, RECONNECT_MS, "Béla sees Anna's cards");
		const belaSeesMs = Date.now() - backAt;

		const pg = await appDatabase(data.dir);
		cleanups.push(() => pg.sql.end({ timeout: 1 }));
		let database: Shown = { columns: [], statement: '' };
		await until(
			async () => {
				database = await storedBoard(pg.sql, boardId);
				const expected = JSON.stringify(canonical(database));
				return (await Promise.all([a, b].map((p) => p.evaluate(readScreen)))).every((s) => JSON.stringify(canonical(s)) === expected);
			},
			SHOW_MS,
			'both screens and the database hold the same board'
		);
		const cards = database.columns.flatMap((col) => col.cards);
		expect(cards.map((card) => card.text).sort()).toEqual(['Anna silent one', 'Anna silent two', 'Béla while Anna is cut off', 'Béla: Shared from Anna']);

		const log = await badgeLog(a);
		console.log(`[offline] silent: Anna's badge: ${log.map((s) => `${((s.at - cutAt) / 1000).toFixed(1)} s ${s.status}/${s.save} "${s.text}"`).join(' → ')}`);
		// Once her first edit has gone unanswered for 3 s (a tick of grace), her badge never says live
		// or saved until the network is back, and never blames the database, which never failed.
		const silent = log.filter((s, i) => (log[i + 1]?.at ?? Infinity) > firstEditAt + 3500 && s.at < backAt);
		expect(
			silent.filter((s) => s.status === 'connecting' || (s.status === 'online' && s.save !== 'unanswered')),
			"Anna's badge while the network was silent"
		).toEqual([]);
		expect(
			log.filter((s) => s.text.includes('database')),
			"Anna's badge, all along"
		).toEqual([]);
		expect(unansweredShownMs, 'Anna is told her edits get no answer').not.toBeNull();
		expect(unansweredShownMs!, '"no answer" within 3 s of unconfirmed edits, give or take a second').toBeLessThan(5000);
		for (const [at, now] of [
			['half time', halfTime],
			['before the network is back', beforeBack]
		] as const) {
			expect(now.status, `Anna's badge at ${at}`).toBe('offline');
			expect(now.text, `Anna's badge at ${at}`).toMatch(/^Offline — not saved yet/);
		}
		expect(offlineShownMs, 'the page finds out it is offline').not.toBeNull();
		console.log(
			`[offline] silent: ${Math.round((backAt - cutAt) / 1000)} s without a network, no offline event · "not saved yet, the server does not answer" ${((unansweredShownMs ?? 0) / 1000).toFixed(1)} s after her first edit · badge "offline" ${((offlineShownMs ?? 0) / 1000).toFixed(1)} s after the cut · ` +
				`back: reconnected in ${reconnectMs} ms, live and saved in ${savedMs} ms, Anna's cards on Béla's screen in ${belaSeesMs} ms · ${cards.length} cards, 0 lost, 0 duplicated`
		);
	}
);
