import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { requireMember } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { asMember } from '$lib/server/repositories/workshops';
import * as snapshots from '$lib/server/snapshots';
import { diffRenderings } from '$lib/exports/diff';
import { formFields, parseForm } from '$lib/domain/workshop/validation';
import { formData } from '$lib/server/form-body';
import { isUuid } from '$lib/domain/ids';

const uuid = v.pipe(v.string(), v.uuid());
const take = v.object({ title: v.pipe(v.string('invalid_title'), v.transform((s) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim()), v.minLength(1, 'invalid_title'), v.maxLength(120, 'invalid_title')) });
const ref = v.object({ snapshot: uuid });
const auto = v.object({ on: v.picklist(['true', 'false']) });

export const load: PageServerLoad = async ({ params, parent, cookies, url }) => {
	const { boards, me } = await parent();
	const board = boards.find((b) => b.id === params.boardId);
	if (!board) error(404, { message: 'not_found' });
	const { viewer } = await requireMember(cookies, params.id);
	const { sql, sync } = await getRuntime();
	const list = await snapshots.listSnapshots(sql, viewer, board.id);
	const [{ auto: snapshotOnPhase }] = await asMember(sql, viewer, (tx) => tx<{ auto: boolean }[]>`select snapshot_on_phase as auto from public.boards where id = ${board.id}`);
	// Compare ?a=<snapshot>|live&b=<snapshot>|live (default: the latest snapshot against the live board).
	let comparison = null;
	const a = url.searchParams.get('a') ?? list[0]?.id ?? null;
	const b = url.searchParams.get('b') ?? 'live';
	if (a && a !== b) {
		const pick = async (key: string) => (key === 'live' ? (await snapshots.renderBoard(sql, sync, params.id, board.id))?.rendering : list.find((s) => s.id === key)?.rendering);
		const [ra, rb] = await Promise.all([pick(a), pick(b)]);
		if (ra && rb) comparison = { a, b, diff: diffRenderings(ra, rb) };
	}
	return {
		board,
		snapshots: list.map(({ rendering, ...rest }) => ({ ...rest, cards: rendering.groups.reduce((n, g) => n + g.cards.length, rendering.ungrouped.length) })),
		snapshotOnPhase,
		comparison,
		canManage: me.role === 'facilitator'
	};
};

/** Facilitators' actions: RLS decides; a refused write is a 403. */
function action<S extends v.GenericSchema>(schema: S, run: (input: v.InferOutput<S>, ctx: { event: RequestEvent; viewer: { memberId: string; workshopId: string } }) => Promise<unknown>) {
	return async (event: RequestEvent) => {
		const { viewer } = await requireMember(event.cookies, event.params.id!);
		// Not a board id at all: no such board (the database would refuse the syntax with a 500).
		if (!isUuid(event.params.boardId!)) error(404, { message: 'not_found' });
		const parsed = parseForm(schema, formFields(await formData(event.request)));
		if (!parsed.ok) return fail(400, { errors: parsed.errors });
		const result = await run(parsed.value, { event, viewer });
		if (result === null || result === false) return fail(403, { errors: { form: 'not_allowed' } });
		return { saved: true, result: typeof result === 'string' ? result : null };
	};
}

export const actions: Actions = {
	take: action(take, async (input, { event, viewer }) => {
		const { sql, sync } = await getRuntime();
		return snapshots.takeSnapshot(sql, sync, viewer, { boardId: event.params.boardId!, title: input.title });
	}),
	share: action(ref, async (input, { viewer }) => snapshots.shareSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	revoke: action(ref, async (input, { viewer }) => snapshots.revokeSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	remove: action(ref, async (input, { viewer }) => snapshots.deleteSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	auto: action(auto, async (input, { event, viewer }) => {
		const { sql } = await getRuntime();
		const r = await asMember(sql, viewer, (tx) => tx`update public.boards set snapshot_on_phase = ${input.on === 'true'} where id = ${event.params.boardId!} and public.is_facilitator(workshop_id)`);
		return r.count === 1;
	})
};
