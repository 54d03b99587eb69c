import type { ParamMatcher } from '@sveltejs/kit';
import { isUuid } from '$lib/domain/ids';

/**
 * Workshop, board and snapshot ids in routes: anything else is no route at all (404), before a
 * handler could hand the database a malformed id (a 500 from its syntax check).
 */
export const match: ParamMatcher = (param) => isUuid(param);
