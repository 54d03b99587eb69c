import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireMember } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { workshopReport } from '$lib/server/report';
import { reportToken, revokeReport, shareReport } from '$lib/server/snapshots';

export const load: PageServerLoad = async ({ params, cookies, parent }) => {
	const { me } = await parent();
	const { viewer } = await requireMember(cookies, params.id);
	const report = await workshopReport(params.id);
	if (!report) error(404, { message: 'not_found' });
	const token = me.role === 'facilitator' ? await reportToken((await getRuntime()).sql, viewer) : null;
	return { report, token, canManage: me.role === 'facilitator' };
};

export const actions: Actions = {
	share: async ({ params, cookies }) => {
		const { viewer } = await requireMember(cookies, params.id);
		const token = await shareReport((await getRuntime()).sql, viewer);
		return token ? { saved: true } : fail(403, { errors: { form: 'not_allowed' } });
	},
	revoke: async ({ params, cookies }) => {
		const { viewer } = await requireMember(cookies, params.id);
		return (await revokeReport((await getRuntime()).sql, viewer)) ? { saved: true } : fail(403, { errors: { form: 'not_allowed' } });
	}
};
