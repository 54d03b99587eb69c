import { describe, it, expect } from 'vitest';
import { defaultSettings } from './rules';
import { aggregate, compareRounds, tally, topOptions } from './tally';
import { POOLED, type Mark, type Method, type RoundAggregate, type RoundOption, type RoundSettings, type TallyBallot, type TallyResult } from './types';

const m = (option: string, value: number, criterion = 0): Mark => ({ option, criterion, value });
const ballot = (organisation: string, ...marks: Mark[]): TallyBallot => ({ organisation, marks });
const times = (n: number, b: TallyBallot): TallyBallot[] => Array.from({ length: n }, () => b);
const options = (...ids: string[]): RoundOption[] => ids.map((id, position) => ({ id, label: id.toUpperCase(), position }));
const run = (ballots: TallyBallot[], opts: RoundOption[], method: Method, over: Partial<RoundSettings> = {}) =>
	tally(aggregate(ballots), opts, { ...defaultSettings(method), ...over });
/** [id, rank, total, tied] best first: the ranked bars in one line. */
const bars = (r: TallyResult) => r.options.map((o) => [o.id, o.rank, o.total, o.tied]);
const option = (r: TallyResult, id: string) => r.options.find((o) => o.id === id)!;

describe('aggregate', () => {
	const ballots: TallyBallot[] = [
		ballot('Beta', m('a', 2)),
		ballot('Alpha', m('b', 1), m('a', 2)),
		ballot('Alpha', m('a', 2)),
		{ ...ballot('Alpha', m('a', 3)), proxy: true }
	];

	it('counts voters per organisation and ballots per (organisation, option, criterion, value), sorted', () => {
		expect(aggregate(ballots)).toEqual({
			voters: [
				{ organisation: 'Alpha', count: 3, proxies: 1 },
				{ organisation: 'Beta', count: 1, proxies: 0 }
			],
			cells: [
				{ organisation: 'Alpha', option: 'a', criterion: 0, value: 2, count: 2 },
				{ organisation: 'Alpha', option: 'a', criterion: 0, value: 3, count: 1 },
				{ organisation: 'Alpha', option: 'b', criterion: 0, value: 1, count: 1 },
				{ organisation: 'Beta', option: 'a', criterion: 0, value: 2, count: 1 }
			]
		});
	});

	it('does not depend on the order of the ballots or of their marks', () => {
		const shuffled = [ballots[2], ballots[3], { ...ballots[1], marks: [...ballots[1].marks].reverse() }, ballots[0]];
		expect(aggregate(shuffled)).toEqual(aggregate(ballots));
	});

	it('of no ballots is empty', () => {
		expect(aggregate([])).toEqual({ voters: [], cells: [] });
	});
});

describe('tally: dots', () => {
	const result = run(
		[ballot('Alpha', m('a', 3), m('b', 2)), ballot('Alpha', m('a', 1), m('b', 1), m('c', 3)), ballot('Beta', m('c', 3), m('b', 2))],
		options('a', 'b', 'c'),
		'dots'
	);

	it('adds the dots', () => {
		// a = 3 + 1 = 4; b = 2 + 1 + 2 = 5; c = 3 + 3 = 6
		expect(bars(result)).toEqual([
			['c', 1, 6, false],
			['b', 2, 5, false],
			['a', 3, 4, false]
		]);
	});

	it('splits each total by organisation', () => {
		expect(option(result, 'a').byOrganisation).toEqual({ Alpha: 4 }); // 3 + 1
		expect(option(result, 'b').byOrganisation).toEqual({ Alpha: 3, Beta: 2 }); // 2 + 1 | 2
		expect(option(result, 'c').byOrganisation).toEqual({ Alpha: 3, Beta: 3 }); // 3 | 3
	});

	it('counts supporters, voters and organisations without weights', () => {
		expect(result.options.map((o) => [o.id, o.supporters])).toEqual([
			['c', 2],
			['b', 3],
			['a', 2]
		]);
		expect(result).toMatchObject({ method: 'dots', weighting: 'person', voters: 3, proxies: 0, organisations: ['Alpha', 'Beta'] });
	});

	it('has no means or distributions (those are for scores)', () => {
		expect(option(result, 'a')).toMatchObject({ means: [], distribution: [], label: 'A' });
	});
});

