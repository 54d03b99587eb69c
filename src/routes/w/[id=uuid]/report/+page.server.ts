import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { workshopReport } from '#lib/server/report.js';
import { reportToken, revokeReport, shareReport } from '#lib/server/repositories/snapshots.js';
import { formAction } from '#lib/server/form-action.js';
import { meetingChain } from '#lib/server/repositories/workshops.js';

export const load: PageServerLoad = async ({ params, cookies, parent }) => {
	const { me } = await parent();
	const { viewer } = await requireMember(cookies, params.id);
	const report = await workshopReport(params.id);
	if (!report) error(404, 'not_found');
	const { sql } = await getRuntime();
	const token = me.role === 'facilitator' ? await reportToken(sql, viewer) : null;
	return { report, token, canManage: me.role === 'facilitator', meetings: await meetingChain(sql, viewer) };
};

export const actions: Actions = {
	share: formAction({ schema: v.object({}), resolve: async (_, { viewer }) => (await shareReport((await getRuntime()).sql, viewer)) !== null }),
	revoke: formAction({ schema: v.object({}), resolve: async (_, { viewer }) => revokeReport((await getRuntime()).sql, viewer) })
};
