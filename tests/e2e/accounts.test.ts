// Facilitator accounts through Supabase Auth, against a stand-in for Supabase Auth's HTTP API
// (supabase-standin.ts: NOT Supabase; real ES256 tokens, Supabase's paths and error codes).
// The built app runs with PUBLIC_SUPABASE_URL pointing at the stand-in; Chromium drives it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { holdScripts, hydrating, launch } from './browser';
import { startApp, tempDataDir, type AppProcess } from './app-process';
import { startSupabaseStandIn, type SentMail, type SupabaseStandIn } from './supabase-standin';

let auth: SupabaseStandIn;
let app: AppProcess;
let data: Awaited<ReturnType<typeof tempDataDir>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const screens = process.env.SCREENSHOT_DIR;

beforeAll(async () => {
	auth = await startSupabaseStandIn({ siteUrl: () => app.baseUrl });
	data = await tempDataDir();
	app = await startApp({
		dataDir: data.dir,
		env: { PUBLIC_SUPABASE_URL: auth.url, PUBLIC_SUPABASE_ANON_KEY: auth.anonKey, SEED: 'false' }
	});
	browser = await launch();
	if (screens) await mkdir(screens, { recursive: true });
});

afterAll(async () => {
	await browser?.close();
	app?.child.kill('SIGTERM');
	await app?.exited;
	await data?.remove();
	await auth?.close();
});

