import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

export const baseUrl = () => inject('baseUrl');

export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: inject('chromiumPath'),
		// As root in a container Chromium needs --no-sandbox; the rest keep it off the
		// network it cannot reach here.
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			...extraArgs
		]
	});
}

/** One Chromium for a test file: launched before its tests, closed after them. */
export function useBrowser(extraArgs: readonly string[] = []): () => Browser {
	let browser: Browser | undefined;
	beforeAll(async () => {
		browser = await launch(extraArgs);
	});
	afterAll(async () => {
		await browser?.close();
	});
	return () => browser!;
}

export async function newPage(
	browser: Browser,
	options: { locale?: string; viewport?: { width: number; height: number }; touch?: boolean } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const touch = options.touch ? { hasTouch: true, isMobile: true } : {};
	const context = await browser.newContext({ baseURL: baseUrl(), locale: options.locale ?? 'en-GB', viewport: options.viewport, ...touch });
	const page = hydrating(await context.newPage());
	return { context, page };
}

/**
 * `goto` and `reload` return once the page has hydrated, not at the load event: SvelteKit
 * hydrates after it, and a click in between is a plain form post or link (what a person on a
 * slow phone gets; slow-start.test.ts and the invite in accounts.test.ts test exactly that, with
 * `waitUntil: 'commit'`, which skips this wait). Documents only: a download or JSON has no page.
 */
export function hydrating(page: Page): Page {
	const settle = async (response: Awaited<ReturnType<Page['goto']>>, waitUntil: string | undefined) => {
		if (waitUntil === 'commit' || !response?.headers()['content-type']?.startsWith('text/html')) return response;
		await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 15_000 });
		return response;
	};
	const goto = page.goto.bind(page);
	const reload = page.reload.bind(page);
	page.goto = async (url, options) => settle(await goto(url, options), options?.waitUntil);
	page.reload = async (options) => settle(await reload(options), options?.waitUntil);
	return page;
}

/** Creates a workshop through the form, as a facilitator would; returns its id and join code. */
export async function createWorkshop(page: Page, input: { title: string; template?: string; language?: string; name?: string }) {
	await page.goto('/new');
	await page.locator(`input[name=template][value=${input.template ?? 'strategy'}]`).check();
	await page.getByLabel(/^Title|^Cím/).fill(input.title);
	await page.locator('select[name=language]').selectOption(input.language ?? 'en');
	await page.locator('input[name=facilitatorName]').fill(input.name ?? 'Facilitator Fanni');
	await Promise.all([page.waitForURL(/\/w\/[0-9a-f-]{36}$/), page.locator('form button.btn-primary').click()]);
	// Entering a workshop in another language reloads the page in that language.
	await page.waitForFunction((lang) => document.documentElement.lang === lang, input.language ?? 'en');
	await page.waitForLoadState('load');
	const id = page.url().split('/w/')[1];
	const code = (await page.getByTestId('join-code').textContent())!.replace(/\s/g, '');
	return { id, code };
}

/** Joins a workshop by its code through the join form, as a participant would. */
export async function joinAs(page: Page, code: string, id: string, name: string, organisation: string) {
	await page.goto(`/j/${code}`);
	await page.getByLabel('Your name').fill(name);
	await page.getByLabel('Your organisation').fill(organisation);
	await Promise.all([page.waitForURL(`**/w/${id}`), page.getByRole('button', { name: 'Join the workshop' }).click()]);
	await page.waitForLoadState('load');
}

/** Holds the app's scripts back until `release` is called, which resolves once the page has hydrated. */
export async function holdScripts(page: Page) {
	let release!: () => void;
	const gate = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await gate;
		await route.continue();
	});
	return {
		release: async () => {
			release();
			await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
		}
	};
}
