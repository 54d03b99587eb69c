import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { connect, type Sql } from './db/client';
import { startEmbeddedPostgres } from './db/embedded';
import { migrate } from './db/migrate';
import { loadSessionKey } from './auth/session-key';
import { PostgresDocumentStore } from './sync/persistence';
import { SyncServer } from './sync/sync-server';
import { Cluster } from './sync/cluster';
import type { Relay } from './sync/relay';
import { createUpgradeHandler } from './sync/transport';
import { currentRights } from './sync/access';
import { LiveControl } from './live-control';
import { Voting } from './voting';
import { seedDemoContent } from './demo/seed-demo';

export interface Runtime {
	sql: Sql;
	sessionKey: Uint8Array;
	sync: SyncServer;
	control: LiveControl;
	voting: Voting;
	/** Handles an HTTP upgrade: websockets of the live-board sync server at /sync/<doc>. */
	upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
	shutdown: () => Promise<void>;
}

/** The server entry (server/index.js) and the dev server find the runtime here. */
export const RUNTIME_KEY = Symbol.for('roundtable.runtime');

let starting: Promise<Runtime> | undefined;

/**
 * One per process: the database (embedded unless DATABASE_URL is set), migrated and
 * seeded, and the session signing key. Started by the `init` hook, shared by requests.
 */
export function getRuntime(): Promise<Runtime> {
	starting ??= start().catch((error) => {
		starting = undefined;
		throw error;
	});
	return starting;
}

async function start(): Promise<Runtime> {
	const env = process.env;
	let url = env.DATABASE_URL;
	let stopDatabase = async () => {};
	if (!url) {
		const dataDir = path.resolve(env.DATA_DIR ?? '.data');
		const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres') });
		url = db.url;
		stopDatabase = db.stop;
	}
	const sql = connect(url, { max: Number(env.DATABASE_POOL_SIZE ?? 20) });
	let seeded: boolean;
	try {
		const result = await migrate(sql, { seed: env.SEED === 'false' ? false : undefined });
		seeded = result.seeded;
		if (result.applied.length) console.log(`[roundtable] applied migrations ${result.applied.join(', ')}`);
		if (result.seeded) console.log('[roundtable] created the demo workshops (supabase/seed.sql)');
	} catch (error) {
		await sql.end({ timeout: 1 });
		await stopDatabase();
		throw error;
	}
	const sessionKey = await loadSessionKey(sql, env.SESSION_SECRET);
	// Several instances: REDIS_URL shares live rooms between them. Without it, nothing of Redis is even loaded.
	let relay: Relay | undefined;
	if (env.REDIS_URL) {
		const { RedisRelay } = await import('./sync/redis-relay');
		const redis = new RedisRelay({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX || undefined });
		await redis.start();
		relay = redis;
		console.log(`[roundtable] sharing live boards with other instances through Redis (instance ${redis.instanceId})`);
	}
	const store = new PostgresDocumentStore(sql, { shared: Boolean(relay) });
	const sync = new SyncServer({
		store,
		// For measurements (bench/README.md): the share of time the relay may take, default 0.5.
		relayShare: env.SYNC_RELAY_SHARE ? Number(env.SYNC_RELAY_SHARE) : undefined
	});
	// Attached before anything loads: every room is subscribed to from its first load on.
	if (relay) new Cluster({ sync, relay, store, currentRights: (input) => currentRights(sql, input) });
	const upgrade = createUpgradeHandler({ sql, sessionKey, sync });
	const voting = new Voting(sql, sync);
	await voting.resume();
	// The demo's boards are documents and ballots, written through the live paths: only now can they be.
	if (seeded) {
		try {
			await seedDemoContent({ sql, sync, voting });
			console.log("[roundtable] filled the demo workshops' boards");
		} catch (error) {
			// The demo stays, with empty boards; the app itself is fine.
			console.error('[roundtable] filling the demo boards failed', error);
		}
	}
	const runtime: Runtime = {
		sql,
		sessionKey,
		sync,
		control: new LiveControl(sql, sync),
		voting,
		upgrade: (request, socket, head) => void upgrade(request, socket, head),
		shutdown: async () => {
			voting.stop();
			await sync.close();
			await sql.end({ timeout: 5 });
			await stopDatabase();
		}
	};
	(globalThis as Record<symbol, unknown>)[RUNTIME_KEY] = runtime;
	return runtime;
}
