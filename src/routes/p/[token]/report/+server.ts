import type { RequestHandler } from './$types';
import { sharedScreenWorkshop } from '#lib/server/shared-links.js';
import { workshopReport } from '#lib/server/report.js';

/** The report's summary for the presenter's last stage, as the boards stand now. */
export const GET: RequestHandler = async (event) => {
	const report = await workshopReport(await sharedScreenWorkshop(event));
	return Response.json(report ? { boards: report.boards, organisations: report.organisations } : null);
};
