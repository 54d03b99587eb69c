import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, RequestEvent } from './$types';
import { boardInput, formFields, parseForm, workshopSettings } from '$lib/domain/workshop/validation';
import { MEMBER_ROLES } from '$lib/domain/workshop/roles';
import { PHASES } from '$lib/domain/workshop/phases';
import { SCREEN_MODES } from '$lib/domain/workshop/control-model';
import type { LiveControl } from '$lib/server/live-control';
import { PREVIEW_COOKIE } from '$lib/server/preview';
import { endSession, requireMember } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { errorCode, type Sql } from '$lib/server/db/client';
import * as repo from '$lib/server/repositories/workshops';
import { snapshotAtPhaseChange } from '$lib/server/snapshots';
import { revokeScreenLink } from '$lib/server/screen-links';
import { phaseName } from '$lib/components/facilitator/phase-name';
import { m } from '$lib/paraglide/messages';
import { formData } from '$lib/server/form-body';
import { claimWorkshopAction, inviteAction, revokeInviteAction } from '$lib/server/invites';
import { BoardSettingsRefusal, updateBoardSettings } from '$lib/server/board-settings';

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

/**
 * Every action reads as: who is asking (the session), is the input well formed, then
 * the write, run as that member so that row-level security decides whether it happens.
 */
function action<S extends v.GenericSchema>(
	schema: S,
	write: (sql: Sql, viewer: repo.Viewer, input: v.InferOutput<S>) => Promise<boolean | void>
) {
	return async (event: RequestEvent) => {
		const { viewer } = await requireMember(event.cookies, event.params.id);
		const fields = formFields(await formData(event.request));
		const parsed = parseForm(schema, fields);
		if (!parsed.ok) return fail(400, { action: event.url.search, fields, errors: parsed.errors });
		const { sql } = await getRuntime();
		try {
			const done = await write(sql, viewer, parsed.value);
			if (done === false) return fail(403, { action: event.url.search, fields, errors: { form: 'not_allowed' } });
		} catch (e) {
			const code = errorCode(e) ?? (e instanceof BoardSettingsRefusal ? e.code : null) ?? (missingReference(e) ? 'not_found' : null);
			if (!code) throw e;
			return fail(code === 'not_allowed' ? 403 : 400, { action: event.url.search, fields, errors: { form: code } });
		}
		return { action: event.url.search, saved: true };
	};
}

/** A change to who is in the room or where: every screen's member list follows it. */
async function afterRosterChange<T>(viewer: repo.Viewer, write: Promise<T>): Promise<T> {
	const result = await write;
	await (await getRuntime()).control.publishRoster(viewer.workshopId);
	return result;
}

/** A foreign key the row would break (a board of another workshop, one that is gone): nothing to refer to. */
const missingReference = (e: unknown) => (e as { code?: unknown } | null)?.code === '23503';

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

const extension = v.object({ minutes: v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.25, 'invalid_input'), v.maxValue(60, 'invalid_input')) });
const screenChoice = v.object({ mode: v.picklist(SCREEN_MODES), board: v.optional(v.union([uuid, v.literal('')])) });

/**
 * Live controls write the workshop's control document, which only facilitators may
 * change: the role is checked here, on the server, from the member's row.
 */
function liveAction<S extends v.GenericSchema>(schema: S, run: (control: LiveControl, viewer: repo.Viewer, input: v.InferOutput<S>) => Promise<unknown>) {
	return async (event: RequestEvent) => {
		const { viewer, me } = await requireMember(event.cookies, event.params.id);
		if (me.role !== 'facilitator') return fail(403, { action: event.url.search, errors: { form: 'not_allowed' } as Record<string, string> });
		const parsed = parseForm(schema, formFields(await formData(event.request)));
		if (!parsed.ok) return fail(400, { action: event.url.search, errors: parsed.errors });
		const { control, sql } = await getRuntime();
		const boardField = (parsed.value as { board?: string }).board;
		const [board] = boardField && boardField !== 'workgroups'
			? await repo.asMember(sql, viewer, (tx) => tx`select id from public.boards where id = ${boardField} and workshop_id = ${viewer.workshopId}`)
			: [true];
		if (!board) return fail(404, { action: event.url.search, errors: { form: 'not_found' } as Record<string, string> });
		const result = await run(control, viewer, parsed.value);
		if (result === false) return fail(403, { action: event.url.search, errors: { form: 'not_allowed' } as Record<string, string> });
		// what the control reports back (the reveal: how many cards did not fit on the board)
		const report = typeof result === 'object' && result !== null ? result : {};
		return { action: event.url.search, saved: true, ...report };
	};
}

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
	addBoard: action(boardInput, (sql, viewer, b) => repo.addBoard(sql, viewer, b)),
	updateBoard: action(boardSettings, async (sql, viewer, b) =>
		updateBoardSettings(sql, (await getRuntime()).sync, viewer, b.board, {
			title: b.title,
			prompt: b.prompt,
			rights: { editOthers: b.editOthers === 'on', manageGroups: b.manageGroups === 'on', deleteWordings: b.deleteWordings === 'on' },
			anonymous: b.anonymous === 'on'
		})
	),
	removeBoard: action(boardRef, (sql, viewer, b) => repo.removeBoard(sql, viewer, b.board)),
	moveBoard: action(boardMove, (sql, viewer, b) => repo.moveBoard(sql, viewer, b.board, b.direction === 'up' ? -1 : 1)),
	chooseWorkgroup: action(workgroupChoice, (sql, viewer, w) => afterRosterChange(viewer, repo.chooseWorkgroup(sql, viewer, w.board || null))),
	assignWorkgroup: action(workgroupAssignment, (sql, viewer, w) => afterRosterChange(viewer, repo.assignWorkgroup(sql, viewer, w.member, w.board || null))),
	setRole: action(roleChange, async (sql, viewer, r) => {
		await repo.setMemberRole(sql, viewer, r.member, r.role);
		(await getRuntime()).sync.setMemberRole(viewer.workshopId, r.member, r.role);
		await (await getRuntime()).control.publishRoster(viewer.workshopId);
	}),
	preview: async ({ cookies, params, url }) => {
		const { me } = await requireMember(cookies, params.id);
		if (me.role !== 'facilitator') return fail(403, { errors: { form: 'not_allowed' } as Record<string, string> });
		cookies.set(PREVIEW_COOKIE, params.id, { path: `/w/${params.id}`, httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
		redirect(303, `/w/${params.id}`);
	},
	endPreview: async ({ cookies, params }) => {
		cookies.delete(PREVIEW_COOKIE, { path: `/w/${params.id}` });
		redirect(303, `/w/${params.id}`);
	},
	invite: inviteAction,
	revokeInvite: revokeInviteAction,
	claimWorkshop: claimWorkshopAction,
	leave: async ({ cookies, params }) => {
		endSession(cookies, params.id);
		redirect(303, '/');
	}
};
