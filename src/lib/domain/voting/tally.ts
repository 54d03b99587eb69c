/**
 * Results of a round, computed from its aggregate only. The database never hands out ballots,
 * just "how many ballots of organisation O gave value V to (option, criterion)", so everything
 * the charts show (ranked bars stacked by organisation, score distributions, comparisons
 * between rounds) has to be derivable from those counts.
 *
 * Weighting: per person every ballot weighs 1; per organisation each organisation weighs 1 in
 * all, shared equally among its members who voted (1/n per ballot). A cell of c ballots weighs
 * c / n (a pooled bucket of an anonymous round brings its cells' weights from the database),
 * and results are rounded to 1e-9, so 1/3 + 1/3 + 1/3 ties with 1 instead of losing to it by a
 * rounding error.
 */
import type { OptionResult, RoundAggregate, RoundOption, RoundSettings, TallyBallot, TallyResult } from './types';
import { SCORE_MAX } from './rules';

type Cell = RoundAggregate['cells'][number];
type Voters = RoundAggregate['voters'][number];

/** Locale-independent, so the aggregate is byte-for-byte the same wherever it is computed. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: string, b: string) => a.localeCompare(b);

/** Removes float noise: totals that are equal on paper compare equal. */
const clean = (x: number) => Math.round(x * 1e9) / 1e9;
const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;

export function aggregate(ballots: TallyBallot[]): RoundAggregate {
	const voters = new Map<string, Voters>();
	const cells = new Map<string, Cell>();
	for (const { organisation, marks, proxy } of ballots) {
		const v = voters.get(organisation) ?? { organisation, count: 0, proxies: 0 };
		v.count++;
		if (proxy) v.proxies++;
		voters.set(organisation, v);
		for (const { option, criterion, value } of marks) {
			const key = JSON.stringify([organisation, option, criterion, value]);
			const cell = cells.get(key) ?? { organisation, option, criterion, value, count: 0 };
			cell.count++;
			cells.set(key, cell);
		}
	}
	return {
		voters: [...voters.values()].sort((a, b) => byCodeUnit(a.organisation, b.organisation)),
		cells: [...cells.values()].sort(
			(a, b) => byCodeUnit(a.organisation, b.organisation) || byCodeUnit(a.option, b.option) || a.criterion - b.criterion || a.value - b.value
		)
	};
}

/** A cell's ballots' weight: organisation weights as "count / n" (see above), or the weight the database summed for a pooled bucket. */
type Weigh = (cell: Cell) => number;

/** Adds `x` under `key`, creating the entry at 0. */
function add(map: Map<string, number>, key: string, x: number): void {
	map.set(key, (map.get(key) ?? 0) + x);
}

/** Per-organisation values in name order, so that stacks and sums come out the same every time. */
function inOrder(raw: Map<string, number>): [string, number][] {
	return [...raw.keys()].sort(byName).map((org) => [org, raw.get(org)!]);
}

type Totals = Pick<OptionResult, 'total' | 'byOrganisation' | 'means' | 'distribution'>;

/** dots, approval, budget (points = value) and ranking (points = Borda points). */
function sumTotals(cells: Cell[], points: (value: number) => number, weigh: Weigh): Totals {
	const raw = new Map<string, number>();
	for (const c of cells) add(raw, c.organisation, weigh(c) * points(c.value));
	const byOrganisation: Record<string, number> = {};
	let total = 0;
	for (const [org, x] of inOrder(raw)) {
		byOrganisation[org] = clean(x);
		total += x;
	}
	return { total: clean(total), byOrganisation, means: [], distribution: [] };
}

/**
 * Scores: per criterion the weighted mean over the ballots that scored the option (leaving an
 * option unscored is not a low score). Each organisation's share of a mean is its weighted sum
 * of scores over the same denominator; total and shares are averaged over the criteria that
 * someone scored, so the shares still add up to the total.
 */
function scoreTotals(cells: Cell[], criteria: number, weigh: Weigh): Totals {
	const perCriterion = Array.from({ length: criteria }, (_, criterion) => {
		const mine = cells.filter((c) => c.criterion === criterion);
		const ballots = new Map<string, number>();
		const scores = new Map<string, number>();
		const distribution = new Array<number>(SCORE_MAX).fill(0);
		for (const c of mine) {
			add(ballots, c.organisation, weigh(c));
			add(scores, c.organisation, weigh(c) * c.value);
			if (c.value >= 1 && c.value <= SCORE_MAX) distribution[c.value - 1] += weigh(c);
		}
		const weight = inOrder(ballots).reduce((w, [, x]) => w + x, 0);
		const shares = weight > 0 ? inOrder(scores).map(([org, x]): [string, number] => [org, x / weight]) : [];
		const mean = weight > 0 ? shares.reduce((m, [, x]) => m + x, 0) : null;
		return { mean, shares, distribution: distribution.map(clean) };
	});
	const scored = perCriterion.filter((c) => c.mean !== null);
	const byOrg = new Map<string, number>();
	for (const c of scored) for (const [org, x] of c.shares) add(byOrg, org, x / scored.length);
	const byOrganisation: Record<string, number> = {};
	for (const org of [...byOrg.keys()].sort(byName)) byOrganisation[org] = clean(byOrg.get(org)!);
	return {
		total: scored.length ? clean(scored.reduce((t, c) => t + c.mean!, 0) / scored.length) : 0,
		byOrganisation,
		means: perCriterion.map((c) => (c.mean === null ? null : clean(c.mean))),
		distribution: perCriterion.map((c) => c.distribution)
	};
}

