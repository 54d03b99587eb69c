import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	locale: locals.locale,
	// Without Supabase there are no accounts and no sign-in anywhere.
	accounts: locals.supabase ? { email: locals.account?.email ?? null } : null
});
