import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { sharedScreenWorkshop } from '#lib/server/shared-links.js';
import { presenterData } from '#lib/server/presenter.js';

/** The presenter screen on a venue laptop: no session, the screen link alone (revocable). */
export const load: PageServerLoad = async (event) => {
	const workshopId = await sharedScreenWorkshop(event);
	const presenter = await presenterData({ workshopId, screenToken: event.params.token, origin: event.url.origin });
	if (!presenter) error(404, 'not_found');
	return { presenter };
};
