import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, RequestEvent } from './$types';
import { boardInput, formFields, parseForm, workshopSettings } from '$lib/domain/workshop/validation';
import { MEMBER_ROLES } from '$lib/domain/workshop/roles';
import { endSession, requireMember } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { errorCode, type Sql } from '$lib/server/db/client';
import * as repo from '$lib/server/repositories/workshops';

const uuid = v.pipe(v.string(), v.uuid());
const boardRef = v.object({ board: uuid });
const boardMove = v.object({ board: uuid, direction: v.picklist(['up', 'down']) });
const roleChange = v.object({ member: uuid, role: v.picklist(MEMBER_ROLES, 'invalid_role') });
const joining = v.object({ open: v.picklist(['true', 'false']) });

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
		const fields = formFields(await event.request.formData());
		const parsed = parseForm(schema, fields);
		if (!parsed.ok) return fail(400, { action: event.url.search, fields, errors: parsed.errors });
		const { sql } = await getRuntime();
		try {
			const done = await write(sql, viewer, parsed.value);
			if (done === false) return fail(403, { action: event.url.search, fields, errors: { form: 'not_allowed' } });
		} catch (e) {
			const code = errorCode(e);
			if (!code) throw e;
			return fail(code === 'not_allowed' ? 403 : 400, { action: event.url.search, fields, errors: { form: code } });
		}
		return { action: event.url.search, saved: true };
	};
}

export const actions: Actions = {
	settings: action(workshopSettings, (sql, viewer, s) => repo.updateSettings(sql, viewer, s)),
	joining: action(joining, (sql, viewer, j) => repo.setJoiningOpen(sql, viewer, j.open === 'true')),
	addBoard: action(boardInput, (sql, viewer, b) => repo.addBoard(sql, viewer, b)),
	updateBoard: action(v.object({ ...boardRef.entries, ...boardInput.entries }), (sql, viewer, b) =>
		repo.updateBoard(sql, viewer, b.board, b)
	),
	removeBoard: action(boardRef, (sql, viewer, b) => repo.removeBoard(sql, viewer, b.board)),
	moveBoard: action(boardMove, (sql, viewer, b) => repo.moveBoard(sql, viewer, b.board, b.direction === 'up' ? -1 : 1)),
	setRole: action(roleChange, (sql, viewer, r) => repo.setMemberRole(sql, viewer, r.member, r.role)),
	leave: async ({ cookies, params }) => {
		endSession(cookies, params.id);
		redirect(303, '/');
	}
};
