import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { getSnapshot } from '#lib/server/repositories/snapshots.js';
import { boardExport } from '#lib/server/export-response.js';

export const GET: RequestHandler = async ({ params, cookies }) => {
	const { viewer } = await requireMember(cookies, params.id);
	const snapshot = await getSnapshot((await getRuntime()).sql, viewer, params.snapshotId);
	if (!snapshot || snapshot.boardId !== params.boardId) error(404, 'not_found');
	return boardExport(params.format, snapshot.rendering, snapshot);
};
