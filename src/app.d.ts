// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			locale: 'en' | 'hu';
			/** The request's Supabase client, when Supabase is configured. */
			supabase: import('@supabase/supabase-js').SupabaseClient | null;
			/** The signed-in facilitator account (its access token verified here), or null. */
			account: import('#lib/server/auth/supabase.js').Account | null;
		}
	}
}

export {};
