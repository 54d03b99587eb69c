/**
 * A ballot being filled in, as plain values: (option, criterion) → value, 0 never kept. What the
 * ballot form does with a click — a dot more, a rank moved, a score cleared — is one of these
 * functions; `rules.ts` says whether the result may be cast.
 */
import { remaining } from './rules';
import type { Mark, RoundSettings } from './types';

export type BallotValues = Readonly<Record<string, number>>;

const SEP = '\u0000';
export const markKey = (option: string, criterion = 0) => `${option}${SEP}${criterion}`;

export function valuesOf(marks: readonly Mark[]): BallotValues {
	const values: Record<string, number> = {};
	for (const mark of marks) if (mark.value > 0) values[markKey(mark.option, mark.criterion)] = mark.value;
	return values;
}

export function marksOf(values: BallotValues): Mark[] {
	return Object.entries(values)
		.filter(([, value]) => value > 0)
		.map(([key, value]) => {
			const [option, criterion] = key.split(SEP);
			return { option, criterion: Number(criterion), value };
		});
}

export const valueOf = (values: BallotValues, option: string, criterion = 0) => values[markKey(option, criterion)] ?? 0;

/** The values with one mark changed; 0 removes it. */
export function withValue(values: BallotValues, option: string, value: number, criterion = 0): BallotValues {
	const next = { ...values };
	if (value > 0) next[markKey(option, criterion)] = value;
	else delete next[markKey(option, criterion)];
	return next;
}

/** The ranked options in rank order (ranking ballots). */
export function rankedIds(values: BallotValues, optionIds: readonly string[]): string[] {
	return optionIds.filter((id) => valueOf(values, id) > 0).sort((a, b) => valueOf(values, a) - valueOf(values, b));
}

/** A ranking as values: positions 1..n without gaps. */
export function rankingValues(order: readonly string[]): BallotValues {
	return Object.fromEntries(order.map((id, i) => [markKey(id), i + 1]));
}

/** The order with `id` moved `by` places (-1 up, +1 down); unchanged at either end. */
export function moveInOrder(order: readonly string[], id: string, by: number): string[] {
	const next = [...order];
	const i = next.indexOf(id);
	const j = i + by;
	if (i < 0 || j < 0 || j >= next.length) return next;
	[next[i], next[j]] = [next[j], next[i]];
	return next;
}

/** The most this option may get with the rest of the ballot as it is (dots: also the per-option cap). */
export function maxFor(settings: RoundSettings, values: BallotValues, option: string): number {
	const here = valueOf(values, option);
	const left = remaining(settings, marksOf(values))?.left ?? 0;
	return settings.method === 'dots' ? Math.min(settings.maxPerOption, here + left) : here + left;
}

/** Whether two ballots mark the same (option, criterion, value)s, in any order. */
export function sameMarks(a: readonly Mark[], b: readonly Mark[]): boolean {
	const canonical = (list: readonly Mark[]) =>
		JSON.stringify([...list].sort((x, y) => x.option.localeCompare(y.option) || x.criterion - y.criterion).map((x) => [x.option, x.criterion, x.value]));
	return canonical(a) === canonical(b);
}
