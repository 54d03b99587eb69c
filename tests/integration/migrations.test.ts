import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bootstrapSql from '#lib/server/db/local-bootstrap.sql?raw';
import { connect } from '#lib/server/db/client.js';
import { bundledMigrations, migrate } from '#lib/server/db/migrate.js';
import { freshDatabase, migratedDatabase, type TestDatabase } from './helpers';

const DEMO_WORKSHOP = '00000000-0000-4000-8000-000000000001';
const PUBLIC_TABLES = ['boards', 'members', 'organisations', 'workshop_secrets', 'workshops'];

describe('migrate() on an empty database', () => {
	let db: TestDatabase;
	let first: Awaited<ReturnType<typeof migrate>>;

	beforeAll(async () => {
		db = await freshDatabase();
		first = await migrate(db.sql);
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('applies every bundled migration, in version order, and seeds', () => {
		const versions = bundledMigrations().map((m) => m.version);
		expect(versions.length).toBeGreaterThan(0);
		expect(versions).toContain('20261123020000');
		expect([...versions].sort()).toEqual(versions);
		expect(first).toEqual({ applied: versions, seeded: true });
	});

	it('creates the tables', async () => {
		const rows = await db.sql<{ table_name: string }[]>`
			select table_name from information_schema.tables
			where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
		expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(PUBLIC_TABLES));
		const [{ settings }] = await db.sql`select to_regclass('private.settings') is not null as settings`;
		expect(settings).toBe(true);
	});

	it('enables row-level security on every table in public (and private)', async () => {
		const rows = await db.sql<{ relname: string; nspname: string; relrowsecurity: boolean }[]>`
			select c.relname, n.nspname, c.relrowsecurity
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname in ('public', 'private') and c.relkind in ('r', 'p')
			order by n.nspname, c.relname`;
		const publicTables = rows.filter((r) => r.nspname === 'public').map((r) => r.relname);
		expect(publicTables).toEqual(expect.arrayContaining(PUBLIC_TABLES));
		expect(rows.filter((r) => !r.relrowsecurity).map((r) => `${r.nspname}.${r.relname}`)).toEqual([]);
	});

	it('records each version (and its name) in supabase_migrations.schema_migrations', async () => {
		const rows = await db.sql<{ version: string; name: string; statements: string[] }[]>`
			select version, name, statements from supabase_migrations.schema_migrations order by version`;
		const expected = bundledMigrations();
		expect(rows.map((r) => r.version)).toEqual(expected.map((m) => m.version));
		const mine = rows.find((r) => r.version === '20261123020000');
		expect(mine?.name).toBe('create_workshops');
		expect(mine?.statements.join('\n')).toContain('create table public.workshops');
	});

	it('creates the auth helpers, which read request.jwt.claims', async () => {
		const sub = '11111111-2222-4333-8444-555555555555';
		const [row] = await db.sql.begin(
			(tx) => tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true),
				auth.uid() as uid, auth.jwt() ->> 'role' as role`
		);
		expect(row.uid).toBe(sub);
		expect(row.role).toBe('authenticated');
		const [none] = await db.sql`select auth.uid() as uid`;
		expect(none.uid).toBeNull();
	});

	it('seeds the demo workshop: join code BFURED, its boards, organisations and members', async () => {
		const [w] = await db.sql`select id, title, joining_open from public.workshops where join_code = 'BFURED'`;
		expect(w).toMatchObject({ id: DEMO_WORKSHOP, joining_open: true });
		const [counts] = await db.sql`select
			(select count(*)::int from public.boards where workshop_id = ${DEMO_WORKSHOP}) as boards,
			(select count(*)::int from public.organisations where workshop_id = ${DEMO_WORKSHOP}) as organisations,
			(select count(*)::int from public.members where workshop_id = ${DEMO_WORKSHOP} and role = 'facilitator') as facilitators,
			(select count(*)::int from public.workshop_secrets where workshop_id = ${DEMO_WORKSHOP}) as secrets`;
		expect(counts).toEqual({ boards: 4, organisations: 6, facilitators: 1, secrets: 1 });
	});

	it('applying again is a no-op: nothing applied, nothing seeded, no error, data untouched', async () => {
		const before = await db.sql`select (select count(*)::int from public.members) as members,
			(select count(*)::int from supabase_migrations.schema_migrations) as versions`;
		const again = await migrate(db.sql);
		expect(again).toEqual({ applied: [], seeded: false });
		const after = await db.sql`select (select count(*)::int from public.members) as members,
			(select count(*)::int from supabase_migrations.schema_migrations) as versions`;
		expect(after).toEqual(before);
	});

	it('seeds on the first start only: a deleted demo workshop is not recreated later', async () => {
		await db.sql`delete from public.workshops where id = ${DEMO_WORKSHOP}`;
		// Even when a new migration arrives, the database is not fresh, so no seed.
		const extra = { version: '29991231000000', name: 'add_probe', sql: 'create table public.probe (id int primary key);' };
		const result = await migrate(db.sql, { migrations: [...bundledMigrations(), extra] });
		expect(result).toEqual({ applied: ['29991231000000'], seeded: false });
		const rows = await db.sql`select 1 from public.workshops where join_code = 'BFURED'`;
		expect(rows.length).toBe(0);
	});
});

describe('migrate() options and failure', () => {
	it('seed: false leaves the database empty of workshops', async () => {
		const db = await migratedDatabase({ seed: false });
		try {
			expect(db.migration.seeded).toBe(false);
			expect(db.migration.applied.length).toBe(bundledMigrations().length);
			const [{ n }] = await db.sql`select count(*)::int as n from public.workshops`;
			expect(n).toBe(0);
		} finally {
			await db.drop();
		}
	});

	it('a failing migration rolls back the whole run, recording nothing', async () => {
		const db = await freshDatabase();
		try {
			const broken = { version: '29991231000000', name: 'broken', sql: 'create table public.half (id int); select 1/0;' };
			await expect(migrate(db.sql, { migrations: [...bundledMigrations(), broken], seed: false })).rejects.toThrow(/division by zero/);
			const [state] = await db.sql`select to_regclass('public.workshops') as workshops, to_regclass('public.half') as half,
				to_regclass('supabase_migrations.schema_migrations') as record`;
			expect(state).toEqual({ workshops: null, half: null, record: null });
			// And the database is still good for a clean run afterwards.
			const ok = await migrate(db.sql, { seed: false });
			expect(ok.applied.length).toBe(bundledMigrations().length);
		} finally {
			await db.drop();
		}
	});

	it('two instances migrating at once apply each migration (and the seed) exactly once', async () => {
		const db = await freshDatabase();
		const other = connect(db.url, { max: 2 });
		try {
			const [a, b] = await Promise.all([migrate(db.sql), migrate(other)]);
			expect([...a.applied, ...b.applied].sort()).toEqual(bundledMigrations().map((m) => m.version));
			expect([a.seeded, b.seeded].filter(Boolean).length).toBe(1);
			const [{ n }] = await db.sql`select count(*)::int as n from public.workshops where join_code = 'BFURED'`;
			expect(n).toBe(1);
		} finally {
			await other.end();
			await db.drop();
		}
	});
});

describe('local bootstrap', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await freshDatabase();
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('is idempotent when the roles (and auth schema) already exist', async () => {
		// The roles are cluster-wide and exist already (global setup bootstrapped the server).
		const roles = await db.sql<{ rolname: string; rolbypassrls: boolean; rolcanlogin: boolean }[]>`
			select rolname, rolbypassrls, rolcanlogin from pg_roles
			where rolname in ('anon', 'authenticated', 'service_role') order by rolname`;
		expect(roles.map((r) => r.rolname)).toEqual(['anon', 'authenticated', 'service_role']);
		await db.sql.unsafe(bootstrapSql).simple();
		await db.sql.unsafe(bootstrapSql).simple();
		const after = await db.sql`
			select rolname, rolbypassrls, rolcanlogin from pg_roles
			where rolname in ('anon', 'authenticated', 'service_role') order by rolname`;
		expect(after).toEqual(roles);
		const [{ n }] = await db.sql`select count(*)::int as n from pg_proc p join pg_namespace ns on ns.oid = p.pronamespace
			where ns.nspname = 'auth' and p.proname in ('uid', 'jwt', 'role')`;
		expect(n).toBe(3);
	});

	it('keeps an existing auth.uid() (as on Supabase) instead of replacing it', async () => {
		const db2 = await freshDatabase();
		try {
			await db2.sql.unsafe(`create schema auth;
				create function auth.uid() returns uuid language sql stable as $$ select '99999999-9999-4999-8999-999999999999'::uuid $$;`);
			const result = await migrate(db2.sql, { seed: false });
			expect(result.applied.length).toBe(bundledMigrations().length);
			const [{ uid }] = await db2.sql`select auth.uid() as uid`;
			expect(uid).toBe('99999999-9999-4999-8999-999999999999');
		} finally {
			await db2.drop();
		}
	});
});