describe('tally: approval', () => {
	// option order is by position, not by the order of the array
	const shuffledOptions: RoundOption[] = [
		{ id: 'd', label: 'D', position: 3 },
		{ id: 'c', label: 'C', position: 2 },
		{ id: 'b', label: 'B', position: 1 },
		{ id: 'a', label: 'A', position: 0 }
	];
	const result = run(
		[ballot('Alpha', m('a', 1), m('b', 1)), ballot('Alpha', m('a', 1), m('c', 1)), ballot('Beta', m('a', 1), m('d', 1)), ballot('Beta', m('b', 1), m('c', 1))],
		shuffledOptions,
		'approval',
		{ choices: 2 }
	);

	it('counts approvals; ties share the best rank (1, 2, 2, 4) and keep option order', () => {
		// a = 3; b = 2; c = 2; d = 1
		expect(bars(result)).toEqual([
			['a', 1, 3, false],
			['b', 2, 2, true],
			['c', 2, 2, true],
			['d', 4, 1, false]
		]);
	});

	it('shares rank 1 among all when nobody voted', () => {
		expect(bars(run([], options('a', 'b'), 'approval'))).toEqual([
			['a', 1, 0, true],
			['b', 1, 0, true]
		]);
	});
});

describe('tally: score on two criteria', () => {
	const criteria = ['Impact', 'Feasibility'];
	const result = run(
		[
			ballot('Alpha', m('a', 5, 0), m('a', 2, 1), m('b', 3, 0), m('b', 4, 1)),
			ballot('Alpha', m('a', 4, 0), m('a', 3, 1), m('b', 3, 0), m('b', 5, 1)),
			ballot('Beta', m('a', 3, 0), m('a', 1, 1)) // leaves b unscored
		],
		options('a', 'b', 'c'),
		'score',
		{ criteria }
	);

	it('takes the mean of each criterion over those who scored, and the mean of the means as total', () => {
		// a: impact (5 + 4 + 3) / 3 = 4, feasibility (2 + 3 + 1) / 3 = 2, total (4 + 2) / 2 = 3
		// b: impact (3 + 3) / 2 = 3, feasibility (4 + 5) / 2 = 4.5, total (3 + 4.5) / 2 = 3.75
		// c: nobody scored it: means null, total 0
		expect(bars(result)).toEqual([
			['b', 1, 3.75, false],
			['a', 2, 3, false],
			['c', 3, 0, false]
		]);
		expect(option(result, 'a').means).toEqual([4, 2]);
		expect(option(result, 'b').means).toEqual([3, 4.5]);
		expect(option(result, 'c').means).toEqual([null, null]);
		expect(result.criteria).toEqual(criteria);
	});

	it('counts how many gave each score, per criterion', () => {
		// a: impact 5, 4, 3; feasibility 2, 3, 1
		expect(option(result, 'a').distribution).toEqual([
			[0, 0, 1, 1, 1],
			[1, 1, 1, 0, 0]
		]);
		// b: impact 3, 3; feasibility 4, 5
		expect(option(result, 'b').distribution).toEqual([
			[0, 0, 2, 0, 0],
			[0, 0, 0, 1, 1]
		]);
		expect(option(result, 'c').distribution).toEqual([
			[0, 0, 0, 0, 0],
			[0, 0, 0, 0, 0]
		]);
	});

	it("splits the mean into each organisation's share, summing to the total", () => {
		// a impact: Alpha (5 + 4) / 3 = 3, Beta 3 / 3 = 1; feasibility: Alpha (2 + 3) / 3 = 5/3, Beta 1 / 3
		// averaged over the two criteria: Alpha (3 + 5/3) / 2 = 7/3, Beta (1 + 1/3) / 2 = 2/3; 7/3 + 2/3 = 3
		const a = option(result, 'a').byOrganisation;
		expect(Object.keys(a)).toEqual(['Alpha', 'Beta']);
		expect(a.Alpha).toBeCloseTo(7 / 3, 8);
		expect(a.Beta).toBeCloseTo(2 / 3, 8);
		// b: only Alpha scored it: (6/2 + 9/2) / 2 = 3.75
		expect(option(result, 'b').byOrganisation).toEqual({ Alpha: 3.75 });
		expect(option(result, 'c').byOrganisation).toEqual({});
	});

	it('counts supporters from the first criterion', () => {
		expect(result.options.map((o) => [o.id, o.supporters])).toEqual([
			['b', 2],
			['a', 3],
			['c', 0]
		]);
	});

	it('per organisation, weighs only the ballots that scored the option', () => {
		const ballots = [ballot('Alpha', m('a', 5)), ballot('Alpha', m('b', 4)), ballot('Beta', m('a', 2))];
		const byPerson = run(ballots, options('a', 'b'), 'score');
		// a: (5 + 2) / 2 = 3.5; b: 4 / 1 = 4
		expect(bars(byPerson)).toEqual([
			['b', 1, 4, false],
			['a', 2, 3.5, false]
		]);
		const byOrganisation = run(ballots, options('a', 'b'), 'score', { weighting: 'organisation' });
		// Alpha's two ballots weigh 1/2 each, Beta's one ballot 1.
		// a: (5 × 1/2 + 2 × 1) / (1/2 + 1) = 4.5 / 1.5 = 3; b: (4 × 1/2) / (1/2) = 4
		expect(bars(byOrganisation)).toEqual([
			['b', 1, 4, false],
			['a', 2, 3, false]
		]);
		// a's shares: Alpha 2.5 / 1.5 = 5/3, Beta 2 / 1.5 = 4/3
		expect(option(byOrganisation, 'a').byOrganisation.Alpha).toBeCloseTo(5 / 3, 8);
		expect(option(byOrganisation, 'a').byOrganisation.Beta).toBeCloseTo(4 / 3, 8);
		// a: score 2 from Beta (weight 1), score 5 from Alpha (weight 1/2); supporters stay unweighted
		expect(option(byOrganisation, 'a').distribution).toEqual([[0, 1, 0, 0, 0.5]]);
		expect(option(byOrganisation, 'a').supporters).toBe(2);
	});
});

