import { describe, expect, test } from 'vitest';
import type { OptionResult, TallyResult } from '#lib/domain/voting/types.js';
import {
	comparisonSummary,
	distributionSummary,
	fractionExample,
	heatmapSummary,
	matrixSummary,
	rankedSummary,
	safeFilename,
	scoreShares,
	truncate,
	turnoutSummary,
	wrapLines
} from './chart-text';
import {
	ORGANISATION_COLOURS,
	SCORE_COLOURS,
	compareRounds,
	contrastRatio,
	divergingSegments,
	flowLegend,
	heatColours,
	organisationStyles,
	placeLabels,
	spreadCoincident,
	stackSegments,
	textOn
} from './chart-data';

function option(id: string, label: string, rank: number, total: number, extra: Partial<OptionResult> = {}): OptionResult {
	return { id, label, rank, total, tied: false, byOrganisation: {}, means: [], distribution: [], supporters: 0, ...extra };
}

function result(options: OptionResult[], extra: Partial<TallyResult> = {}): TallyResult {
	return { method: 'dots', weighting: 'person', criteria: [], options, voters: 12, proxies: 0, organisations: ['Alpha', 'Beta'], ...extra };
}

const dots = result([
	option('a', 'Export programme', 1, 14, { byOrganisation: { Alpha: 9, Beta: 5 } }),
	option('b', 'Shared lab', 2, 9, { tied: true, byOrganisation: { Alpha: 2, Beta: 7 } }),
	option('c', 'Talent pool', 2, 9, { tied: true, byOrganisation: { Beta: 9 } }),
	option('d', 'Joint brand', 4, 1, { byOrganisation: { Alpha: 1 } })
]);

describe('numbers on charts', () => {
	test('the note on fractions gets an example only where weighting by organisation made one', () => {
		const byOrg = { method: 'dots', weighting: 'organisation' } as const;
		expect(fractionExample(byOrg, [6, 2.5, 4.5], 'hu')).toBe('2,5');
		expect(fractionExample(byOrg, [4.5, 1.5], 'en')).toBe('1.5');
		expect(fractionExample(byOrg, [6, 1 / 3 + 1 / 3 + 1 / 3, 4], 'en')).toBeNull();
		expect(fractionExample({ ...byOrg, weighting: 'person' }, [2.5], 'en')).toBeNull();
		// Means of scores are fractions by nature: nothing to explain.
		expect(fractionExample({ method: 'score', weighting: 'organisation' }, [3.5], 'en')).toBeNull();
	});
});

describe('labels', () => {
	test('truncate keeps short text and cuts long text at a word with an ellipsis', () => {
		expect(truncate('Short', 10)).toBe('Short');
		expect(truncate('  Many   spaces ', 20)).toBe('Many spaces');
		expect(truncate('International export programme', 20)).toBe('International…');
		expect(truncate('Supercalifragilistic', 8)).toBe('Superca…');
		expect(Array.from(truncate('Árvíztűrő tükörfúrógép és társai', 12)).length).toBeLessThanOrEqual(12);
	});

	test('wrapLines breaks at spaces and shortens the last line', () => {
		expect(wrapLines('one two three four', 9, 3)).toEqual(['one two', 'three', 'four']);
		expect(wrapLines('one two three four five six', 9, 2)).toEqual(['one two', 'three…']);
		expect(wrapLines('abcdefghijkl', 5, 2)).toEqual(['abcde', 'fghi…']);
		expect(wrapLines('', 5, 2)).toEqual(['']);
		for (const line of wrapLines('A fairly long option label that goes on and on', 12, 2)) expect(line.length).toBeLessThanOrEqual(12);
	});

	test('safe file names', () => {
		expect(safeFilename('Round 1: values / dots?')).toBe('Round-1-values-dots');
		expect(safeFilename('...')).toBe('chart');
	});
});

