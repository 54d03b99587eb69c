import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireMember, requireSession } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import * as votes from '#lib/server/repositories/voting.js';
import { ownCards as ownCardsOf } from '#lib/server/repositories/boards.js';
import { formAction } from '#lib/server/form-action.js';
import { Refusal } from '#lib/server/refusal.js';
import { readRounds } from '#lib/domain/voting/published.js';
import { normaliseSettings } from '#lib/domain/voting/rules.js';
import { openRoundForm, parseMarks, proxyVoter, roundRef } from '#lib/domain/voting/form.js';
import type { Mark, RoundAggregate } from '#lib/domain/voting/types.js';

export const load: PageServerLoad = async ({ params, parent, cookies }) => {
	const { boards, me } = await parent();
	const board = boards.find((b) => b.id === params.boardId);
	if (!board) error(404, 'not_found');
	const { viewer } = await requireMember(cookies, params.id);
	const { sql, sync } = await getRuntime();
	const controlDoc = await sync.read({ doc: parseDocName(`control/${params.id}`)!, workshopId: params.id });
	const rounds = readRounds(controlDoc, board.id);
	// What only this member may see: their own ballots, and — facilitators — results not yet shown to the room.
	const myBallots: Record<string, Mark[]> = {};
	const peek: Record<string, RoundAggregate> = {};
	const named: Record<string, votes.NamedMark[]> = {};
	await Promise.all(
		rounds.map(async (round) => {
			if (me.role !== 'observer') myBallots[round.id] = await votes.myBallot(sql, viewer, round.id);
			if (!round.aggregate && round.status === 'closed' && me.role === 'facilitator') {
				peek[round.id] = await votes.roundAggregate(sql, viewer, round.id).catch(() => null as never);
			}
			if (!round.settings.anonymous && (round.aggregate || peek[round.id])) {
				named[round.id] = await votes.namedBallots(sql, viewer, round.id).catch(() => []);
			}
		})
	);
	// An anonymous board's cards name nobody: which are this member's own, RLS lets only them read.
	const ownCards = board.anonymous ? await ownCardsOf(sql, viewer, board.id) : [];
	return { board: { ...board, ownCards }, rounds, myBallots, peek, named };
};

/** The ballot's marks as sent: a list of option ids and counts, within the round's rules' range. */
function marksOf(fields: Record<string, string>): Mark[] {
	const marks = parseMarks(fields.marks);
	if (!marks) throw new Refusal('out_of_range');
	return marks;
}

export const actions: Actions = {
	openRound: formAction({
		schema: openRoundForm,
		resolve: async (input, { viewer, data, event }) => {
			const chosen = data
				.getAll('chosen')
				.filter((x): x is string => typeof x === 'string')
				.slice(0, 500);
			const criteria = [input.criterion1, input.criterion2].filter(Boolean);
			const settings = normaliseSettings(
				{
					method: input.method,
					dots: input.dots,
					maxPerOption: input.maxPerOption,
					choices: input.choices,
					top: input.top,
					budget: input.budget,
					criteria: input.method === 'score' ? (criteria.length ? criteria : ['']) : [''],
					anonymous: input.anonymous,
					resultsLive: input.resultsLive,
					weighting: input.weighting
				},
				input.source === 'chosen' ? Math.max(1, chosen.length) : 200
			);
			const { voting } = await getRuntime();
			await voting.open(viewer, {
				boardId: event.params.boardId!,
				title: input.title,
				source: input.source,
				settings,
				seconds: input.minutes === null ? null : Math.round(input.minutes * 60),
				chosen,
				parentRound: input.parent || null,
				parentTop: input.parentTop ?? 3
			});
		}
	}),
	closeRound: formAction({ schema: roundRef, resolve: async ({ round }, { viewer }) => (await getRuntime()).voting.close(viewer, round) }),
	revealRound: formAction({ schema: roundRef, resolve: async ({ round }, { viewer }) => (await getRuntime()).voting.reveal(viewer, round) }),
	vote: formAction({
		who: requireSession,
		schema: roundRef,
		resolve: async ({ round }, { viewer, fields }) => (await getRuntime()).voting.cast(viewer, round, marksOf(fields))
	}),
	proxyVote: formAction({
		schema: proxyVoter,
		resolve: async (input, { viewer, fields }) =>
			(await getRuntime()).voting.castProxy(viewer, input.round, { name: input.name, organisation: input.organisation }, marksOf(fields))
	})
};
