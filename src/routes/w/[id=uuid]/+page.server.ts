import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { boardInput, workshopSettings } from '#lib/domain/workshop/validation.js';
import { MEMBER_ROLES } from '#lib/domain/workshop/roles.js';
import { PHASES } from '#lib/domain/workshop/phases.js';
import { SCREEN_MODES } from '#lib/domain/workshop/control-model.js';
import type { LiveControl } from '#lib/server/live-control.js';
import { PREVIEW_COOKIE } from '#lib/server/preview.js';
import { endSession } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import type { Sql, Viewer } from '#lib/server/db/client.js';
import * as repo from '#lib/server/repositories/workshops.js';
import { addBoard, isBoardOf, moveBoard, removeBoard } from '#lib/server/repositories/boards.js';
import { formAction } from '#lib/server/form-action.js';
import { Refusal } from '#lib/server/refusal.js';
import { snapshotAtPhaseChange } from '#lib/server/snapshots.js';
import { revokeScreenLink } from '#lib/server/screen-links.js';
import { phaseName } from '#lib/components/facilitator/phase-name.js';
import { m } from '#lib/paraglide/messages.js';
import { claimWorkshopAction, inviteAction, revokeInviteAction } from '#lib/server/invites.js';
import { followUpAction } from '#lib/server/follow-up.js';
import { updateBoardSettings } from '#lib/server/board-settings.js';

/** The meetings before and after this one (issue #19): only itself when it stands alone. The board pages do not need them. */
export const load: PageServerLoad = async ({ parent }) => {
	const { me, workshop } = await parent();
	return { meetings: await repo.meetingChain((await getRuntime()).sql, { memberId: me.id, workshopId: workshop.id }) };
};

const uuid = v.pipe(v.string(), v.uuid());
const boardRef = v.object({ board: uuid });
const boardMove = v.object({ board: uuid, direction: v.picklist(['up', 'down']) });
const roleChange = v.object({ member: uuid, role: v.picklist(MEMBER_ROLES, 'invalid_role') });
const joining = v.object({ open: v.picklist(['true', 'false']) });
const checkbox = v.optional(v.picklist(['on']));
const boardSettings = v.object({
	...boardRef.entries,
	...boardInput.entries,
	editOthers: checkbox,
	manageGroups: checkbox,
	deleteWordings: checkbox,
	anonymous: checkbox
});

/** A change to who is in the room or where: every screen's member list follows it. */
async function afterRosterChange<T>(viewer: Viewer, write: Promise<T>): Promise<T> {
	const result = await write;
	await (await getRuntime()).control.publishRoster(viewer.workshopId);
	return result;
}

const workgroupChoice = v.object({ board: v.union([uuid, v.literal('')]) });
const workgroupAssignment = v.object({ member: uuid, board: v.union([uuid, v.literal('')]) });
const phaseChange = v.object({ board: uuid, phase: v.picklist(PHASES) });
const toggle = v.object({ board: uuid, on: v.picklist(['true', 'false']) });
// '' releases the room; 'workgroups' sends each member to their own workgroup's board.
const focus = v.object({ board: v.union([uuid, v.literal(''), v.literal('workgroups')]) });
const timer = v.object({
	board: uuid,
	minutes: v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.25, 'invalid_input'), v.maxValue(240, 'invalid_input')),
	lock: v.optional(v.picklist(['on']))
});

const extension = v.object({
	minutes: v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.25, 'invalid_input'), v.maxValue(60, 'invalid_input'))
});
const screenChoice = v.object({ mode: v.picklist(SCREEN_MODES), board: v.optional(v.union([uuid, v.literal('')])) });

/** A form of the page's: written as the member, so row-level security decides whether it happens. */
const action = <S extends v.GenericSchema>(schema: S, write: (sql: Sql, viewer: Viewer, input: v.InferOutput<S>) => Promise<unknown>) =>
	formAction({ schema, resolve: async (input, { viewer }) => write((await getRuntime()).sql, viewer, input) });

/**
 * Live controls write the workshop's control document, which only facilitators may change: the
 * role is checked here, on the server, from the member's row; a board named must be this
 * workshop's. What the control reports back (the reveal: how many cards did not fit) goes back
 * to the console.
 */
