import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { createWorkshop, launch, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

describe('joining a workshop', () => {
	test('a facilitator creates a workshop, a second browser joins by code, both see the member', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Cluster strategy 2030' });
		expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
		// The strategy template's four boards are on the agenda.
		await expect.poll(() => facilitator.page.getByTestId('board').count()).toBe(4);

		const participant = await newPage(browser, { viewport: { width: 390, height: 844 } });
		await participant.page.goto('/');
		await participant.page.locator('#join-code').fill(code.toLowerCase().replace(/^(...)/, '$1 '));
		await Promise.all([participant.page.waitForURL(`**/j/${code}`), participant.page.getByRole('button', { name: 'Join', exact: true }).click()]);
		await participant.page.getByLabel('Your name').fill('Kovács Anna');
		await participant.page.getByLabel('Your organisation').fill('Innoskart ICT Cluster');
		await Promise.all([participant.page.waitForURL(`**/w/${id}`), participant.page.getByRole('button', { name: 'Join the workshop' }).click()]);

		const participantMembers = participant.page.getByTestId('member');
		await expect
			.poll(() => participantMembers.allTextContents())
			.toEqual(expect.arrayContaining([expect.stringContaining('Kovács Anna'), expect.stringContaining('Facilitator Fanni')]));
		expect(await participant.page.getByText('Innoskart ICT Cluster').first().isVisible()).toBe(true);
		await facilitator.page.reload();
		expect(await facilitator.page.getByTestId('member').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Kovács Anna')]));
		expect(await facilitator.page.getByTestId('member-count').textContent()).toContain('2 members from 1 organisation');

		// The same browser returning resumes the same member rather than joining again.
		await participant.page.goto(`/j/${code}`);
		expect(participant.page.url()).toMatch(new RegExp(`/w/${id}$`));
		await facilitator.page.reload();
		expect(await facilitator.page.getByTestId('member').count()).toBe(2);
		await facilitator.context.close();
		await participant.context.close();
	});

	test('a wrong code shows a clear error and joins nothing', async () => {
		const { page, context } = await newPage(browser);
		await page.goto('/');
		await page.locator('#join-code').fill('ZZZZZZ');
		await page.getByRole('button', { name: 'Join', exact: true }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('There is no workshop with this code.');
		await page.goto('/');
		await page.locator('#join-code').fill('O0I1L!');
		await page.getByRole('button', { name: 'Join', exact: true }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('There is no workshop with this code.');
		await context.close();
	});

	test('a closed workshop refuses new members with a message', async () => {
		const facilitator = await newPage(browser);
		const { code } = await createWorkshop(facilitator.page, { title: 'Closed doors', template: 'blank' });
		await facilitator.page.getByRole('button', { name: 'Close joining' }).click();
		await expect.poll(() => facilitator.page.getByRole('status').first().textContent()).toContain('Joining is closed');
		const guest = await newPage(browser);
		await guest.page.goto(`/j/${code}`);
		expect(await guest.page.getByRole('alert').textContent()).toContain('Joining this workshop is closed');
		expect(await guest.page.getByLabel('Your name').count()).toBe(0);
		await facilitator.page.getByRole('button', { name: 'Reopen joining' }).click();
		await expect.poll(() => facilitator.page.getByRole('status').first().textContent()).toContain('Joining is open');
		await guest.page.reload();
		expect(await guest.page.getByLabel('Your name').count()).toBe(1);
		await facilitator.context.close();
		await guest.context.close();
	});

	test('over-long and script-laden input gets clear errors or is shown as plain text', async () => {
		const facilitator = await newPage(browser);
		const { id, code } = await createWorkshop(facilitator.page, { title: 'Bad input', template: 'blank' });
		const guest = await newPage(browser);
		let dialogs = 0;
		guest.page.on('dialog', (d) => {
			dialogs++;
			void d.dismiss();
		});
		await guest.page.goto(`/j/${code}`);
		// The browser's maxlength stops typing; a crafted request is what a server must refuse.
		const tooLong = await guest.page.request.post(`/j/${code}`, {
			form: { name: 'x'.repeat(81), organisation: 'Org' },
			headers: { origin: new URL(guest.page.url()).origin, 'x-sveltekit-action': 'true' }
		});
		// SvelteKit 3: an enhanced action's failure carries fail()'s status (SvelteKit 2: 200).
		expect(tooLong.status()).toBe(400);
		expect(await tooLong.text()).toContain('invalid_name');
		await guest.page.getByLabel('Your name').fill('   ');
		await guest.page.getByLabel('Your organisation').fill('Org');
		await guest.page.locator('#name').evaluate((el) => el.removeAttribute('required'));
		await guest.page.getByRole('button', { name: 'Join the workshop' }).click();
		await expect.poll(() => guest.page.locator('#name-error').textContent()).toContain('Enter a name of 1 to 80 characters.');

		const script = '<img src=x onerror=alert(1)><script>alert(2)</script>';
		await guest.page.getByLabel('Your name').fill('Mallory');
		await guest.page.getByLabel('Your organisation').fill(script);
		await Promise.all([guest.page.waitForURL(`**/w/${id}`), guest.page.getByRole('button', { name: 'Join the workshop' }).click()]);
		await facilitator.page.reload();
		expect(await facilitator.page.getByText(script).first().textContent()).toBe(script);
		expect(await facilitator.page.locator('img[src=x]').count()).toBe(0);
		expect(dialogs).toBe(0);
		await facilitator.context.close();
		await guest.context.close();
	});
});
