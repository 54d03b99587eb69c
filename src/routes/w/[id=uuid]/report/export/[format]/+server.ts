import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { workshopReport } from '#lib/server/report.js';
import { reportExport } from '#lib/server/export-response.js';

export const GET: RequestHandler = async ({ params, cookies }) => {
	await requireMember(cookies, params.id);
	const report = await workshopReport(params.id);
	if (!report) error(404, 'not_found');
	return reportExport(params.format, report);
};