describe('tally: ranking (Borda)', () => {
	// top 3: position 1 → 3 points, 2 → 2 points, 3 → 1 point
	const result = run(
		[ballot('Alpha', m('a', 1), m('b', 2), m('c', 3)), ballot('Alpha', m('b', 1), m('a', 2), m('d', 3)), ballot('Beta', m('c', 1), m('b', 2))],
		options('a', 'b', 'c', 'd', 'e'),
		'ranking',
		{ top: 3 }
	);

	it('adds Borda points', () => {
		// a = 3 + 2 = 5; b = 2 + 3 + 2 = 7; c = 1 + 3 = 4; d = 1; e = 0 (never ranked)
		expect(bars(result)).toEqual([
			['b', 1, 7, false],
			['a', 2, 5, false],
			['c', 3, 4, false],
			['d', 4, 1, false],
			['e', 5, 0, false]
		]);
		// b: Alpha 2 + 3 = 5, Beta 2
		expect(option(result, 'b').byOrganisation).toEqual({ Alpha: 5, Beta: 2 });
		expect(result.options.map((o) => o.supporters)).toEqual([3, 2, 2, 1, 0]);
	});
});

describe('tally: budget', () => {
	const ballots = [ballot('Alpha', m('a', 60), m('b', 40)), ballot('Beta', m('a', 10), m('b', 30), m('c', 60)), ballot('Beta', m('c', 100))];

	it('adds points, with a tie for second place', () => {
		// a = 60 + 10 = 70; b = 40 + 30 = 70; c = 60 + 100 = 160
		expect(bars(run(ballots, options('a', 'b', 'c'), 'budget'))).toEqual([
			['c', 1, 160, false],
			['a', 2, 70, true],
			['b', 2, 70, true]
		]);
	});

	it('per organisation, halves each of Beta’s two ballots', () => {
		const result = run(ballots, options('a', 'b', 'c'), 'budget', { weighting: 'organisation' });
		// a = 60 + 10/2 = 65; b = 40 + 30/2 = 55; c = (60 + 100)/2 = 80
		expect(bars(result)).toEqual([
			['c', 1, 80, false],
			['a', 2, 65, false],
			['b', 3, 55, false]
		]);
		expect(option(result, 'a').byOrganisation).toEqual({ Alpha: 60, Beta: 5 });
		expect(option(result, 'c').byOrganisation).toEqual({ Beta: 80 });
		expect(result.weighting).toBe('organisation');
	});
});

