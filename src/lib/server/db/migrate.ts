import type { Sql } from './client';
import bootstrapSql from './local-bootstrap.sql?raw';

export interface Migration {
	version: string;
	name: string;
	sql: string;
}

const files = import.meta.glob('/supabase/migrations/*.sql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const seedFiles = import.meta.glob('/supabase/seed.sql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** The migrations in supabase/migrations, in order: YYYYMMDDHHMMSS_verb_object.sql. */
export function bundledMigrations(): Migration[] {
	return Object.entries(files)
		.map(([file, sql]) => {
			const match = /\/(\d{14})_([a-z0-9_]+)\.sql$/.exec(file);
			if (!match) throw new Error(`Migration file name must be YYYYMMDDHHMMSS_name.sql: ${file}`);
			return { version: match[1], name: match[2], sql };
		})
		.sort((a, b) => a.version.localeCompare(b.version));
}

export function bundledSeed(): string {
	return Object.values(seedFiles)[0] ?? '';
}

export interface MigrationResult {
	applied: string[];
	seeded: boolean;
}

/**
 * Applies the migrations not yet recorded, each once, in one transaction under an
 * advisory lock (several instances may start at once). The record is the Supabase CLI's
 * own table, so `supabase db push` and this runner agree on what has been applied.
 * The seed runs only when the database had no migrations at all (a first start).
 */
export async function migrate(sql: Sql, options: { migrations?: Migration[]; seed?: string | false } = {}): Promise<MigrationResult> {
	const migrations = options.migrations ?? bundledMigrations();
	const seed = options.seed === undefined ? bundledSeed() : options.seed;
	return (await sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(hashtext('roundtable.migrate'))`;
		await tx.unsafe(bootstrapSql).simple();
		await tx
			.unsafe(
				`
			create schema if not exists supabase_migrations;
			create table if not exists supabase_migrations.schema_migrations (
				version text primary key, statements text[], name text
			);`
			)
			.simple();
		const done = new Set((await tx<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version));
		const fresh = done.size === 0;
		const applied: string[] = [];
		for (const m of migrations) {
			if (done.has(m.version)) continue;
			await tx.unsafe(m.sql).simple();
			await tx`insert into supabase_migrations.schema_migrations (version, name, statements)
				values (${m.version}, ${m.name}, ${[m.sql]})`;
			applied.push(m.version);
		}
		const seeded = fresh && applied.length > 0 && !!seed;
		if (seeded) await tx.unsafe(seed as string).simple();
		return { applied, seeded };
	})) as MigrationResult;
}
