import { appDatabaseUrl } from '../e2e/app-process';
import * as Y from 'yjs';
import { connect, type Sql } from '#lib/server/db/client.js';
import { PostgresDocumentStore } from '#lib/server/sync/persistence.js';

/**
 * True when `doc` holds everything `update` carries: every struct (by client and clock) and
 * every deletion. This is what "the database has this update" means for a Yjs document,
 * whatever merging and compaction did to the rows.
 */
export function holds(doc: Y.Doc, update: Uint8Array): boolean {
	const { structs, ds } = Y.decodeUpdate(update);
	for (const struct of structs) {
		if (struct instanceof Y.Skip) continue;
		if (Y.getState(doc.store, struct.id.client) < struct.id.clock + struct.length) return false;
	}
	if (ds.clients.size === 0) return true;
	const known = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, deletes] of ds.clients) {
		for (const d of deletes) {
			for (let clock = d.clock; clock < d.clock + d.len; clock++) if (!Y.isDeleted(known, Y.createID(client, clock))) return false;
		}
	}
	return true;
}

/** A document as the store has it (state plus log), read with the sync server's own store code. */
export async function storedDoc(sql: Sql, name: string): Promise<Y.Doc> {
	const stored = await new PostgresDocumentStore(sql).load(name);
	const doc = new Y.Doc();
	if (stored.state) Y.applyUpdateV2(doc, stored.state);
	for (const update of stored.updates) Y.applyUpdate(doc, update);
	return doc;
}

/**
 * The app's own embedded Postgres, found through its postmaster.pid (line 4 is the port) and
 * its password file. After a SIGKILL of the app this cluster is still up: it is what the app
 * had committed.
 */
export async function appDatabase(dataDir: string): Promise<{ sql: Sql; pid: number; port: number }> {
	const { url, pid, port } = await appDatabaseUrl(dataDir);
	return { sql: connect(url, { max: 2 }), pid, port };
}

export interface ActionResult {
	status: number;
	type: string | undefined;
}

/** A page's form action, posted as SvelteKit's `enhance` does (JSON answer). */
export async function formAction(baseUrl: string, pathname: string, name: string, fields: Record<string, string>, cookie: string): Promise<ActionResult> {
	const response = await fetch(`${baseUrl}${pathname}?/${name}`, {
		method: 'POST',
		headers: { origin: baseUrl, accept: 'application/json', 'x-sveltekit-action': 'true', cookie },
		body: new URLSearchParams(fields)
	});
	const body = (await response.json().catch(() => null)) as { type?: string } | null;
	return { status: response.status, type: body?.type };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