describe('tally: weighting', () => {
	// Alpha sends five people, Beta one; each chooses one option.
	const ballots = [...times(3, ballot('Alpha', m('north', 1))), ...times(2, ballot('Alpha', m('east', 1))), ballot('Beta', m('south', 1))];
	const opts = options('north', 'east', 'south');

	it('per person, the big delegation wins', () => {
		// north 3, east 2, south 1
		expect(bars(run(ballots, opts, 'approval', { choices: 1 }))).toEqual([
			['north', 1, 3, false],
			['east', 2, 2, false],
			['south', 3, 1, false]
		]);
	});

	it('per organisation, each organisation weighs 1 and the other winner emerges', () => {
		// Alpha's ballots weigh 1/5: north 3/5 = 0.6, east 2/5 = 0.4; Beta's weighs 1: south 1
		const result = run(ballots, opts, 'approval', { choices: 1, weighting: 'organisation' });
		expect(bars(result)).toEqual([
			['south', 1, 1, false],
			['north', 2, 0.6, false],
			['east', 3, 0.4, false]
		]);
		// weights change totals, not head counts
		expect(result.options.map((o) => o.supporters)).toEqual([1, 3, 2]);
		expect(result.voters).toBe(6);
	});

	it('thirds add up to a whole and tie with it', () => {
		// three organisations of three, one approval each on x: 1/3 + 1/3 + 1/3 = 1; Delta alone on y: 1
		const thirds = ['Alpha', 'Beta', 'Gamma'].flatMap((org) => [ballot(org, m('x', 1)), ...times(2, ballot(org, m('z', 1)))]);
		const result = run([...thirds, ballot('Delta', m('y', 1))], options('x', 'y', 'z'), 'approval', { choices: 1, weighting: 'organisation' });
		// z = 2/3 × 3 = 2
		expect(bars(result)).toEqual([
			['z', 1, 2, false],
			['x', 2, 1, true],
			['y', 2, 1, true]
		]);
	});

	it('tenths that float arithmetic would get wrong still tie', () => {
		// organisations of ten: Gamma 1 on x, Eta 2 on x → 0.1 + 0.2 = 0.3 (0.30000000000000004 in floats);
		// Iota 3 on w → 0.3; everyone else on y: 0.9 + 0.8 + 0.7 = 2.4
		const ballots = [
			ballot('Gamma', m('x', 1)),
			...times(9, ballot('Gamma', m('y', 1))),
			...times(2, ballot('Eta', m('x', 1))),
			...times(8, ballot('Eta', m('y', 1))),
			...times(3, ballot('Iota', m('w', 1))),
			...times(7, ballot('Iota', m('y', 1)))
		];
		const result = run(ballots, options('x', 'y', 'w'), 'approval', { choices: 1, weighting: 'organisation' });
		expect(bars(result)).toEqual([
			['y', 1, 2.4, false],
			['x', 2, 0.3, true],
			['w', 2, 0.3, true]
		]);
	});
});

