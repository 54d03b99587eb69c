import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { presenterData } from '#lib/server/presenter.js';
import { screenToken } from '#lib/server/screen-links.js';

/**
 * The presenter screen opened by a facilitator: it runs on the screen link's token, so it
 * reads as the wall does (nothing of the facilitator's own rights) and never writes.
 */
export const load: PageServerLoad = async ({ params, cookies, url, parent }) => {
	const { me } = await parent();
	if (me.role !== 'facilitator') error(403, 'not_allowed');
	const { viewer } = await requireMember(cookies, params.id);
	const { sql } = await getRuntime();
	const token = await screenToken(sql, viewer, { create: true });
	if (!token) error(403, 'not_allowed');
	const presenter = await presenterData({ workshopId: params.id, screenToken: token, origin: url.origin });
	if (!presenter) error(404, 'not_found');
	return { presenter, screenUrl: `${url.origin}/p/${token}` };
};
