import { afterAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardsOf, editCardText, readBoard } from '#lib/domain/board/board-model.js';
import { connectClient, waitFor, type TestClient } from '../integration/sync-helpers';
import { createWorkshopOver, joinOver, startApp, tempDataDir, type AppProcess } from './app-process';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c();
});

const texts = (doc: Y.Doc) => [...cardsOf(doc).values()].map((c) => c.get('text')!.toString()).sort();
const ids = (doc: Y.Doc) => [...cardsOf(doc).keys()].sort();

test('SIGKILL during edits, restart, clients reconnect: nothing any client held is lost', async () => {
	const data = await tempDataDir();
	cleanups.push(data.remove);
	let app: AppProcess = await startApp({ dataDir: data.dir });
	cleanups.push(async () => {
		app.child.kill('SIGTERM');
		await app.exited;
	});
	const { code, boards } = await createWorkshopOver(app.baseUrl);
	const doc = `board/${boards[0]}`;
	const people = await Promise.all(['Anna', 'Béla', 'Csilla'].map((n) => joinOver(app.baseUrl, code, n, `${n} Cluster`)));
	const sync = { url: `ws://127.0.0.1:${app.port}/sync` };
	const clients: TestClient[] = people.map((p) => connectClient(sync, doc, p.cookie));
	await Promise.all(clients.map((c) => c.synced));

	// Everyone keeps editing; the server dies mid-stream, without any chance to flush.
	let written = 0;
	let editing = true;
	const editors = clients.map(async (client, i) => {
		const name = ['Anna', 'Béla', 'Csilla'][i];
		const author = { memberId: people[i].memberId, name, organisation: `${name} Cluster` };
		let mine: string | null = null;
		while (editing) {
			if (!mine || written % 3 === 0) mine = addCard(client.doc, { author, text: `c${i}-${written}` });
			else editCardText(client.doc, mine, `c${i}-${written} edited`);
			written++;
			await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
		}
	});
	await new Promise((r) => setTimeout(r, 400 + Math.random() * 400));
	app.child.kill('SIGKILL');
	await app.exited;
	await new Promise((r) => setTimeout(r, 100));
	editing = false;
	await Promise.all(editors);
	expect(written).toBeGreaterThan(20);

	// Same data directory, same port: the clients' providers reconnect by themselves.
	app = await startApp({ dataDir: data.dir, port: app.port });
	// Every card any client held, by id (a card's text may have been edited on one client
	// after another last saw it; after the restart they must agree on the latest).
	const expected = [...new Set(clients.flatMap((c) => ids(c.doc)))].sort();
	const same = () =>
		clients.every((c) => JSON.stringify(ids(c.doc)) === JSON.stringify(expected) && JSON.stringify(texts(c.doc)) === JSON.stringify(texts(clients[0].doc)));
	await waitFor(() => same() && clients.every((c) => c.provider.wsconnected), 5000, 'clients converge within 5 s of the restart');
	const union = texts(clients[0].doc);
	for (const c of clients) c.destroy();

	// A client that held nothing loads all of it from the database.
	const fresh = connectClient(sync, doc, people[0].cookie);
	await fresh.synced;
	expect(texts(fresh.doc)).toEqual(union);
	expect(readBoard(fresh.doc).cardCount).toBe(union.length);
	fresh.destroy();
});
