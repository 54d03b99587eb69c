import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { sharedReportWorkshop } from '#lib/server/shared-links.js';
import { workshopReport } from '#lib/server/report.js';

export const load: PageServerLoad = async (event) => {
	const report = await workshopReport(await sharedReportWorkshop(event));
	if (!report) error(404, 'not_found');
	return { report, token: event.params.token, origin: event.url.origin };
};
