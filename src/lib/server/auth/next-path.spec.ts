import { describe, expect, it } from 'vitest';
import { safeNext } from './next-path';

const origin = 'https://workshops.example.org';

describe('safeNext', () => {
	it('keeps same-site paths', () => {
		expect(safeNext('/invites/abc', origin)).toBe('/invites/abc');
		expect(safeNext('/w/1?x=1', origin)).toBe('/w/1?x=1');
		expect(safeNext(`${origin}/account`, origin)).toBe('/account');
	});

	it('unwraps one link back through the callback (an e-mail template’s RedirectTo)', () => {
		expect(safeNext(`${origin}/auth/callback?next=/invites/abc`, origin)).toBe('/invites/abc');
		expect(safeNext(`/auth/callback?next=${encodeURIComponent(`/auth/callback?next=/x`)}`, origin)).toBe('/account');
		expect(safeNext(`${origin}/auth/callback?next=https://evil.example/`, origin)).toBe('/account');
	});

	it.each([
		null,
		'',
		'https://evil.example/',
		'//evil.example/path',
		'/\\evil.example',
		'/\t/evil.example',
		'javascript:alert(1)',
		'http://workshops.example.org/account',
		'account',
		'x'.repeat(2000)
	])('refuses %j', (raw) => {
		expect(safeNext(raw, origin)).toBe('/account');
	});
});
