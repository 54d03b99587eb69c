import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getRuntime } from '#lib/server/runtime.js';
import { accountWorkshops } from '#lib/server/repositories/accounts.js';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.supabase) error(404, 'not_found');
	if (!locals.account) redirect(303, '/login?next=/account');
	const { sql } = await getRuntime();
	return { email: locals.account.email, workshops: await accountWorkshops(sql, locals.account) };
};
