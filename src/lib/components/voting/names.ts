import { m } from '#lib/paraglide/messages.js';
import { POOLED, type Method, type RoundAggregate, type RoundStatus } from '#lib/domain/voting/types.js';

const METHOD_NAMES: Record<Method, () => string> = {
	dots: m.vote_method_dots,
	approval: m.vote_method_approval,
	score: m.vote_method_score,
	ranking: m.vote_method_ranking,
	budget: m.vote_method_budget
};

export const methodName = (method: Method) => METHOD_NAMES[method]();

type Titled = { seq: number; title: string; settings: { method: Method } };

/**
 * A round's large heading: its question, or else its method. Never "Untitled round": a
 * placeholder shouted as a heading says nothing, and the number is in the line above.
 */
export const roundHeading = (round: Titled) => round.title.trim() || methodName(round.settings.method);

/** The line above the heading: the round's number, its method unless that is the heading, then any status. */
export function roundEyebrow(round: Titled, status?: string): string {
	const method = round.title.trim() ? methodName(round.settings.method) : null;
	return [m.vote_round_number({ seq: round.seq }), method, status].filter(Boolean).join(' · ');
}

export function methodHint(method: Method): string {
	switch (method) {
		case 'dots':
			return m.vote_hint_dots();
		case 'approval':
			return m.vote_hint_approval();
		case 'score':
			return m.vote_hint_score();
		case 'ranking':
			return m.vote_hint_ranking();
		case 'budget':
			return m.vote_hint_budget();
	}
}

export function statusName(status: RoundStatus): string {
	return status === 'open' ? m.vote_status_open() : status === 'closed' ? m.vote_status_closed() : m.vote_status_revealed();
}

/**
 * An anonymous round of one or two ballots: the database sends how many voted and no cells
 * (each voter could work out the others' ballots from any result), so there is nothing to chart.
 */
export function resultsWithheld(a: RoundAggregate, settings: { anonymous: boolean }): boolean {
	return settings.anonymous && a.cells.length === 0 && a.voters.some((v) => v.count > 0);
}

/**
 * Readable names: ballots of members without an organisation (a facilitator, often), and the
 * pooled bucket of an anonymous round ("Other organisations (3)").
 */
export function displayAggregate(a: RoundAggregate): RoundAggregate {
	const pooled = a.voters.find((v) => v.pooled);
	const name = (o: string) => (o === POOLED ? m.vote_other_organisations({ count: pooled?.organisations ?? 0 }) : o || m.vote_no_organisation());
	return {
		voters: a.voters.map((v) => ({ ...v, organisation: name(v.organisation) })),
		cells: a.cells.map((c) => ({ ...c, organisation: name(c.organisation) }))
	};
}