describe('text alternatives', () => {
	test('ranked summary names the winner, the next ones and the ties', () => {
		const s = rankedSummary(dots, 'en');
		expect(s).toContain('4 options ranked by dots from 12 ballots.');
		expect(s).toContain('Export programme comes first with 14.');
		expect(s).toContain('Next: Shared lab (9), Talent pool (9) and Joint brand (1).');
		expect(s).toContain('Shared ranks: Shared lab (=2) and Talent pool (=2).');
		expect(rankedSummary({ ...dots, voters: 1 }, 'en')).toContain('from 1 ballot.');
		const hu = rankedSummary(dots, 'hu');
		expect(hu).toContain('4 lehetőség rangsora 12 szavazólap alapján, pontok szerint.');
		expect(hu).toContain('Első helyen: Export programme (14).');
	});

	test('a shared first place is said so', () => {
		const tied = result([option('a', 'A', 1, 5, { tied: true }), option('b', 'B', 1, 5, { tied: true })]);
		expect(rankedSummary(tied, 'en')).toContain('A and B share first place with 5 each.');
	});

	const scores = result(
		[
			option('x', 'Clean energy', 1, 4.2, {
				means: [4.2, 2.5],
				distribution: [
					[0, 0, 1, 2, 3],
					[1, 2, 2, 1, 0]
				]
			}),
			option('y', 'Rail link', 2, 2.1, {
				means: [2.1, 4.5],
				distribution: [
					[2, 3, 1, 0, 0],
					[0, 0, 0, 1, 1]
				]
			}),
			option('z', 'Harbour', 3, 0, {
				means: [null, null],
				distribution: [
					[0, 0, 0, 0, 0],
					[0, 0, 0, 0, 0]
				]
			})
		],
		{ method: 'score', criteria: ['Impact', 'Feasibility'] }
	);

	test('distribution summary names the most high and low scores', () => {
		expect(scoreShares([0, 0, 1, 2, 3])).toEqual({ low: 0, neutral: 1 / 6, high: 5 / 6, n: 6 });
		const s = distributionSummary(scores, 0, 'en');
		expect(s).toContain('for Impact');
		expect(s).toContain('Most 4s and 5s: Clean energy (83%).');
		expect(s).toContain('Most 1s and 2s: Rail link (83%).');
		expect(distributionSummary(result([option('q', 'Q', 1, 0, { distribution: [[0, 0, 0, 0, 0]] })], { method: 'score', criteria: ['Impact'] }), 0, 'en')).toBe(
			'Nobody has scored the options for Impact yet.'
		);
	});

	test('matrix summary lists the top-right quadrant and the unplaced', () => {
		const s = matrixSummary(scores, 'en');
		expect(s).toContain('for Impact (across) and Feasibility (up)');
		expect(s).toContain('No option is above 3 on both.');
		expect(s).toContain('Not shown (not scored on both): Harbour.');
		const both = { ...scores, options: [option('w', 'Win', 1, 4, { means: [4, 4.25] })] };
		expect(matrixSummary(both, 'hu')).toContain('Mindkét szempont szerint 3 fölött: Win (4,0; 4,3).');
	});

	test('heatmap summary names the largest contribution and the broadest support', () => {
		const s = heatmapSummary(dots, 'en');
		expect(s).toContain('each of 2 organisations');
		expect(s).toContain('Largest single contribution: Alpha to Export programme (9).');
		expect(s).toContain('Broadest support: Export programme, from 2 of 2 organisations.');
	});

	test('comparison summary: biggest moves and options in one round only', () => {
		const before = result([option('a', 'A', 1, 5), option('b', 'B', 2, 4), option('c', 'C', 3, 1)]);
		const after = result([option('b2', 'B', 1, 6), option('a', 'A', 2, 3), option('n', 'New', 3, 1)]);
		const rows = compareRounds(before, after);
		expect(rows.map((r) => [r.label, r.a?.rank ?? null, r.b?.rank ?? null, r.change])).toEqual([
			['B', 2, 1, 1],
			['A', 1, 2, -1],
			['New', null, 3, null],
			['C', 3, null, null]
		]);
		const s = comparisonSummary(rows, 'Round 1', 'Round 2', 'en');
		expect(s).toContain('Rose the most: B (rank 2 → 1).');
		expect(s).toContain('Fell the most: A (rank 1 → 2).');
		expect(s).toContain('Only in Round 1: C.');
		expect(s).toContain('Only in Round 2: New.');
		expect(comparisonSummary(compareRounds(before, before), 'R1', 'R1b', 'en')).toContain('No option changed rank.');
	});

	test('turnout summary, also when nobody is present', () => {
		expect(turnoutSummary({ voted: 18, present: 24, organisationsVoted: 4, organisationsPresent: 5 }, 'en')).toBe(
			'18 of 24 members present voted (75%); 4 of 5 organisations present voted (80%).'
		);
		expect(turnoutSummary({ voted: 0, present: 0, organisationsVoted: 0, organisationsPresent: 0 }, 'hu')).toContain('(–)');
	});
});

