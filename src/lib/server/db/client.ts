import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** What a Supabase access token would carry; `sub` is a member id or a Supabase user id. */
export interface Claims {
	sub: string;
	role: 'authenticated';
	workshop_id?: string;
	[key: string]: unknown;
}

/**
 * Seconds before a pooled connection tries again after a failed connection. postgres.js's
 * default grows as 3^n/100 with every failure of the whole pool (up to 20 s): after a database
 * outage of a few seconds every connection slept 10–20 s more before trying again, and
 * nothing was saved meanwhile. A refused connection costs nothing: retry within half a second.
 */
function reconnectDelay(retries: number): number {
	return Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2);
}

export function connect(url: string, options: { max?: number } = {}): Sql {
	return postgres(url, {
		max: options.max ?? 20,
		idle_timeout: 30,
		connect_timeout: 10,
		onnotice: () => {},
		backoff: reconnectDelay,
		// Dates stay strings ('2021-06-03'): they are shown and edited as such.
		types: { date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x } }
	});
}

/**
 * Runs `fn` in a transaction as Supabase's API would for this user: role
 * `authenticated` and the claims in `request.jwt.claims`, so row-level security decides.
 */
export function asUser<T>(sql: Sql, claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return sql.begin(async (tx) => {
		await tx`select set_config('role', 'authenticated', true),
			set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
		return fn(tx);
	}) as Promise<T>;
}

/** A member of a workshop, as their session names them. */
export interface Viewer {
	memberId: string;
	workshopId: string;
}

/** Runs `fn` as this member: their id and workshop in the claims, so row-level security decides. */
export function asMember<T>(sql: Sql, viewer: Viewer, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return asUser(sql, { sub: viewer.memberId, role: 'authenticated', workshop_id: viewer.workshopId }, fn);
}

/** Runs `fn` as the `anon` role: for people who are not members yet. */
export function asAnon<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return sql.begin(async (tx) => {
		await tx`select set_config('role', 'anon', true),
			set_config('request.jwt.claims', '{"role":"anon"}', true)`;
		return fn(tx);
	}) as Promise<T>;
}

/** Database functions raise errors whose message is a stable snake_case code. */
export function errorCode(error: unknown): string | null {
	if (error instanceof postgres.PostgresError) {
		if (error.code === 'P0001' && /^[a-z_]+$/.test(error.message)) return error.message;
		if (error.code === '42501') return 'not_allowed';
		if (error.code === '23514' || error.code === '22001') return 'invalid_input';
	}
	return null;
}