async function open(options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Page> {
	const context = await browser.newContext({ baseURL: app.baseUrl, locale: options.locale ?? 'en-GB', viewport: options.viewport });
	contexts.push(context);
	return hydrating(await context.newPage());
}

async function shot(page: Page, name: string) {
	if (!screens) return;
	await page.screenshot({ path: path.join(screens, `${name}.png`), fullPage: true });
	const locale = await page.evaluate(() => navigator.language);
	const phone = await page
		.context()
		.browser()!
		.newContext({ baseURL: app.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale });
	await phone.addCookies(await page.context().cookies());
	const p = await phone.newPage();
	await p.goto(page.url());
	await p.screenshot({ path: path.join(screens, `${name}-phone.png`), fullPage: true });
	await phone.close();
}

async function signInWithPassword(page: Page, email: string, password: string) {
	await page.goto('/login');
	await page.getByLabel('E-mail address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const lastMailTo = (email: string): SentMail => {
	const mail = auth.mails.findLast((m) => m.to === email);
	if (!mail) throw new Error(`no mail to ${email}`);
	return mail;
};

async function createWorkshop(page: Page, title: string) {
	await page.goto('/new');
	await page.locator('input[name=template][value=blank]').check();
	await page.getByLabel(/^Title/).fill(title);
	await page.locator('input[name=facilitatorName]').fill('Ana Facilitator');
	await Promise.all([page.waitForURL(/\/w\/[0-9a-f-]{36}$/), page.locator('form button.btn-primary').click()]);
	await page.waitForLoadState('load');
	return page.url().split('/w/')[1];
}

const workshopsListed = async (page: Page) => {
	await page.goto('/account');
	return page.getByTestId('account-workshop').allTextContents();
};

/** A session cookie as @supabase/ssr writes it: `base64-` + base64url(JSON). */
function sessionCookieValue(accessToken: string, expiresAt: number) {
	const json = JSON.stringify({
		access_token: accessToken,
		token_type: 'bearer',
		expires_in: 3600,
		expires_at: expiresAt,
		refresh_token: 'not-a-real-refresh-token',
		user: { id: 'x' }
	});
	return `base64-${Buffer.from(json).toString('base64url')}`;
}

let anaWorkshop = '';

describe('facilitator accounts (Supabase Auth stand-in)', () => {
	test('without the Supabase settings there is no sign-in anywhere (the shared app runs without them)', async () => {
		const plain = inject('baseUrl');
		expect((await fetch(`${plain}/login`)).status).toBe(404);
		expect((await fetch(`${plain}/account`)).status).toBe(404);
		expect(await (await fetch(plain)).text()).not.toContain('sign-in-link');
		// With them, the header offers it.
		expect(await (await fetch(app.baseUrl)).text()).toContain('data-testid="sign-in-link"');
		// In Hungarian too.
		const hu = await open({ locale: 'hu-HU' });
		await hu.goto('/login');
		expect(await hu.getByRole('heading', { level: 1 }).textContent()).toBe('Bejelentkezés');
		expect(await hu.getByRole('button', { name: 'Belépési link küldése e-mailben' }).isVisible()).toBe(true);
		await shot(hu, 'login-hu');
	});

	test('password: wrong password and unknown address get a clear error; signed in, a new workshop is the account’s', async () => {
		auth.addUser('ana@example.org', 'correct horse battery');
		const page = await open();
		await signInWithPassword(page, 'ana@example.org', 'wrong password');
		const error = page.getByTestId('login-error');
		await expect.poll(() => error.textContent()).toContain('Wrong e-mail address or password');
		// The address stays filled in; nothing was set but the form's answer.
		expect(await page.getByLabel('E-mail address').inputValue()).toBe('ana@example.org');
		expect((await page.context().cookies()).some((c) => c.name.startsWith('sb-'))).toBe(false);
		await shot(page, 'login-error');
		await signInWithPassword(page, 'nobody@example.org', 'whatever');
		await expect.poll(() => error.textContent()).toContain('Wrong e-mail address or password');

		await signInWithPassword(page, 'ANA@example.org ', 'correct horse battery');
		await page.waitForURL('**/account');
		expect(await page.getByText('No workshops yet').isVisible()).toBe(true);
		// The session cookie is httpOnly: no script in the page can read the tokens.
		const sb = (await page.context().cookies()).filter((c) => c.name.startsWith('sb-'));
		expect(sb.length).toBeGreaterThan(0);
		expect(sb.every((c) => c.httpOnly && c.sameSite === 'Lax')).toBe(true);

		await page.goto('/new');
		expect(await page.getByTestId('owner-note').textContent()).toContain('ana@example.org');
		anaWorkshop = await createWorkshop(page, 'Cluster strategy 2030');
		expect(await page.getByTestId('co-facilitators').isVisible()).toBe(true);
		expect(await workshopsListed(page)).toEqual([expect.stringContaining('Cluster strategy 2030')]);
		expect((await workshopsListed(page))[0]).toContain('Owner');
		await shot(page, 'account');

		// Without the workshop's session cookie (another device, cleared cookies) the account
		// alone opens it as facilitator: no facilitator link needed.
		const context = page.context();
		const others = (await context.cookies()).filter((c) => !c.name.startsWith('rt_'));
		await context.clearCookies();
		await context.addCookies(others);
		await page.goto('/account');
		await Promise.all([page.waitForURL(`**/w/${anaWorkshop}`), page.getByTestId('account-workshop').first().click()]);
		expect(await page.getByTestId('me').textContent()).toContain('facilitator');
		expect(await page.getByTestId('join-code').isVisible()).toBe(true);
	});

	test('magic link (Supabase’s default e-mail, PKCE): signed in in the same browser; a used link is refused clearly', async () => {
		const page = await open();
		await page.goto('/login?next=/account');
		await page.getByLabel('E-mail address').fill('bea@example.org');
		await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
		await expect.poll(() => page.getByTestId('link-sent').textContent()).toContain('bea@example.org');
		await shot(page, 'login-link-sent');
		const mail = lastMailTo('bea@example.org');
		expect(new URL(mail.redirectTo).pathname).toBe('/auth/callback');
		await page.goto(mail.confirmationUrl);
		await page.waitForURL('**/account');
		expect(await page.getByTestId('account-menu').isVisible()).toBe(true);
		// The same link again: Supabase refuses it, and the app says so.
		const again = await open();
		await again.goto(mail.confirmationUrl);
		await again.waitForURL('**/login?**');
		expect(await again.getByTestId('login-error').textContent()).toContain('invalid or has expired');
		// A code without this browser's PKCE verifier, and a made-up token hash: refused too.
		await again.goto('/auth/callback?code=00000000-0000-4000-8000-000000000000');
		expect(await again.getByTestId('login-error').textContent()).toContain('invalid or has expired');
		await again.goto('/auth/callback?token_hash=abc&type=email&next=https://evil.example/');
		expect(new URL(again.url()).pathname).toBe('/login');
		expect(new URL(again.url()).searchParams.get('next')).toBe('/account');
	});

	test('rate limits and a closed sign-up get their own messages', async () => {
		const page = await open();
		await page.goto('/login');
		await page.getByLabel('E-mail address').fill('bea@example.org');
		auth.rateLimitEmails = true;
		await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
		await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Too many attempts');
		auth.allowSignups = false;
		try {
			await page.getByLabel('E-mail address').fill('stranger@example.org');
			await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
			await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('No account uses this e-mail address');
		} finally {
			auth.allowSignups = true;
		}
	});

	test('invite a co-facilitator: the invitee follows the e-mailed link in another browser, accepts, and facilitates', async () => {
		const ana = await open();
		await signInWithPassword(ana, 'ana@example.org', 'correct horse battery');
		await ana.waitForURL('**/account');
		// A busy laptop: the console's script has not arrived when Ana sends the invitation. The
		// form posts without it, and the page that comes back says what happened.
		const scripts = await holdScripts(ana);
		await ana.goto(`/w/${anaWorkshop}`, { waitUntil: 'commit' });
		await ana.getByLabel('Their e-mail address').fill('Cili@Example.org');
		await Promise.all([
			ana.waitForURL((url) => url.search === '?/invite', { waitUntil: 'commit' }),
			ana.getByRole('button', { name: 'Send invitation' }).click()
		]);
		await expect.poll(() => ana.getByTestId('co-facilitators').textContent()).toContain('Invitation sent to cili@example.org');
		expect(await ana.getByTestId('pending-invites').textContent()).toContain('cili@example.org');
		expect(await ana.evaluate(() => document.documentElement.hasAttribute('data-hydrated'))).toBe(false);
		await scripts.release();
		expect(await ana.getByTestId('co-facilitators').textContent()).toContain('Invitation sent to cili@example.org');
		expect(await ana.getByLabel('Their e-mail address').inputValue()).toBe('');
		await shot(ana, 'console-invites');
		const mail = lastMailTo('cili@example.org');
		const invitePath = new URL(mail.redirectTo).searchParams.get('next')!;
		expect(invitePath).toMatch(/^\/invites\/[A-Za-z0-9_-]{43}$/);

		// Bea, signed in as someone else, holds the link: she is told it is not hers, and a
		// direct POST is refused.
		const bea = await open();
		auth.addUser('bea@example.org', 'bea password');
		await signInWithPassword(bea, 'bea@example.org', 'bea password');
		await bea.waitForURL('**/account');
		await bea.goto(invitePath);
		expect(await bea.getByTestId('invite').textContent()).toContain('This invitation is for cili@example.org, but you are signed in as bea@example.org');
		await shot(bea, 'invite-wrong-account');
		const forced = await bea.evaluate(async (p) => {
			const r = await fetch(p, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
				body: 'name=Bea'
			});
			return r.json();
		}, invitePath);
		expect(forced).toMatchObject({ type: 'failure', status: 403 });
		expect(await workshopsListed(bea)).toEqual([]);

		// Cili opens the e-mail in a fresh browser (no PKCE verifier here: the token_hash link).
		const cili = await open();
		await cili.goto(mail.tokenHashUrl);
		await cili.waitForURL(`**${invitePath}`);
		expect(await cili.getByTestId('invite').textContent()).toContain('Cluster strategy 2030');
		await shot(cili, 'invite-accept');
		await cili.getByLabel('Your name in the workshop').fill('Cili <script>alert(1)</script>');
		await Promise.all([cili.waitForURL(`**/w/${anaWorkshop}`), cili.getByRole('button', { name: 'Accept and open the workshop' }).click()]);
		expect(await cili.getByTestId('me').textContent()).toContain('Cili <script>alert(1)</script>, facilitator');
		expect(await cili.getByTestId('join-code').isVisible()).toBe(true);
		const listed = await workshopsListed(cili);
		expect(listed).toHaveLength(1);
		expect(listed[0]).toContain('Cluster strategy 2030');
		expect(listed[0]).toContain('Co-facilitator');
		// And, as an account of the workshop, Cili's console offers invites too.
		await cili.goto(`/w/${anaWorkshop}`);
		expect(await cili.getByTestId('co-facilitators').isVisible()).toBe(true);
		// The link again, later: accepted already, with the way in.
		await cili.goto(invitePath);
		expect(await cili.getByTestId('invite').textContent()).toContain('You have already accepted this invitation.');
		await Promise.all([cili.waitForURL(`**/w/${anaWorkshop}`), cili.getByRole('link', { name: 'Open the workshop' }).click()]);

		// The invite is no longer pending for Ana, and the link is spent for anyone else.
		await ana.reload();
		expect(await ana.getByTestId('pending-invites').count()).toBe(0);
		await bea.goto(invitePath);
		expect(await bea.getByTestId('invite').textContent()).toContain('This invitation is for cili@example.org');
	});

	test('a withdrawn invitation is refused when its link is followed', async () => {
		const ana = await open();
		await signInWithPassword(ana, 'ana@example.org', 'correct horse battery');
		await ana.waitForURL('**/account');
		await ana.goto(`/w/${anaWorkshop}`);
		await ana.getByLabel('Their e-mail address').fill('dora@example.org');
		await ana.getByRole('button', { name: 'Send invitation' }).click();
		await expect.poll(() => ana.getByTestId('pending-invites').textContent()).toContain('dora@example.org');
		await Promise.all([
			ana.waitForResponse((r) => r.url().includes('?/revokeInvite')),
			ana.getByRole('button', { name: 'Withdraw the invitation to dora@example.org' }).click()
		]);
		await expect.poll(() => ana.getByTestId('pending-invites').count()).toBe(0);
		const dora = await open();
		await dora.goto(lastMailTo('dora@example.org').tokenHashUrl);
		await dora.waitForURL('**/invites/**');
		expect(await dora.getByTestId('invite').textContent()).toContain('This invitation was withdrawn');
		expect(await workshopsListed(dora)).toEqual([]);
	});

	test('a workshop made before signing in: its facilitator signs in from the console and adds it to the account', async () => {
		auth.addUser('eve@example.org', 'eve password');
		const page = await open();
		const id = await createWorkshop(page, 'Made signed out');
		const offer = page.getByTestId('account-offer');
		expect(await offer.textContent()).toContain('Sign in to keep this workshop in your account');
		await offer.getByRole('link', { name: 'Sign in' }).click();
		await page.getByLabel('E-mail address').fill('eve@example.org');
		await page.getByLabel('Password').fill('eve password');
		await Promise.all([page.waitForURL(`**/w/${id}`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
		await shot(page, 'console-add-to-account');
		await Promise.all([page.waitForResponse((r) => r.url().includes('?/claimWorkshop')), page.getByRole('button', { name: 'Add to my workshops' }).click()]);
		await expect.poll(() => page.getByTestId('co-facilitators').count()).toBe(1);
		expect(await page.getByTestId('account-offer').count()).toBe(0);
		const listed = await workshopsListed(page);
		expect(listed).toEqual([expect.stringContaining('Made signed out')]);
		expect(listed[0]).toContain('Owner');
		// Ana, also a facilitator there through the facilitator link, cannot take it over.
		await page.goto(`/w/${id}`);
		const facilitatorLink = await page.locator('input[aria-label="Facilitator link"]').inputValue();
		const ana = await open();
		await signInWithPassword(ana, 'ana@example.org', 'correct horse battery');
		await ana.waitForURL('**/account');
		await ana.goto(facilitatorLink);
		await ana.getByLabel('Your name').fill('Ana');
		await Promise.all([ana.waitForURL(`**/w/${id}`), ana.getByRole('button', { name: 'Continue as facilitator' }).click()]);
		await ana.getByRole('button', { name: 'Add to my workshops' }).click();
		await expect.poll(() => ana.getByTestId('account-offer').textContent()).toContain('already belongs to another account');
		// No invite form for her there, and posting one anyway is refused by the database (RLS).
		expect(await ana.getByTestId('co-facilitators').count()).toBe(0);
		const sent = auth.mails.length;
		const forced = await ana.evaluate(async (p) => {
			const r = await fetch(`${p}?/invite`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
				body: 'email=mallory%40example.org'
			});
			return r.json();
		}, `/w/${id}`);
		expect(forced).toMatchObject({ type: 'failure', status: 403 });
		expect(auth.mails.length).toBe(sent);
		expect(await workshopsListed(ana)).not.toContainEqual(expect.stringContaining('Made signed out'));

		// Participants still join with the code alone, no account, no sign-in.
		await page.goto(`/w/${id}`);
		const code = (await page.getByTestId('join-code').textContent())!.replace(/\s/g, '');
		const guest = await open();
		await guest.goto(`/j/${code}`);
		await guest.getByLabel('Your name').fill('Gábor');
		await guest.getByLabel('Your organisation').fill('IQ Kecskemét');
		await Promise.all([guest.waitForURL(`**/w/${id}`), guest.getByRole('button', { name: 'Join the workshop' }).click()]);
		expect(await guest.getByTestId('me').textContent()).toContain('Gábor, participant');
		expect((await guest.context().cookies()).some((c) => c.name.startsWith('sb-'))).toBe(false);
		expect(await guest.getByTestId('account-offer').count()).toBe(0);
	});

	test('a forged, an expired and a lying session cookie are all treated as signed out', async () => {
		const stranger = await generateKeyPair('ES256');
		const now = Math.floor(Date.now() / 1000);
		const ana = auth.addUser('ana@example.org');
		const forged = await new SignJWT({ email: 'ana@example.org', role: 'authenticated', session_id: crypto.randomUUID() })
			.setProtectedHeader({ alg: 'ES256', kid: 'standin-key-1' })
			.setIssuer(`${auth.url}/auth/v1`)
			.setAudience('authenticated')
			.setSubject(ana.id)
			.setIssuedAt()
			.setExpirationTime(now + 3600)
			.sign(stranger.privateKey);
		const expired = await auth.tokenFor('ana@example.org', -120);
		const cases = [
			sessionCookieValue(forged, now + 3600), // wrong key
			sessionCookieValue(expired, now - 60), // expired: supabase-js tries a refresh, which fails
			sessionCookieValue(expired, now + 3600), // expired, with a cookie claiming otherwise
			sessionCookieValue('not-a-jwt', now + 3600)
		];
		for (const value of cases) {
			const page = await open();
			await page.context().addCookies([{ name: 'sb-127-auth-token', value, url: app.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
			const response = await page.goto('/account');
			expect(new URL(page.url()).pathname).toBe('/login');
			expect(response?.status()).toBe(200);
			await page.goto(`/w/${anaWorkshop}`);
			expect(new URL(page.url()).pathname).toBe('/join');
		}
		// The genuine token in the same cookie opens the account: the check is the token, not the cookie.
		const page = await open();
		await page.context().addCookies([
			{
				name: 'sb-127-auth-token',
				value: sessionCookieValue(await auth.tokenFor('ana@example.org'), now + 3600),
				url: app.baseUrl,
				httpOnly: true,
				sameSite: 'Lax'
			}
		]);
		await page.goto('/account');
		expect(new URL(page.url()).pathname).toBe('/account');
	});

	test('cross-site POSTs are refused and sign-out ends the account and its workshop sessions', async () => {
		const page = await open();
		await signInWithPassword(page, 'ana@example.org', 'correct horse battery');
		await page.waitForURL('**/account');
		await page.goto(`/w/${anaWorkshop}`);
		const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
		for (const [p, body] of [
			['/logout', ''],
			[`/w/${anaWorkshop}?/invite`, 'email=evil%40example.org'],
			['/login?/link', 'email=ana%40example.org']
		]) {
			const r = await fetch(`${app.baseUrl}${p}`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: 'https://evil.example', cookie, 'content-type': 'application/x-www-form-urlencoded' },
				body
			});
			expect(r.status, p).toBe(403);
		}
		expect(auth.mails.some((m) => m.to === 'evil@example.org')).toBe(false);
		await page.goto('/account');
		expect(new URL(page.url()).pathname).toBe('/account');

		await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
		const left = (await page.context().cookies()).map((c) => c.name);
		expect(left.filter((n) => n.startsWith('sb-') || n.startsWith('rt_'))).toEqual([]);
		await page.goto('/account');
		expect(new URL(page.url()).pathname).toBe('/login');
		await shot(page, 'login');
	});
});
