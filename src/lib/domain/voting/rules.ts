/**
 * The rules of a voting round: settings kept within sane bounds, and the checks a ballot must
 * pass. The database function that stores ballots enforces the very same checks in SQL, so they
 * stay few and plain, and run in the fixed order below, each over the whole ballot: the first
 * failing check names the error, whatever the order of the marks. (The shape check comes first
 * because SQL has to cast the marks to integers before it can look at them.)
 *
 *   empty_ballot         no marks at all
 *   out_of_range         a mark that is not well formed: option not a string, criterion not a
 *                        whole number in 0..999, value not a whole number of at most 9 digits
 *   unknown_option       a mark on an option that is not in the round
 *   duplicate_mark       two marks on the same (option, criterion)
 *   out_of_range         a criterion other than 0..criteria−1 (score) or 0 (others), or a value
 *                        outside the method's range: dots 1.. (above maxPerOption has its own
 *                        code), approval 1, score 1..5, ranking 1..top, budget 1.. (above the
 *                        budget is over_budget)
 *   over_max_per_option  dots: a value above maxPerOption
 *   over_budget          dots: values sum above dots; budget: values sum above budget
 *   too_many_choices     approval: more marks than choices; ranking: more marks than top
 *   duplicate_position   ranking: two marks with the same value
 */
import type { Mark, Method, RoundSettings } from './types';

export const BALLOT_ERRORS = [
	'empty_ballot',
	'unknown_option',
	'duplicate_mark',
	'out_of_range',
	'over_max_per_option',
	'over_budget',
	'too_many_choices',
	'duplicate_position'
] as const;
export type BallotError = (typeof BALLOT_ERRORS)[number];

export const SCORE_MAX = 5;

export const SETTING_LIMITS = {
	dots: 50,
	top: 10,
	budgetMin: 10,
	budgetMax: 1000,
	criteria: 2,
	criterionLabel: 60
} as const;

export function defaultSettings(method: Method): RoundSettings {
	return {
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
	};
}

/** A whole number within lo..hi; anything that is not a finite number takes the fallback (itself kept within bounds). */
function int(value: unknown, lo: number, hi: number, fallback: number): number {
	const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
	return Math.min(hi, Math.max(lo, n));
}

function criteriaOf(input: unknown): string[] {
	const labels = Array.isArray(input) ? input.slice(0, SETTING_LIMITS.criteria) : [];
	const clean = labels.map((l) => (typeof l === 'string' ? l.trim().slice(0, SETTING_LIMITS.criterionLabel).trim() : ''));
	return clean.length > 0 ? clean : [''];
}

/**
 * Settings as a facilitator's form (or an old control document) gave them, made safe to run a
 * round with: every count a whole number in range, so a ballot can always be valid. Limits that
 * depend on the round (choices, top) follow the number of options, but never fall below 1.
 */
export function normaliseSettings(input: Partial<RoundSettings> & { method: Method }, optionCount: number): RoundSettings {
	const d = defaultSettings(input.method);
	const options = Math.max(1, Math.floor(optionCount) || 0);
	const dots = int(input.dots, 1, SETTING_LIMITS.dots, d.dots);
	return {
		method: input.method,
		dots,
		maxPerOption: int(input.maxPerOption, 1, dots, d.maxPerOption),
		choices: int(input.choices, 1, options, d.choices),
		top: int(input.top, 1, Math.min(SETTING_LIMITS.top, options), d.top),
		budget: int(input.budget, SETTING_LIMITS.budgetMin, SETTING_LIMITS.budgetMax, d.budget),
		criteria: criteriaOf(input.criteria),
		anonymous: typeof input.anonymous === 'boolean' ? input.anonymous : d.anonymous,
		resultsLive: typeof input.resultsLive === 'boolean' ? input.resultsLive : d.resultsLive,
		weighting: input.weighting === 'organisation' || input.weighting === 'person' ? input.weighting : d.weighting
	};
}

/** The values a single mark may hold; dots and budget have no upper bound here because exceeding it has its own error. */
function valueRange(s: RoundSettings): [number, number] {
	switch (s.method) {
		case 'dots':
			return [1, Infinity];
		case 'approval':
			return [1, 1];
		case 'score':
			return [1, SCORE_MAX];
		case 'ranking':
			return [1, s.top];
		case 'budget':
			return [1, Infinity];
	}
}

/** What the database can store at all (its integer columns and the casts of the SQL check). */
function wellFormed(m: Mark): boolean {
	return (
		typeof m.option === 'string' &&
		Number.isInteger(m.criterion) &&
		m.criterion >= 0 &&
		m.criterion <= 999 &&
		Number.isInteger(m.value) &&
		Math.abs(m.value) <= 999_999_999
	);
}

function inRange(s: RoundSettings, m: Mark): boolean {
	const criteria = s.method === 'score' ? s.criteria.length : 1;
	const [lo, hi] = valueRange(s);
	return m.criterion < criteria && m.value >= lo && m.value <= hi;
}

const sum = (marks: Mark[]) => marks.reduce((total, m) => total + m.value, 0);

/** Null when the ballot may be stored; otherwise the first rule it breaks (see the table above). */
export function validateBallot(settings: RoundSettings, optionIds: string[], marks: Mark[]): BallotError | null {
	const { method } = settings;
	if (marks.length === 0) return 'empty_ballot';
	if (!marks.every(wellFormed)) return 'out_of_range';
	const known = new Set(optionIds);
	if (marks.some((m) => !known.has(m.option))) return 'unknown_option';
	if (new Set(marks.map((m) => JSON.stringify([m.option, m.criterion]))).size < marks.length) return 'duplicate_mark';
	if (marks.some((m) => !inRange(settings, m))) return 'out_of_range';
	if (method === 'dots' && marks.some((m) => m.value > settings.maxPerOption)) return 'over_max_per_option';
	if ((method === 'dots' && sum(marks) > settings.dots) || (method === 'budget' && sum(marks) > settings.budget)) return 'over_budget';
	if ((method === 'approval' && marks.length > settings.choices) || (method === 'ranking' && marks.length > settings.top)) return 'too_many_choices';
	if (method === 'ranking' && new Set(marks.map((m) => m.value)).size < marks.length) return 'duplicate_position';
	return null;
}

/**
 * What the ballot form shows as "n left": points for dots and budget, choices for approval,
 * positions for ranking; null for scores, which have no allowance. `left` never goes below 0
 * (an invalid ballot shows `used` above `of`).
 */
export function remaining(settings: RoundSettings, marks: Mark[]): { used: number; left: number; of: number } | null {
	const allowance = (used: number, of: number) => ({ used, left: Math.max(0, of - used), of });
	switch (settings.method) {
		case 'dots':
			return allowance(sum(marks), settings.dots);
		case 'budget':
			return allowance(sum(marks), settings.budget);
		case 'approval':
			return allowance(marks.length, settings.choices);
		case 'ranking':
			return allowance(marks.length, settings.top);
		case 'score':
			return null;
	}
}
