import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { renderBoard } from '#lib/server/snapshots.js';
import { boardExport } from '#lib/server/export-response.js';

/** The live board as it stands, for members. */
export const GET: RequestHandler = async ({ params, cookies }) => {
	await requireMember(cookies, params.id);
	const { sql, sync } = await getRuntime();
	const rendered = await renderBoard(sql, sync, params.id, params.boardId);
	if (!rendered) error(404, 'not_found');
	return boardExport(params.format, rendered.rendering, null);
};
