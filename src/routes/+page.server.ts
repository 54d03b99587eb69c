import type { Actions, PageServerLoad } from './$types';
import { getRuntime } from '$lib/server/runtime';
import { findByCode } from '$lib/server/repositories/workshops';
import { submitJoinCode } from '$lib/server/join-code-action';
import { myWorkshops } from '$lib/server/my-workshops';

const DEMO_CODE = 'BFURED';
const DEMO_FACILITATOR_KEY = 'demo-facilitator-balatonfured-2021-roundtable';

export const load: PageServerLoad = async ({ cookies }) => {
	const { sql } = await getRuntime();
	const demo = await findByCode(sql, DEMO_CODE);
	return {
		demo: demo ? { title: demo.title, venue: demo.venue, startsOn: demo.startsOn, code: DEMO_CODE, facilitatorKey: DEMO_FACILITATOR_KEY } : null,
		mine: await myWorkshops(cookies)
	};
};

export const actions: Actions = { join: submitJoinCode };
