import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { asAnon, asUser, connect, type Sql, type Tx } from '#lib/server/db/client.js';
import { migrate, type MigrationResult } from '#lib/server/db/migrate.js';

declare module 'vitest' {
	export interface ProvidedContext {
		adminDatabaseUrl: string;
	}
}

export interface TestDatabase {
	sql: Sql;
	url: string;
	name: string;
	drop: () => Promise<void>;
}

function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

/** A new, empty database on the shared embedded server, for one test file. */
export async function freshDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
	const adminUrl = inject('adminDatabaseUrl');
	const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
	const admin = connect(adminUrl, { max: 1 });
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
	const url = withDatabase(adminUrl, name);
	const sql = connect(url, { max: options.max ?? 20 });
	let dropped = false;
	return {
		sql,
		url,
		name,
		drop: async () => {
			if (dropped) return;
			dropped = true;
			await sql.end({ timeout: 5 });
			const admin = connect(adminUrl, { max: 1 });
			try {
				await admin.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await admin.end();
			}
		}
	};
}

/** A fresh database with the migrations applied (and the seed, unless `seed: false`). */
export async function migratedDatabase(options: { seed?: false; max?: number } = {}): Promise<TestDatabase & { migration: MigrationResult }> {
	const db = await freshDatabase({ max: options.max });
	try {
		const migration = await migrate(db.sql, options.seed === false ? { seed: false } : {});
		return { ...db, migration };
	} catch (error) {
		await db.drop();
		throw error;
	}
}

/** Runs `fn` as the member (role authenticated, `sub` = member id), so RLS decides. */
export function asMember<T>(sql: Sql, memberId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return asUser(sql, { sub: memberId, role: 'authenticated' }, fn);
}

/**
 * The Postgres error a call fails with ({ code, message }); fails the test when the call
 * succeeds. The transaction it ran in (asUser/asAnon) is rolled back.
 */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof postgres.PostgresError) return { code: error.code, message: error.message };
		throw error;
	}
	throw new Error('expected the database to refuse, but the call succeeded');
}

export interface CreatedWorkshop {
	workshop_id: string;
	member_id: string;
	join_code: string;
	facilitator_key: string;
}

/** create_workshop as a visitor would call it (role anon), with two boards by default. */
export async function createWorkshop(
	sql: Sql,
	options: { title?: string; facilitator?: string; boards?: { kind: string; title: string; prompt?: string }[] } = {}
): Promise<CreatedWorkshop> {
	const boards = options.boards ?? [
		{ kind: 'values', title: 'Values', prompt: 'What do we value?' },
		{ kind: 'mission', title: 'Mission' }
	];
	const [row] = await asAnon(
		sql,
		(tx) => tx<CreatedWorkshop[]>`select * from public.create_workshop(
			${options.title ?? 'Test workshop'}, ${'2026-01-15'}, ${'Szeged'}, ${'en'}, ${'strategy'},
			${options.facilitator ?? 'Facilitator'}, ${tx.json(boards)})`
	);
	return row;
}

/** join_workshop as a visitor (role anon); returns the new member's id. */
export async function joinWorkshop(
	sql: Sql,
	code: string,
	name: string,
	organisation: string,
	role: string = 'participant'
): Promise<{ workshop_id: string; member_id: string }> {
	const [row] = await asAnon(
		sql,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
			select * from public.join_workshop(${code}, ${name}, ${organisation}, ${role})`
	);
	return row;
}

/** Row count as the owner (bypasses RLS): the ground truth to compare against. */
export async function countRows(sql: Sql, table: string, workshopId?: string): Promise<number> {
	const where = workshopId ? sql`where workshop_id = ${workshopId}` : sql``;
	const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} ${where}`;
	return n;
}

/** claim_facilitator as a visitor holding the facilitator link (role anon). */
export async function claimFacilitator(sql: Sql, key: string, name: string): Promise<{ workshop_id: string; member_id: string }> {
	const [row] = await asAnon(sql, (tx) => tx<{ workshop_id: string; member_id: string }[]>`select * from public.claim_facilitator(${key}, ${name})`);
	return row;
}
