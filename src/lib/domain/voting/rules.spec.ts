import { describe, it, expect } from 'vitest';
import { BALLOT_ERRORS, defaultSettings, normaliseSettings, remaining, validateBallot, type BallotError } from './rules';
import { METHODS, type Mark, type Method, type RoundSettings } from './types';

const m = (option: string, value: number, criterion = 0): Mark => ({ option, criterion, value });
const settings = (method: Method, over: Partial<RoundSettings> = {}): RoundSettings => ({ ...defaultSettings(method), ...over });
const OPTIONS = ['a', 'b', 'c', 'd', 'e'];

describe('defaultSettings', () => {
	it('gives the documented defaults whatever the method', () => {
		for (const method of METHODS) {
			expect(defaultSettings(method)).toEqual({
				method,
				dots: 5,
				maxPerOption: 3,
				choices: 3,
				top: 3,
				budget: 100,
				criteria: [''],
				anonymous: true,
				resultsLive: false,
				weighting: 'person'
			});
		}
	});

	it('returns a fresh object each time (criteria is not shared)', () => {
		const one = defaultSettings('score');
		one.criteria.push('Feasibility');
		expect(defaultSettings('score').criteria).toEqual(['']);
	});
});

describe('normaliseSettings', () => {
	it('fills what is missing with the defaults', () => {
		expect(normaliseSettings({ method: 'dots' }, 8)).toEqual(defaultSettings('dots'));
	});

	it('keeps values already in range', () => {
		const input: RoundSettings = {
			method: 'ranking',
			dots: 12,
			maxPerOption: 4,
			choices: 2,
			top: 5,
			budget: 250,
			criteria: ['Impact', 'Feasibility'],
			anonymous: false,
			resultsLive: true,
			weighting: 'organisation'
		};
		expect(normaliseSettings(input, 8)).toEqual(input);
	});

	it('clamps dots to 1..50 and maxPerOption to 1..dots', () => {
		expect(normaliseSettings({ method: 'dots', dots: 0, maxPerOption: 0 }, 5)).toMatchObject({ dots: 1, maxPerOption: 1 });
		expect(normaliseSettings({ method: 'dots', dots: 80, maxPerOption: 99 }, 5)).toMatchObject({ dots: 50, maxPerOption: 50 });
		// the default maxPerOption (3) cannot exceed two dots
		expect(normaliseSettings({ method: 'dots', dots: 2 }, 5)).toMatchObject({ dots: 2, maxPerOption: 2 });
	});

	it('rounds to whole numbers and ignores what is not a finite number', () => {
		expect(normaliseSettings({ method: 'dots', dots: 6.6, maxPerOption: 2.4 }, 5)).toMatchObject({ dots: 7, maxPerOption: 2 });
		expect(normaliseSettings({ method: 'dots', dots: NaN, maxPerOption: Infinity }, 5)).toMatchObject({ dots: 5, maxPerOption: 3 });
		const fromJson = { method: 'dots', dots: '9', budget: null } as unknown as RoundSettings;
		expect(normaliseSettings(fromJson, 5)).toMatchObject({ dots: 5, budget: 100 });
	});

	it('keeps choices within 1..options and top within 1..min(10, options)', () => {
		expect(normaliseSettings({ method: 'approval', choices: 7 }, 4).choices).toBe(4);
		expect(normaliseSettings({ method: 'approval', choices: -2 }, 4).choices).toBe(1);
		expect(normaliseSettings({ method: 'approval' }, 2).choices).toBe(2); // default 3, only 2 options
		expect(normaliseSettings({ method: 'ranking', top: 12 }, 20).top).toBe(10);
		expect(normaliseSettings({ method: 'ranking', top: 12 }, 6).top).toBe(6);
		expect(normaliseSettings({ method: 'ranking', top: 0 }, 6).top).toBe(1);
	});

	it('never goes below 1 even for a round without options', () => {
		expect(normaliseSettings({ method: 'ranking' }, 0)).toMatchObject({ choices: 1, top: 1 });
	});

	it('keeps the budget at 100 unless given, then within 10..1000', () => {
		expect(normaliseSettings({ method: 'budget' }, 3).budget).toBe(100);
		expect(normaliseSettings({ method: 'budget', budget: 500 }, 3).budget).toBe(500);
		expect(normaliseSettings({ method: 'budget', budget: 5 }, 3).budget).toBe(10);
		expect(normaliseSettings({ method: 'budget', budget: 5000 }, 3).budget).toBe(1000);
	});

	it('keeps one or two trimmed criterion labels of at most 60 characters', () => {
		expect(normaliseSettings({ method: 'score', criteria: ['  Impact ', ' Feasibility', 'Cost'] }, 3).criteria).toEqual(['Impact', 'Feasibility']);
		expect(normaliseSettings({ method: 'score', criteria: [] }, 3).criteria).toEqual(['']);
		expect(normaliseSettings({ method: 'score', criteria: ['x'.repeat(70)] }, 3).criteria).toEqual(['x'.repeat(60)]);
		expect(normaliseSettings({ method: 'score', criteria: ['   '] }, 3).criteria).toEqual(['']);
	});

	it('takes only known weightings and real booleans', () => {
		const odd = { method: 'score', weighting: 'money', anonymous: 'no', resultsLive: 1 } as unknown as RoundSettings;
		expect(normaliseSettings(odd, 3)).toMatchObject({ weighting: 'person', anonymous: true, resultsLive: false });
	});
});

