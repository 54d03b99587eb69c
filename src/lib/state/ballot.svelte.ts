import { remaining, validateBallot } from '#lib/domain/voting/rules.js';
import {
	marksOf,
	maxFor,
	moveInOrder,
	rankedIds,
	rankingValues,
	sameMarks,
	valueOf,
	valuesOf,
	withValue,
	type BallotValues
} from '#lib/domain/voting/ballot.js';
import type { Mark } from '#lib/domain/voting/types.js';
import type { PublishedRound } from '#lib/domain/voting/published.js';

/**
 * One member's ballot for a round, live in the form: what is marked, what is left, whether it
 * may be cast and whether it differs from the ballot stored. Every input of every voting method
 * changes it through these verbs (`#lib/domain/voting/ballot.ts` does the arithmetic).
 */
export class Ballot {
	values = $state<BallotValues>({});
	/** The ballot the server has (empty until one is cast). */
	cast = $state<readonly Mark[]>([]);
	status = $state<'idle' | 'sending' | 'saved' | 'error'>('idle');

	readonly #round: () => PublishedRound;

	constructor(round: () => PublishedRound) {
		this.#round = round;
	}

	get round(): PublishedRound {
		return this.#round();
	}

	get settings() {
		return this.round.settings;
	}

	readonly marks = $derived(marksOf(this.values));
	readonly problem = $derived(
		this.marks.length === 0
			? null
			: validateBallot(
					this.settings,
					this.round.options.map((o) => o.id),
					this.marks
				)
	);
	readonly left = $derived(remaining(this.settings, this.marks));
	readonly changed = $derived(!sameMarks(this.marks, this.cast));
	/** Ranking: the options ranked so far, in rank order. */
	readonly ranked = $derived.by(() => {
		const ids = rankedIds(
			this.values,
			this.round.options.map((o) => o.id)
		);
		return ids.map((id) => this.round.options.find((o) => o.id === id)!);
	});

	/** Starts from the stored ballot; a newer one from the server replaces what was shown. */
	load(stored: readonly Mark[]): void {
		this.values = valuesOf(stored);
		this.cast = stored;
	}

	value(option: string, criterion = 0): number {
		return valueOf(this.values, option, criterion);
	}

	maxFor(option: string): number {
		return maxFor(this.settings, this.values, option);
	}

	set(option: string, value: number, criterion = 0): void {
		this.#change(withValue(this.values, option, value, criterion));
	}

	rank(option: string): void {
		this.#change(rankingValues([...this.ranked.map((o) => o.id), option]));
	}

	unrank(option: string): void {
		this.#change(rankingValues(this.ranked.map((o) => o.id).filter((id) => id !== option)));
	}

	moveRank(option: string, by: number): void {
		this.#change(
			rankingValues(
				moveInOrder(
					this.ranked.map((o) => o.id),
					option,
					by
				)
			)
		);
	}

	/** The server stored it: a member's own ballot is now the one cast; a proxy ballot starts over. */
	saved(proxy: boolean): void {
		this.status = 'saved';
		if (proxy) this.values = {};
		else this.cast = this.marks;
	}

	#change(values: BallotValues): void {
		this.values = values;
		this.status = 'idle';
	}
}