/**
 * Best first; equal totals share the rank of the best of them (1, 2, 2, 4) and are flagged
 * `tied`. The sort is stable over options already in position order, so ties keep that order.
 */
function ranked(results: Omit<OptionResult, 'rank' | 'tied'>[]): OptionResult[] {
	const sorted = [...results].sort((a, b) => (same(a.total, b.total) ? 0 : b.total - a.total));
	const out: OptionResult[] = [];
	sorted.forEach((r, i) => {
		const prev = out[i - 1];
		const tiedWithPrev = prev !== undefined && same(prev.total, r.total);
		if (tiedWithPrev) prev.tied = true;
		out.push({ ...r, rank: tiedWithPrev ? prev.rank : i + 1, tied: tiedWithPrev });
	});
	return out;
}

/** The pooled bucket's name as the aggregate gives it (POOLED, or the readable name it was given for display). */
function pooledName(aggregate: RoundAggregate): { pooled?: string } {
	const bucket = aggregate.voters.find((v) => v.pooled && v.count > 0);
	return bucket ? { pooled: bucket.organisation } : {};
}

export function tally(aggregate: RoundAggregate, options: RoundOption[], settings: RoundSettings): TallyResult {
	const votersOf = new Map<string, number>();
	for (const v of aggregate.voters) add(votersOf, v.organisation, v.count);
	const weigh: Weigh = (c) => c.weight ?? (settings.weighting === 'organisation' ? c.count / votersOf.get(c.organisation)! : c.count);
	const criteria = settings.method === 'score' ? settings.criteria.length : 1;

	// Cells of organisations without voters would have no weight; cells of other options or criteria are not this round's.
	const cellsOf = new Map<string, Cell[]>();
	for (const c of aggregate.cells) {
		if (!((votersOf.get(c.organisation) ?? 0) > 0) || c.criterion < 0 || c.criterion >= criteria) continue;
		const list = cellsOf.get(c.option) ?? [];
		list.push(c);
		cellsOf.set(c.option, list);
	}

	const borda = (position: number) => settings.top + 1 - position;
	const results = [...options]
		.sort((a, b) => a.position - b.position)
		.map((o) => {
			const cells = cellsOf.get(o.id) ?? [];
			const totals =
				settings.method === 'score' ? scoreTotals(cells, criteria, weigh) : sumTotals(cells, settings.method === 'ranking' ? borda : (value) => value, weigh);
			const supporters = cells.filter((c) => c.criterion === 0).reduce((n, c) => n + c.count, 0);
			return { id: o.id, label: o.label, ...totals, supporters };
		});

	return {
		method: settings.method,
		weighting: settings.weighting,
		criteria: [...settings.criteria],
		options: ranked(results),
		voters: aggregate.voters.reduce((n, v) => n + v.count, 0),
		proxies: aggregate.voters.reduce((n, v) => n + v.proxies, 0),
		organisations: [...votersOf]
			.filter(([, n]) => n > 0)
			.map(([org]) => org)
			.sort(byName),
		...pooledName(aggregate)
	};
}

/**
 * The first `n` options by rank, for "the top 3" lists. When the n-th place is tied, every
 * option tied with it comes too, so the list can be longer than `n`: cutting a tie in two
 * would pick a winner the vote did not.
 */
export function topOptions(result: TallyResult, n: number): OptionResult[] {
	if (n < 1 || result.options.length === 0) return [];
	const last = result.options[Math.min(n, result.options.length) - 1];
	return result.options.filter((o) => o.rank <= last.rank);
}

export interface RoundComparison {
	id: string;
	/** the later round's label when the option is in it */
	label: string;
	a: { rank: number; total: number } | null;
	b: { rank: number; total: number } | null;
}

/**
 * Round-to-round comparison, options matched by id: how each moved from round `a` to round `b`.
 * Ordered by b's rank (options dropped from b last), then by a's rank (options new in b last).
 */
export function compareRounds(a: TallyResult, b: TallyResult): RoundComparison[] {
	const inA = new Map(a.options.map((o) => [o.id, o]));
	const inB = new Map(b.options.map((o) => [o.id, o]));
	const place = (o: OptionResult | undefined) => (o ? { rank: o.rank, total: o.total } : null);
	const rankOf = (p: { rank: number } | null) => p?.rank ?? Infinity;
	const byRank = (x: number, y: number) => (x === y ? 0 : x - y);
	return [...new Set([...inB.keys(), ...inA.keys()])]
		.map((id) => ({ id, label: (inB.get(id) ?? inA.get(id))!.label, a: place(inA.get(id)), b: place(inB.get(id)) }))
		.sort((x, y) => byRank(rankOf(x.b), rankOf(y.b)) || byRank(rankOf(x.a), rankOf(y.a)));
}
