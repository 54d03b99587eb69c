import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/client';

/**
 * The key that signs session cookies: SESSION_SECRET when set (several instances must
 * share it), otherwise one generated once and kept in the database, so that sessions
 * survive restarts without any configuration.
 */
export async function loadSessionKey(sql: Sql, configured?: string): Promise<Uint8Array> {
	if (configured) {
		if (configured.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters.');
		return new TextEncoder().encode(configured);
	}
	const candidate = randomBytes(32).toString('base64url');
	await sql`insert into private.settings (key, value) values ('session_secret', ${candidate})
		on conflict (key) do nothing`;
	const [row] = await sql<{ value: string }[]>`select value from private.settings where key = 'session_secret'`;
	return new TextEncoder().encode(row.value);
}
