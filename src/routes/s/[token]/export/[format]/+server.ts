import type { RequestHandler } from './$types';
import { sharedSnapshot } from '#lib/server/shared-links.js';
import { boardExport } from '#lib/server/export-response.js';

export const GET: RequestHandler = async (event) => {
	const snapshot = await sharedSnapshot(event);
	return boardExport(event.params.format, snapshot.rendering, snapshot);
};
