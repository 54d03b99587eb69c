import { afterAll, beforeAll, expect, test } from 'vitest';
import { createWorkshop, joinWorkshop, migratedDatabase, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let server: TestSyncServer;
let boardId: string;
let wid: string;
let code: string;
beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	const w = await createWorkshop(db.sql);
	wid = w.workshop_id;
	code = w.join_code;
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${wid} order by position limit 1`;
	server = await startSyncServer(db.sql);
});
afterAll(async () => {
	await server?.close();
	await db?.drop();
});
const member = async (name: string) => {
	const { member_id } = await joinWorkshop(db.sql, code, name, 'Org');
	return { id: member_id, cookie: await sessionCookie(server.sessionKey, wid, member_id) };
};

test('a provider that was away gets its presence back (echoed removals must not take its id)', async () => {
	const alice = connectClient(server, `board/${boardId}`, (await member('Alice')).cookie);
	const bob = connectClient(server, `board/${boardId}`, (await member('Bob')).cookie);
	await Promise.all([alice.synced, bob.synced]);
	alice.provider.awareness.setLocalStateField('cursor', 'a1');
	await waitFor(() => (bob.provider.awareness.getStates().get(alice.doc.clientID) as { cursor?: string } | undefined)?.cursor === 'a1', 3000, 'bob sees alice');
	alice.provider.disconnect();
	await waitFor(() => !bob.provider.awareness.getStates().has(alice.doc.clientID), 3000, 'bob sees alice leave');
	await new Promise((r) => setTimeout(r, 300));
	alice.provider.connect();
	await alice.synced;
	alice.provider.awareness.setLocalStateField('cursor', 'a2');
	await waitFor(
		() => (bob.provider.awareness.getStates().get(alice.doc.clientID) as { cursor?: string } | undefined)?.cursor === 'a2',
		3000,
		'bob sees alice again'
	);
	alice.destroy();
	bob.destroy();
});

test('a provider joining a room of more than 64 present people is not disconnected', async () => {
	const clients = [];
	for (let i = 0; i < 70; i++) {
		const c = connectClient(server, `board/${boardId}`, (await member(`P${i}`)).cookie);
		c.provider.awareness.setLocalStateField('cursor', i);
		await c.synced;
		clients.push(c);
	}
	await new Promise((r) => setTimeout(r, 300));
	const closes: number[] = [];
	const late = connectClient(server, `board/${boardId}`, (await member('Late')).cookie);
	late.provider.awareness.setLocalStateField('cursor', 'late');
	late.provider.on('connection-close', (e: { code?: number } | null) => closes.push(e?.code ?? 0));
	await late.synced;
	await new Promise((r) => setTimeout(r, 1000));
	expect(closes).toEqual([]);
	for (const c of [...clients, late]) c.destroy();
}, 30000);
