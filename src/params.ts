import { defineParams } from '@sveltejs/kit/params';
// Node loads this file as it is when the build analyses the routes: a relative .ts path it can follow.
import { isUuid } from './lib/domain/ids.ts';

/**
 * Workshop, board and snapshot ids in routes: anything else is no route at all (404), before a
 * handler could hand the database a malformed id (a 500 from its syntax check).
 */
export const params = defineParams({
	uuid: (param: string) => (isUuid(param) ? param : undefined)
});
