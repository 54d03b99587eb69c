import type { PageServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { processView } from '#lib/server/process.js';

export const load: PageServerLoad = async ({ params, cookies }) => {
	const { viewer } = await requireMember(cookies, params.id);
	const { sql, sync } = await getRuntime();
	return { process: await processView(sql, sync, viewer) };
};
