import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESENCE_COLOURS, contrastRatio, inkOn, memberColour } from './presence';

/** WCAG 2.x relative luminance of an sRGB colour written #rrggbb. */
function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
	const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (light + 0.05) / (dark + 0.05);
}

// The light page and cards are white; the dark page is stone-950 and its cards stone-900
// (src/app.css), the lighter and so the harder of the two.
const WHITE = '#ffffff';
const STONE_900 = '#1c1917';
const STONE_950 = '#0c0a09';

describe('presence colours', () => {
	it('computes contrast ratios as WCAG does', () => {
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
	});

	it('has at least 16 colours, all different', () => {
		expect(PRESENCE_COLOURS.length).toBeGreaterThanOrEqual(16);
		expect(new Set(PRESENCE_COLOURS.map((c) => c.toLowerCase())).size).toBe(PRESENCE_COLOURS.length);
	});

	it.each(PRESENCE_COLOURS.map((c) => [c]))('%s keeps ≥ 3:1 against white and against the dark background', (colour) => {
		expect(contrast(colour, WHITE)).toBeGreaterThanOrEqual(3);
		expect(contrast(colour, STONE_900)).toBeGreaterThanOrEqual(3);
		expect(contrast(colour, STONE_950)).toBeGreaterThanOrEqual(3);
	});

	it('has as many colours as the database hands out indexes', () => {
		const migration = readFileSync(new URL('../../../../supabase/migrations/20261202070000_add_member_colours.sql', import.meta.url), 'utf8');
		expect(migration).toContain(`generate_series(0, ${PRESENCE_COLOURS.length - 1})`);
		expect(migration).toContain(`check (colour between 0 and ${PRESENCE_COLOURS.length - 1})`);
	});

	it('maps a stored index to its colour', () => {
		expect(memberColour(0)).toBe(PRESENCE_COLOURS[0]);
		expect(memberColour(15)).toBe(PRESENCE_COLOURS[15]);
		expect(memberColour(16)).toBe(PRESENCE_COLOURS[0]);
	});
});

describe('text on a member colour', () => {
	it('reads at 4.5:1 on every colour of the palette', () => {
		for (const colour of PRESENCE_COLOURS) expect(contrastRatio(inkOn(colour), colour)).toBeGreaterThanOrEqual(4.5);
		expect(inkOn('#1d4ed8')).toBe('#ffffff');
		expect(inkOn('#0d9488')).toBe('#000000');
	});
});
