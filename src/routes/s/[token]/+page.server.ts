import type { PageServerLoad } from './$types';
import { sharedSnapshot } from '#lib/server/shared-links.js';

/** A shared snapshot: no login, no websocket, rendered here. */
export const load: PageServerLoad = async (event) => {
	const snapshot = await sharedSnapshot(event);
	return { snapshot, token: event.params.token, origin: event.url.origin };
};
