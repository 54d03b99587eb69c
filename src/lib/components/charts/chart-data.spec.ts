import { describe, expect, test } from 'vitest';
import type { OptionResult, TallyResult } from '#lib/domain/voting/types.js';
import { ORGANISATION_COLOURS, POOLED_COLOUR, legendLayout, organisationFill, organisationStyles, resultOrganisations, stackSegments } from './chart-data';
import { textWidth, truncate } from './chart-text';

const POOL = 'Other organisations (2)';

function option(id: string, byOrganisation: Record<string, number>): OptionResult {
	const total = Object.values(byOrganisation).reduce((s, x) => s + x, 0);
	return { id, label: id, rank: 1, total, tied: false, byOrganisation, means: [], distribution: [], supporters: 0 };
}

const anonymous: TallyResult = {
	method: 'dots',
	weighting: 'person',
	criteria: [],
	// "Other …" sorts between the two organisations by name
	options: [option('a', { Alpha: 3, [POOL]: 2, Zeta: 1 })],
	voters: 5,
	proxies: 0,
	organisations: ['Alpha', POOL, 'Zeta'],
	pooled: POOL
};

describe('the pooled bucket of an anonymous round', () => {
	test('comes last, in the stack and the legend, whatever its name', () => {
		expect(resultOrganisations(anonymous)).toEqual(['Alpha', 'Zeta', POOL]);
		expect(stackSegments(anonymous.options[0], resultOrganisations(anonymous)).map((s) => s.organisation)).toEqual(['Alpha', 'Zeta', POOL]);
		// Without a pooled bucket, a name like that is an organisation like any other.
		expect(resultOrganisations({ ...anonymous, pooled: undefined })).toEqual(['Alpha', POOL, 'Zeta']);
	});

	test('is a neutral hatch that takes no organisation colour', () => {
		const styles = organisationStyles(resultOrganisations(anonymous), POOL);
		expect(styles.map((s) => [s.name, s.colour, s.texture])).toEqual([
			['Alpha', ORGANISATION_COLOURS[0], 'solid'],
			['Zeta', ORGANISATION_COLOURS[1], 'solid'],
			[POOL, POOLED_COLOUR, 'pooled']
		]);
		expect(organisationFill(styles[2], 'u1')).toBe('url(#u1-org-2)');
		expect(ORGANISATION_COLOURS).not.toContain(POOLED_COLOUR);
		// The same organisations keep their colours whether or not a round pooled others.
		expect(organisationStyles(['Alpha', 'Zeta']).map((s) => s.colour)).toEqual(styles.slice(0, 2).map((s) => s.colour));
	});
});

describe('legend', () => {
	const styles = organisationStyles(['Alpha', 'Beta', 'Gamma']);

	test('starts with its lead, then the organisations on the same row when they fit', () => {
		const l = legendLayout(styles, 1000, 14, textWidth, truncate, 28, 'Dots by organisation:');
		expect(l.lead).toEqual({ label: 'Dots by organisation:', x: 0, y: 0 });
		expect(l.items.map((i) => i.y)).toEqual([0, 0, 0]);
		expect(l.items[0].x).toBeGreaterThan(textWidth('Dots by organisation:', 14));
		expect(l.height).toBe(l.rowHeight);
	});

	test('wraps within its width on a phone, nothing past the right edge', () => {
		const width = 300;
		const l = legendLayout(styles, width, 14, textWidth, truncate, 28, 'Dots by organisation:');
		expect(l.height).toBeGreaterThan(l.rowHeight);
		for (const item of l.items) expect(item.x + 14 * 1.4 + textWidth(item.label, 14)).toBeLessThanOrEqual(width);
	});

	test('has no lead without organisations', () => {
		expect(legendLayout([], 500, 14, textWidth, truncate, 28, 'Dots by organisation:')).toMatchObject({ lead: null, height: 0, items: [] });
	});
});
