import { afterAll, beforeAll, expect, test } from 'vitest';
import { memberColour } from '#lib/domain/board/presence.js';
import { createWorkshop, joinWorkshop, migratedDatabase, type CreatedWorkshop, type TestDatabase } from './helpers';
import { connectClient, sessionCookie, startSyncServer, waitFor, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let boardId: string;
let server: TestSyncServer;
const people: { id: string; cookie: string }[] = [];

beforeAll(async () => {
	db = await migratedDatabase({ seed: false });
	workshop = await createWorkshop(db.sql);
	[{ id: boardId }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} limit 1`;
	server = await startSyncServer(db.sql);
	for (const [name, org] of [
		['Anna', 'Innoskart'],
		['Béla', 'NOHAC']
	]) {
		const { member_id } = await joinWorkshop(db.sql, workshop.join_code, name, org);
		people.push({ id: member_id, cookie: await sessionCookie(server.sessionKey, workshop.workshop_id, member_id) });
	}
});

afterAll(async () => {
	await server?.close();
	await db?.drop();
});

type State = { user?: { memberId: string; name: string; organisation: string; role: string }; editing?: string };

test('presence is stamped by the server: a client cannot claim another name', async () => {
	const anna = connectClient(server, `board/${boardId}`, people[0].cookie);
	const bela = connectClient(server, `board/${boardId}`, people[1].cookie);
	await Promise.all([anna.synced, bela.synced]);
	anna.provider.awareness.setLocalState({
		user: { memberId: people[1].id, name: 'The Minister', organisation: 'Government', role: 'facilitator' },
		editing: 'card-1'
	});
	const seen = () => bela.provider.awareness.getStates().get(anna.doc.clientID) as State | undefined;
	await waitFor(() => seen()?.editing === 'card-1', 5000, "Anna's presence reaches Béla");
	// The colour is the one the database gave Anna when she joined (after the facilitator).
	const [{ colour }] = await db.sql<{ colour: number }[]>`select colour from public.members where id = ${people[0].id}`;
	expect(colour).toBe(1);
	expect(seen()?.user).toEqual({ memberId: people[0].id, name: 'Anna', organisation: 'Innoskart', colour: memberColour(colour), role: 'participant' });
	anna.destroy();
	// Leaving removes the presence for the others.
	await waitFor(() => seen() === undefined, 5000, 'presence removed on leave');
	bela.destroy();
});

test('however fast a client moves, presence reaches others at most 20 times a second', async () => {
	const mover = connectClient(server, `board/${boardId}`, people[0].cookie);
	const watcher = connectClient(server, `board/${boardId}`, people[1].cookie);
	await Promise.all([mover.synced, watcher.synced]);
	let messages = 0;
	const ws = watcher.provider.ws as unknown as { addEventListener: (t: string, f: (e: { data: ArrayBuffer }) => void) => void };
	ws.addEventListener('message', (e) => {
		if (new Uint8Array(e.data)[0] === 1) messages++;
	});
	const started = Date.now();
	for (let i = 0; Date.now() - started < 1000; i++) {
		mover.provider.awareness.setLocalStateField('editing', `card-${i}`);
		await new Promise((r) => setTimeout(r, 2));
	}
	await new Promise((r) => setTimeout(r, 100));
	const elapsed = (Date.now() - started) / 1000;
	expect(messages).toBeGreaterThan(5);
	expect(messages / elapsed).toBeLessThanOrEqual(21);
	// The last state still arrives: throttling delays, it does not drop the end.
	const last = mover.provider.awareness.getLocalState()?.editing;
	await waitFor(() => (watcher.provider.awareness.getStates().get(mover.doc.clientID) as State | undefined)?.editing === last, 2000, 'latest presence');
	mover.destroy();
	watcher.destroy();
});