const liveAction = <S extends v.GenericSchema>(schema: S, run: (control: LiveControl, viewer: Viewer, input: v.InferOutput<S>) => Promise<unknown>) =>
	formAction({
		facilitator: true,
		schema,
		resolve: async (input, { viewer }) => {
			const { control, sql } = await getRuntime();
			const board = (input as { board?: string }).board;
			if (board && board !== 'workgroups' && !(await isBoardOf(sql, viewer, board))) throw new Refusal('not_found');
			return run(control, viewer, input);
		}
	});

export const actions: Actions = {
	setPhase: liveAction(phaseChange, async (c, v, i) => {
		await c.setPhase(v.workshopId, i.board, i.phase);
		const { sql, sync } = await getRuntime();
		await snapshotAtPhaseChange(sql, sync, v, i.board, m.snapshot_auto_title({ phase: phaseName(i.phase) }));
	}),
	setPrivate: liveAction(toggle, (c, v, i) => c.setPrivate(v.workshopId, i.board, i.on === 'true')),
	reveal: liveAction(boardRef, (c, v, i) => c.reveal(v.workshopId, i.board)),
	lockBoard: liveAction(toggle, (c, v, i) => c.lock(v, i.board, i.on === 'true')),
	focus: liveAction(focus, (c, v, i) => c.bringEveryoneTo(v.workshopId, i.board || null)),
	startTimer: liveAction(timer, (c, v, i) => c.startTimer(v, { boardId: i.board, seconds: i.minutes * 60, lock: i.lock === 'on' })),
	stopTimer: liveAction(v.object({}), (c, v) => c.stopTimer(v.workshopId)),
	extendTimer: liveAction(extension, (c, v, i) => c.extendTimer(v, i.minutes * 60)),
	showOnScreen: liveAction(screenChoice, (c, v, i) => c.showOnScreen(v.workshopId, { mode: i.mode, boardId: i.board || null })),
	revokeScreen: action(v.object({}), async (sql, viewer) => revokeScreenLink(sql, (await getRuntime()).sync, viewer)),
	settings: action(workshopSettings, (sql, viewer, s) => repo.updateSettings(sql, viewer, s)),
	joining: action(joining, async (sql, viewer, j) => {
		if (!(await repo.setJoiningOpen(sql, viewer, j.open === 'true'))) return false;
		await (await getRuntime()).control.mirrorJoining(viewer.workshopId, j.open === 'true');
	}),
	addBoard: action(boardInput, (sql, viewer, b) => addBoard(sql, viewer, b)),
	updateBoard: action(boardSettings, async (sql, viewer, b) =>
		updateBoardSettings(sql, (await getRuntime()).sync, viewer, b.board, {
			title: b.title,
			prompt: b.prompt,
			rights: { editOthers: b.editOthers === 'on', manageGroups: b.manageGroups === 'on', deleteWordings: b.deleteWordings === 'on' },
			anonymous: b.anonymous === 'on'
		})
	),
	removeBoard: action(boardRef, (sql, viewer, b) => removeBoard(sql, viewer, b.board)),
	moveBoard: action(boardMove, (sql, viewer, b) => moveBoard(sql, viewer, b.board, b.direction === 'up' ? -1 : 1)),
	chooseWorkgroup: action(workgroupChoice, (sql, viewer, w) => afterRosterChange(viewer, repo.chooseWorkgroup(sql, viewer, w.board || null))),
	assignWorkgroup: action(workgroupAssignment, (sql, viewer, w) => afterRosterChange(viewer, repo.assignWorkgroup(sql, viewer, w.member, w.board || null))),
	setRole: action(roleChange, async (sql, viewer, r) => {
		await repo.setMemberRole(sql, viewer, r.member, r.role);
		(await getRuntime()).sync.setMemberRole(viewer.workshopId, r.member, r.role);
		await (await getRuntime()).control.publishRoster(viewer.workshopId);
	}),
	preview: formAction({
		facilitator: true,
		schema: v.object({}),
		resolve: async (_, { event: { cookies, params, url } }) => {
			cookies.set(PREVIEW_COOKIE, params.id!, { path: `/w/${params.id}`, httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
			redirect(303, `/w/${params.id}`);
		}
	}),
	endPreview: async ({ cookies, params }) => {
		cookies.delete(PREVIEW_COOKIE, { path: `/w/${params.id}` });
		redirect(303, `/w/${params.id}`);
	},
	invite: inviteAction,
	revokeInvite: revokeInviteAction,
	claimWorkshop: claimWorkshopAction,
	followUp: followUpAction,
	leave: async ({ cookies, params }) => {
		endSession(cookies, params.id);
		redirect(303, '/');
	}
};
