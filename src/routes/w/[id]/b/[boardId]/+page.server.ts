import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { requireMember, requireSession } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { errorCode } from '$lib/server/db/client';
import { parseDocName } from '$lib/server/sync/doc-name';
import * as votes from '$lib/server/repositories/voting';
import { VotingError } from '$lib/server/voting';
import * as repo from '$lib/server/repositories/workshops';
import type { Viewer } from '$lib/server/repositories/workshops';
import { readRounds } from '$lib/domain/voting/published';
import { normaliseSettings } from '$lib/domain/voting/rules';
import { openRoundForm, parseMarks, proxyVoter, roundRef } from '$lib/domain/voting/form';
import { formFields, parseForm } from '$lib/domain/workshop/validation';
import type { Mark, RoundAggregate } from '$lib/domain/voting/types';
import { formData } from '$lib/server/form-body';
import { isUuid } from '$lib/domain/ids';

export const load: PageServerLoad = async ({ params, parent, cookies }) => {
	const { boards, me } = await parent();
	const board = boards.find((b) => b.id === params.boardId);
	if (!board) error(404, { message: 'not_found' });
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
	const ownCards = board.anonymous
		? (await repo.asMember(sql, viewer, (tx) => tx<{ card_id: string }[]>`
				select card_id from public.card_authors where board_id = ${board.id} and member_id = ${viewer.memberId}`)).map((r) => r.card_id)
		: [];
	return { board: { ...board, ownCards }, rounds, myBallots, peek, named };
};

type Failure = { action: string; errors: Record<string, string>; round?: string };

/** Who asks, is the input well formed, then the database decides; its codes go back to the form. */
async function run(
	event: RequestEvent,
	work: (viewer: Viewer, fields: Record<string, string>, data: FormData) => Promise<unknown>,
	who: typeof requireSession = requireMember
) {
	const { viewer } = await who(event.cookies, event.params.id);
	// Not a board id at all: no such board (the database would refuse the syntax with a 500).
	if (!isUuid(event.params.boardId)) error(404, { message: 'not_found' });
	const data = await formData(event.request);
	const fields = formFields(data);
	try {
		await work(viewer, fields, data);
	} catch (e) {
		const code = e instanceof VotingError ? e.code : e instanceof FormError ? e.code : errorCode(e);
		if (!code) throw e;
		return fail(code === 'not_allowed' ? 403 : 400, { action: event.url.search, round: fields.round, errors: { form: code } } satisfies Failure);
	}
	return { action: event.url.search, round: fields.round, saved: true };
}

class FormError extends Error {
	constructor(readonly code: string) {
		super(code);
	}
}

function parsed<S extends v.GenericSchema>(schema: S, fields: Record<string, string>): v.InferOutput<S> {
	const result = parseForm(schema, fields);
	if (!result.ok) throw new FormError(Object.values(result.errors)[0] ?? 'invalid_input');
	return result.value;
}

function marksOf(fields: Record<string, string>): Mark[] {
	const marks = parseMarks(fields.marks);
	if (!marks) throw new FormError('out_of_range');
	return marks;
}

export const actions: Actions = {
	openRound: (event) =>
		run(event, async (viewer, fields, data) => {
			const input = parsed(openRoundForm, fields);
			const chosen = data.getAll('chosen').filter((x): x is string => typeof x === 'string').slice(0, 500);
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
				boardId: event.params.boardId,
				title: input.title,
				source: input.source,
				settings,
				seconds: input.minutes === null ? null : Math.round(input.minutes * 60),
				chosen,
				parentRound: input.parent || null,
				parentTop: input.parentTop ?? 3
			});
		}),
	closeRound: (event) =>
		run(event, async (viewer, fields) => {
			const { voting } = await getRuntime();
			await voting.close(viewer, parsed(roundRef, fields).round);
		}),
	revealRound: (event) =>
		run(event, async (viewer, fields) => {
			const { voting } = await getRuntime();
			await voting.reveal(viewer, parsed(roundRef, fields).round);
		}),
	vote: (event) =>
		run(event, async (viewer, fields) => {
			const { round } = parsed(roundRef, fields);
			const { voting } = await getRuntime();
			await voting.cast(viewer, round, marksOf(fields));
		}, requireSession),
	proxyVote: (event) =>
		run(event, async (viewer, fields) => {
			const input = parsed(proxyVoter, fields);
			const { voting } = await getRuntime();
			await voting.castProxy(viewer, input.round, { name: input.name, organisation: input.organisation }, marksOf(fields));
		})
};
