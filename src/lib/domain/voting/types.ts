/**
 * Voting rounds: the shapes shared by the database layer, the tally and the charts.
 *
 * A ballot is stored as *marks*: one row per (option, criterion) with an integer value whose
 * meaning depends on the method:
 *
 *   dots      value = dots on that option (1..maxPerOption); sum over options ≤ dots
 *   approval  value = 1 for each chosen option; count ≤ choices
 *   score     value = 1..5 per option and criterion (criterion 0, and 1 when there are two);
 *             options may be left unscored
 *   ranking   value = position 1..top (1 = first); positions distinct, count ≤ top;
 *             Borda points = top + 1 − position
 *   budget    value = points on that option (1..budget); sum ≤ budget
 *
 * Marks with value 0 are never stored. criterion is always 0 except for two-criteria scores.
 */

export const METHODS = ['dots', 'approval', 'score', 'ranking', 'budget'] as const;
export type Method = (typeof METHODS)[number];

export const OPTION_SOURCES = ['cards', 'chosen', 'groups', 'variants', 'previous'] as const;
export type OptionSource = (typeof OPTION_SOURCES)[number];

export type Weighting = 'person' | 'organisation';

export interface RoundSettings {
	method: Method;
	/** dots: dots per person */
	dots: number;
	/** dots: at most this many on one option */
	maxPerOption: number;
	/** approval: choose up to this many */
	choices: number;
	/** ranking: order your top N */
	top: number;
	/** budget: points to spread */
	budget: number;
	/** score: one or two criterion labels, e.g. ['Impact', 'Feasibility'] */
	criteria: string[];
	anonymous: boolean;
	/** true: everyone sees results while the round is open; false: only after the facilitator reveals them */
	resultsLive: boolean;
	weighting: Weighting;
}

export interface RoundOption {
	id: string;
	label: string;
	position: number;
}

export type RoundStatus = 'open' | 'closed' | 'revealed';

export interface Mark {
	option: string;
	criterion: number;
	value: number;
}

/** One ballot as the tally sees it: never who cast it, only the voter's organisation. */
export interface TallyBallot {
	organisation: string;
	marks: Mark[];
	/** entered by a facilitator for someone without a device */
	proxy?: boolean;
}

/**
 * The aggregate that leaves the database for a round (and is published in the control
 * document): per organisation, how many voted, and how many ballots gave each value to each
 * (option, criterion). It holds no individual ballot.
 */
export interface RoundAggregate {
	/** `pooled`: the bucket of several organisations' ballots (see POOLED), `organisations` of them */
	voters: { organisation: string; count: number; proxies: number; pooled?: boolean; organisations?: number }[];
	/** `weight`: the cell's ballots' summed weight under the round's weighting (pooled buckets, whose ballots weigh differently) */
	cells: { organisation: string; option: string; criterion: number; value: number; count: number; weight?: number }[];
}

/**
 * The organisation name of the pooled bucket of an anonymous round (never a real name: it
 * starts with U+2063, which nobody types). In an organisation of one or two voters, each could
 * read the others' ballots from its total, so in anonymous rounds the database reports those
 * organisations together; when that bucket would hold one or two ballots, the smallest named
 * organisation joins it; a round of one or two ballots has no cells at all
 * (supabase/migrations/20261202060000_require_three_ballots_per_cell.sql).
 */
export const POOLED = '\u2063others';

export interface OptionResult {
	id: string;
	label: string;
	/** ranked bars: weighted total (dots, approvals, points, Borda points) or weighted mean score */
	total: number;
	/** 1-based; tied options share the rank of the best of them */
	rank: number;
	tied: boolean;
	/** the option's total split by organisation (sums to `total`; for scores: each organisation's share of the weighted mean) */
	byOrganisation: Record<string, number>;
	/** scores only: per criterion, weighted mean (null when nobody scored it) */
	means: (number | null)[];
	/** scores only: per criterion, weighted number of ballots giving 1..5 (index 0 = score 1) */
	distribution: number[][];
	/** ballots that gave this option anything (unweighted) */
	supporters: number;
}

export interface TallyResult {
	method: Method;
	weighting: Weighting;
	criteria: string[];
	/** ranked best first; ties keep option order */
	options: OptionResult[];
	/** unweighted count of ballots */
	voters: number;
	/** ballots entered by a facilitator on someone's behalf */
	proxies: number;
	/** organisations with at least one ballot, sorted by name */
	organisations: string[];
	/** the name of an anonymous round's pooled bucket among `organisations` (see POOLED), when there is one */
	pooled?: string;
}

export interface Turnout {
	voted: number;
	present: number;
	organisationsVoted: number;
	organisationsPresent: number;
}
