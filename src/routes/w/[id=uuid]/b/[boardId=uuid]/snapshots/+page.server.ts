import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import type { Viewer } from '#lib/server/db/client.js';
import { setSnapshotsOnPhase, snapshotsOnPhase } from '#lib/server/repositories/boards.js';
import { deleteSnapshot, listSnapshots, revokeSnapshot, shareSnapshot } from '#lib/server/repositories/snapshots.js';
import { renderBoard, takeSnapshot } from '#lib/server/snapshots.js';
import { formAction } from '#lib/server/form-action.js';
import { diffRenderings } from '#lib/exports/diff.js';

const uuid = v.pipe(v.string(), v.uuid());
const take = v.object({
	title: v.pipe(
		v.string('invalid_title'),
		v.transform((s) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim()),
		v.minLength(1, 'invalid_title'),
		v.maxLength(120, 'invalid_title')
	)
});
const ref = v.object({ snapshot: uuid });
const auto = v.object({ on: v.picklist(['true', 'false']) });

export const load: PageServerLoad = async ({ params, parent, cookies, url }) => {
	const { boards, me } = await parent();
	const board = boards.find((b) => b.id === params.boardId);
	if (!board) error(404, 'not_found');
	const { viewer } = await requireMember(cookies, params.id);
	const { sql, sync } = await getRuntime();
	const list = await listSnapshots(sql, viewer, board.id);
	const snapshotOnPhase = await snapshotsOnPhase(sql, viewer, board.id);
	// Compare ?a=<snapshot>|live&b=<snapshot>|live (default: the latest snapshot against the live board).
	let comparison = null;
	const a = url.searchParams.get('a') ?? list[0]?.id ?? null;
	const b = url.searchParams.get('b') ?? 'live';
	if (a && a !== b) {
		const pick = async (key: string) =>
			key === 'live' ? (await renderBoard(sql, sync, params.id, board.id))?.rendering : list.find((s) => s.id === key)?.rendering;
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

/** Facilitators' actions on the board's snapshots, written as the member: row-level security decides (null or false: refused). */
function action<S extends v.GenericSchema>(schema: S, run: (input: v.InferOutput<S>, context: { viewer: Viewer; boardId: string }) => Promise<unknown>) {
	return formAction({
		schema,
		resolve: async (input, { viewer, event }) => {
			const result = await run(input, { viewer, boardId: event.params.boardId! });
			// A snapshot's id, a share link's token: what the page (or a script) goes on with.
			return typeof result === 'string' ? { result } : result;
		}
	});
}

export const actions: Actions = {
	take: action(take, async (input, { viewer, boardId }) => {
		const { sql, sync } = await getRuntime();
		return takeSnapshot(sql, sync, viewer, { boardId, title: input.title });
	}),
	share: action(ref, async (input, { viewer }) => shareSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	revoke: action(ref, async (input, { viewer }) => revokeSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	remove: action(ref, async (input, { viewer }) => deleteSnapshot((await getRuntime()).sql, viewer, input.snapshot)),
	auto: action(auto, async (input, { viewer, boardId }) => setSnapshotsOnPhase((await getRuntime()).sql, viewer, boardId, input.on === 'true'))
};