describe('validateBallot accepts valid ballots', () => {
	const valid: [Method, Partial<RoundSettings>, Mark[]][] = [
		// 3 + 2 = 5 dots, none above 3 per option
		['dots', {}, [m('a', 3), m('b', 2)]],
		['dots', {}, [m('a', 1)]],
		// 3 choices of 3
		['approval', {}, [m('a', 1), m('c', 1), m('e', 1)]],
		['score', {}, [m('a', 1), m('b', 5)]],
		['score', { criteria: ['Impact', 'Feasibility'] }, [m('a', 4, 0), m('a', 2, 1), m('b', 3, 1)]],
		// top 3: positions 1, 2, 3; fewer than top is fine too
		['ranking', {}, [m('c', 1), m('a', 2), m('d', 3)]],
		['ranking', {}, [m('b', 1)]],
		// 60 + 40 = 100
		['budget', {}, [m('a', 60), m('b', 40)]],
		['budget', {}, [m('e', 100)]]
	];
	it.each(valid)('%s %j %j', (method, over, marks) => {
		expect(validateBallot(settings(method, over), OPTIONS, marks)).toBeNull();
	});
});

describe('validateBallot refuses', () => {
	const refused: [BallotError, Method, Partial<RoundSettings>, Mark[]][] = [
		['empty_ballot', 'dots', {}, []],
		['empty_ballot', 'score', {}, []],
		['unknown_option', 'approval', {}, [m('a', 1), m('zz', 1)]],
		['duplicate_mark', 'dots', {}, [m('a', 1), m('a', 2)]],
		['duplicate_mark', 'score', { criteria: ['Impact', 'Feasibility'] }, [m('a', 3, 1), m('a', 4, 1)]],
		['out_of_range', 'dots', {}, [m('a', 0)]],
		['out_of_range', 'dots', {}, [m('a', 1.5)]],
		['out_of_range', 'approval', {}, [m('a', 2)]],
		['out_of_range', 'score', {}, [m('a', 6)]],
		['out_of_range', 'score', {}, [m('a', 0)]],
		['out_of_range', 'score', {}, [m('a', 3, 1)]], // one criterion only: index 1 is bad
		['out_of_range', 'score', { criteria: ['Impact', 'Feasibility'] }, [m('a', 3, 2)]],
		['out_of_range', 'score', {}, [m('a', 3, 0.5)]],
		['out_of_range', 'ranking', {}, [m('a', 4)]], // top 3
		['out_of_range', 'ranking', {}, [m('a', -1)]],
		['out_of_range', 'budget', {}, [m('a', NaN)]],
		['out_of_range', 'approval', {}, [m('a', 1, 1)]],
		['over_max_per_option', 'dots', {}, [m('a', 4)]], // max 3 per option
		['over_budget', 'dots', {}, [m('a', 3), m('b', 2), m('c', 1)]], // 3 + 2 + 1 = 6 > 5
		['over_budget', 'budget', {}, [m('a', 60), m('b', 30), m('c', 11)]], // 60 + 30 + 11 = 101 > 100
		['over_budget', 'budget', {}, [m('a', 101)]], // one option alone above the budget
		['out_of_range', 'dots', {}, [m('a', 1_000_000_000)]], // more than 9 digits: not storable
		['out_of_range', 'dots', {}, [{ option: 7, criterion: 0, value: 1 } as unknown as Mark]],
		['too_many_choices', 'approval', {}, [m('a', 1), m('b', 1), m('c', 1), m('d', 1)]], // 4 > 3
		['too_many_choices', 'ranking', { top: 2 }, [m('a', 1), m('b', 2), m('c', 2)]], // 3 marks > top 2
		['duplicate_position', 'ranking', {}, [m('a', 1), m('b', 1)]]
	];
	it.each(refused)('%s: %s %j %j', (code, method, over, marks) => {
		expect(validateBallot(settings(method, over), OPTIONS, marks)).toBe(code);
	});

	it('triggers every error code in the examples above', () => {
		expect(new Set(refused.map(([code]) => code))).toEqual(new Set(BALLOT_ERRORS));
	});

	it('names the first broken rule in the documented order, whatever the order of the marks', () => {
		// unknown option, duplicate and value out of range all at once: unknown_option comes first
		const marks = [m('a', 9), m('a', 9), m('zz', 1)];
		expect(validateBallot(settings('score'), OPTIONS, marks)).toBe('unknown_option');
		expect(validateBallot(settings('score'), OPTIONS, [...marks].reverse())).toBe('unknown_option');
		// but a mark that is not a whole number is refused before anything else, as the SQL casts do
		expect(validateBallot(settings('score'), OPTIONS, [...marks, m('b', 2.5)])).toBe('out_of_range');
		// 4 dots on a and 4 on b: over max per option (4 > 3) and over budget (8 > 5)
		expect(validateBallot(settings('dots'), OPTIONS, [m('a', 4), m('b', 4)])).toBe('over_max_per_option');
	});
});

describe('remaining', () => {
	it('counts dots and budget points', () => {
		// 3 + 1 of 5 dots
		expect(remaining(settings('dots'), [m('a', 3), m('b', 1)])).toEqual({ used: 4, left: 1, of: 5 });
		// 30 + 45 of 100 points
		expect(remaining(settings('budget'), [m('a', 30), m('b', 45)])).toEqual({ used: 75, left: 25, of: 100 });
	});

	it('counts approval choices and ranking positions', () => {
		expect(remaining(settings('approval'), [m('a', 1)])).toEqual({ used: 1, left: 2, of: 3 });
		expect(remaining(settings('ranking', { top: 5 }), [m('a', 1), m('b', 2)])).toEqual({ used: 2, left: 3, of: 5 });
	});

	it('starts full and never shows less than 0 left', () => {
		expect(remaining(settings('dots'), [])).toEqual({ used: 0, left: 5, of: 5 });
		expect(remaining(settings('dots'), [m('a', 3), m('b', 3)])).toEqual({ used: 6, left: 0, of: 5 });
	});

	it('has nothing to count for scores', () => {
		expect(remaining(settings('score'), [m('a', 4)])).toBeNull();
	});
});