describe('layout and colour', () => {
	test('organisation colours are stable by sorted name and texture after eight', () => {
		const a = organisationStyles(['Beta', 'alpha', 'Gamma']);
		const b = organisationStyles(['Gamma', 'Beta', 'alpha', 'Beta']);
		expect(a).toEqual(b);
		expect(a.map((s) => s.name)).toEqual(['alpha', 'Beta', 'Gamma']);
		expect(a[0].colour).toBe(ORGANISATION_COLOURS[0]);
		const many = organisationStyles(Array.from({ length: 17 }, (_, i) => `Org ${String(i).padStart(2, '0')}`));
		expect(many[8].colour).toBe(many[0].colour);
		expect(many[8].texture).toBe('stripes');
		expect(many[16].texture).toBe('dots');
	});

	test('stacked segments follow the organisation order and skip zeros', () => {
		expect(stackSegments({ byOrganisation: { Beta: 2, Alpha: 3, Gamma: 0 } }, ['Alpha', 'Beta', 'Gamma'])).toEqual([
			{ organisation: 'Alpha', value: 3, from: 0, to: 3 },
			{ organisation: 'Beta', value: 2, from: 3, to: 5 }
		]);
	});

	test('diverging segments centre score 3 on zero', () => {
		const segs = divergingSegments([1, 1, 2, 0, 4]);
		expect(segs.map((s) => s.score)).toEqual([1, 2, 3, 5]);
		// shares 1/8, 1/8, 2/8, 0, 4/8
		expect(segs[0].from).toBeCloseTo(-0.375);
		expect(segs[2].from).toBeCloseTo(-0.125);
		expect(segs[2].to).toBeCloseTo(0.125);
		expect(segs[3].to).toBeCloseTo(0.625);
		expect(divergingSegments([0, 0, 0, 0, 0])).toEqual([]);
	});

	test('legend flow wraps rows', () => {
		expect(flowLegend([50, 50, 50], 120, 10)).toEqual([
			{ x: 0, row: 0 },
			{ x: 60, row: 0 },
			{ x: 0, row: 1 }
		]);
	});

	test('labels of nearby points do not overlap', () => {
		const pts = [
			{ x: 100, y: 100, r: 10, w: 80, h: 16 },
			{ x: 105, y: 102, r: 10, w: 80, h: 16 },
			{ x: 300, y: 100, r: 10, w: 80, h: 16 }
		];
		const spread = spreadCoincident(pts, 12);
		expect(Math.hypot(spread[0].x - spread[1].x, spread[0].y - spread[1].y)).toBeGreaterThanOrEqual(20);
		const spots = placeLabels(spread, { x: 0, y: 0, w: 500, h: 300 });
		const [p, q] = spots.map((s) => s.box);
		const overlap = Math.max(0, Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x)) * Math.max(0, Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y));
		expect(overlap).toBe(0);
		// near the right edge the label goes to the left
		expect(placeLabels([{ x: 490, y: 100, r: 10, w: 80, h: 16 }], { x: 0, y: 0, w: 500, h: 300 })[0].anchor).toBe('end');
	});

	test('text on chart colours meets WCAG AA', () => {
		for (const c of SCORE_COLOURS) expect(contrastRatio(c, textOn(c))).toBeGreaterThanOrEqual(4.5);
		for (let t = 0; t <= 1; t += 0.05) {
			const h = heatColours(t);
			expect(contrastRatio(h.light, h.lightText)).toBeGreaterThanOrEqual(4.5);
			expect(contrastRatio(h.dark, h.darkText)).toBeGreaterThanOrEqual(4.5);
		}
		// the matrix and comparison badges: white on brand-700
		expect(contrastRatio('#0f766e', '#ffffff')).toBeGreaterThanOrEqual(4.5);
	});
});