describe('tally: pooled buckets of anonymous rounds', () => {
	// Alpha sends two people, Beta and Gamma one each. The database reports Beta and Gamma
	// together, each ballot with its own weight (1 per organisation of one).
	const ballots = [ballot('Alpha', m('a', 2)), ballot('Alpha', m('b', 2)), ballot('Beta', m('a', 1)), ballot('Gamma', m('c', 1))];
	const pooled: RoundAggregate = {
		voters: [
			{ organisation: 'Alpha', count: 2, proxies: 0 },
			{ organisation: POOLED, count: 2, proxies: 0, pooled: true, organisations: 2 }
		],
		cells: [
			{ organisation: 'Alpha', option: 'a', criterion: 0, value: 2, count: 1 },
			{ organisation: 'Alpha', option: 'b', criterion: 0, value: 2, count: 1 },
			{ organisation: POOLED, option: 'a', criterion: 0, value: 1, count: 1, weight: 1 },
			{ organisation: POOLED, option: 'c', criterion: 0, value: 1, count: 1, weight: 1 }
		]
	};
	const opts = options('a', 'b', 'c');
	const settings = { ...defaultSettings('dots'), weighting: 'organisation' as const };

	it('gives the same totals as the ballots, per organisation weighting included', () => {
		// a: Alpha 2 × 1/2 + Beta 1 = 2; b: Alpha 2 × 1/2 = 1; c: Gamma 1
		const result = tally(pooled, opts, settings);
		expect(bars(result)).toEqual([
			['a', 1, 2, false],
			['b', 2, 1, true],
			['c', 2, 1, true]
		]);
		expect(bars(result)).toEqual(bars(run(ballots, opts, 'dots', { weighting: 'organisation' })));
		expect(option(result, 'a').byOrganisation).toEqual({ Alpha: 1, [POOLED]: 1 });
		expect(result.voters).toBe(4);
	});

	it('names the pooled bucket, so that charts can show it apart; a round without one has none', () => {
		expect(tally(pooled, opts, settings).pooled).toBe(POOLED);
		// The name it was given for display travels with it.
		const name = (o: string) => (o === POOLED ? 'Other organisations (2)' : o);
		const shown = {
			voters: pooled.voters.map((v) => ({ ...v, organisation: name(v.organisation) })),
			cells: pooled.cells.map((c) => ({ ...c, organisation: name(c.organisation) }))
		};
		expect(tally(shown, opts, settings).pooled).toBe('Other organisations (2)');
		expect('pooled' in tally(aggregate(ballots), opts, settings)).toBe(false);
	});

	it('weighs a bucket of organisations of different sizes by the weights the database summed', () => {
		// Everyone together (Beta alone would be the total minus Alpha): Alpha's ballots weigh 1/2, Beta's 1.
		const all: RoundAggregate = {
			voters: [{ organisation: POOLED, count: 3, proxies: 0, pooled: true, organisations: 2 }],
			cells: [
				{ organisation: POOLED, option: 'a', criterion: 0, value: 2, count: 1, weight: 0.5 },
				{ organisation: POOLED, option: 'a', criterion: 0, value: 1, count: 1, weight: 1 },
				{ organisation: POOLED, option: 'b', criterion: 0, value: 2, count: 1, weight: 0.5 }
			]
		};
		const result = tally(all, opts, settings);
		expect(bars(result)).toEqual(bars(run(ballots.slice(0, 3), opts, 'dots', { weighting: 'organisation' })));
		expect(option(result, 'a').total).toBe(2);
		expect(option(result, 'a').supporters).toBe(2);
	});
});

