import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { getSnapshot } from '#lib/server/repositories/snapshots.js';

export const load: PageServerLoad = async ({ params, cookies }) => {
	const { viewer } = await requireMember(cookies, params.id);
	const snapshot = await getSnapshot((await getRuntime()).sql, viewer, params.snapshotId);
	if (!snapshot || snapshot.boardId !== params.boardId) error(404, 'not_found');
	return { snapshot };
};
