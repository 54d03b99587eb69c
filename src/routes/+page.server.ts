import type { Actions, PageServerLoad } from './$types';
import { getRuntime } from '#lib/server/runtime.js';
import { findByCode } from '#lib/server/repositories/workshops.js';
import { submitJoinCode } from '#lib/server/join-code-action.js';
import { myWorkshops } from '#lib/server/my-workshops.js';
import { DEMO_LINKS } from '#lib/server/demo/content.js';

export const load: PageServerLoad = async ({ cookies, locals }) => {
	const { sql } = await getRuntime();
	// The demo in the visitor's language: the Hungarian original, or its English twin.
	const { code, facilitatorKey } = DEMO_LINKS[locals.locale === 'hu' ? 'hu' : 'en'];
	const demo = await findByCode(sql, code);
	return {
		demo: demo ? { title: demo.title, venue: demo.venue, startsOn: demo.startsOn, code, facilitatorKey } : null,
		mine: await myWorkshops(cookies)
	};
};

export const actions: Actions = { join: submitJoinCode };