describe('tally: voters, proxies, organisations', () => {
	it('counts proxy ballots among the voters', () => {
		const ballots: TallyBallot[] = [ballot('Alpha', m('a', 1)), { ...ballot('Alpha', m('b', 1)), proxy: true }, { ...ballot('Beta', m('a', 1)), proxy: true }];
		const result = run(ballots, options('a', 'b'), 'approval');
		expect(result).toMatchObject({ voters: 3, proxies: 2 });
	});

	it('lists organisations that voted, in locale order', () => {
		const result = run(
			[ballot('Zeta', m('a', 1)), ballot('Ázsia', m('a', 1)), ballot('alpha', m('a', 1)), ballot('Beta', m('a', 1))],
			options('a'),
			'approval'
		);
		expect(result.organisations).toEqual(['alpha', 'Ázsia', 'Beta', 'Zeta']);
	});

	it('leaves out organisations with no voters and ignores their cells and options not in the round', () => {
		const result = tally(
			{
				voters: [
					{ organisation: 'Alpha', count: 1, proxies: 0 },
					{ organisation: 'Ghost', count: 0, proxies: 0 }
				],
				cells: [
					{ organisation: 'Alpha', option: 'a', criterion: 0, value: 1, count: 1 },
					{ organisation: 'Alpha', option: 'gone', criterion: 0, value: 1, count: 1 },
					{ organisation: 'Ghost', option: 'a', criterion: 0, value: 1, count: 5 }
				]
			},
			options('a'),
			{ ...defaultSettings('approval'), weighting: 'organisation' }
		);
		expect(result.organisations).toEqual(['Alpha']);
		expect(bars(result)).toEqual([['a', 1, 1, false]]);
		expect(option(result, 'a').byOrganisation).toEqual({ Alpha: 1 });
	});

	it('does not depend on the order of the aggregate', () => {
		const agg = aggregate([ballot('Beta', m('a', 2), m('b', 1)), ballot('Alpha', m('a', 1), m('c', 2)), ballot('Alpha', m('b', 1))]);
		const reversed = { voters: [...agg.voters].reverse(), cells: [...agg.cells].reverse() };
		const settings = { ...defaultSettings('dots'), weighting: 'organisation' as const };
		expect(tally(reversed, options('a', 'b', 'c'), settings)).toEqual(tally(agg, options('a', 'b', 'c'), settings));
	});
});

describe('topOptions', () => {
	// c 160 first, a and b tied second at 70, d 0 fourth
	const result = run(
		[ballot('Alpha', m('a', 60), m('b', 40)), ballot('Beta', m('a', 10), m('b', 30), m('c', 60)), ballot('Beta', m('c', 100))],
		options('a', 'b', 'c', 'd'),
		'budget'
	);
	const ids = (n: number) => topOptions(result, n).map((o) => o.id);

	it('takes the first n by rank', () => {
		expect(ids(1)).toEqual(['c']);
		expect(ids(3)).toEqual(['c', 'a', 'b']);
	});

	it('brings along every option tied with the n-th', () => {
		expect(ids(2)).toEqual(['c', 'a', 'b']);
	});

	it('takes nothing for n < 1 and everything for n beyond the options', () => {
		expect(ids(0)).toEqual([]);
		expect(ids(10)).toEqual(['c', 'a', 'b', 'd']);
	});
});

describe('compareRounds', () => {
	// round a: p 3, q 2, r 1; round b drops p, adds s, rewords r: r 3, s 2, q 1
	const roundA = run(
		[ballot('Alpha', m('p', 1), m('q', 1), m('r', 1)), ballot('Alpha', m('p', 1), m('q', 1)), ballot('Beta', m('p', 1))],
		options('p', 'q', 'r'),
		'approval'
	);
	const roundB = run(
		[ballot('Alpha', m('r', 1), m('s', 1), m('q', 1)), ballot('Alpha', m('r', 1), m('s', 1)), ballot('Beta', m('r', 1))],
		[...options('q', 's'), { id: 'r', label: 'R reworded', position: 2 }],
		'approval'
	);

	it('matches options by id, ordered by the later round, then the earlier', () => {
		expect(compareRounds(roundA, roundB)).toEqual([
			{ id: 'r', label: 'R reworded', a: { rank: 3, total: 1 }, b: { rank: 1, total: 3 } },
			{ id: 's', label: 'S', a: null, b: { rank: 2, total: 2 } },
			{ id: 'q', label: 'Q', a: { rank: 2, total: 2 }, b: { rank: 3, total: 1 } },
			{ id: 'p', label: 'P', a: { rank: 1, total: 3 }, b: null }
		]);
	});
});
