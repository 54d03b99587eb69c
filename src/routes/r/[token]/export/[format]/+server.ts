import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { sharedReportWorkshop } from '#lib/server/shared-links.js';
import { workshopReport } from '#lib/server/report.js';
import { reportExport } from '#lib/server/export-response.js';

export const GET: RequestHandler = async (event) => {
	const report = await workshopReport(await sharedReportWorkshop(event));
	if (!report) error(404, 'not_found');
	return reportExport(event.params.format, report);
};
