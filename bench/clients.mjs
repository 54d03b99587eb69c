// A load and its measured window, shared by bench/sync.mjs, bench/compare.mjs
// and bench/soak.mjs: full clients (a real provider with its own Y.Doc), lightweight protocol
// clients (read every message, apply nothing), the crowd threads, the latency samples, and the
// server's CPU and memory from /proc. Two servers are spoken to:
//
//   protocol 'roundtable'  — the y-websocket protocol of the app's sync server (`/sync/<doc>`,
//                            session cookie), full clients are y-websocket WebsocketProviders;
//   protocol 'hocuspocus'  — Hocuspocus's protocol (every message starts with the document
//                            name; an Auth message first), full clients are HocuspocusProvider
//                            on a HocuspocusProviderWebsocket.
//
// The edits, their timestamps and the way latency is taken are the same for both.
//
// The protocol and the edits are protocol.mjs, the clients load-clients.mjs, a crowd thread
// crowd-thread.mjs, the measured window run-load.mjs, /proc proc.mjs; here: setting up a load
// (boards, groups, members), and everything the benchmarks import, re-exported.
import * as Y from 'yjs';
import { createWorkshop, join } from './app.mjs';
import { sleep } from './protocol.mjs';
import { openProvider, inBatches } from './load-clients.mjs';

export * from './protocol.mjs';
export * from './load-clients.mjs';
export * from './proc.mjs';
export { runLoad } from './run-load.mjs';

// ── setting up a load: boards, groups and members ──────────────────────────────

/** Groups on a board with these titles (three by default), written by `spec`'s provider, so that cards can move. */
export async function addGroups(spec, titles = ['Cooperation', 'Services', 'Skills']) {
	const doc = new Y.Doc();
	const open = openProvider(spec, doc);
	await open.whenSynced;
	const groups = [];
	doc.transact(() => {
		for (const [i, title] of titles.entries()) {
			const id = crypto.randomUUID();
			const g = new Y.Map();
			g.set('title', title);
			g.set('order', i + 1);
			doc.getMap('groups').set(id, g);
			groups.push(id);
		}
	});
	// wait until the server has it (our own update comes back as part of nothing; a round trip does)
	await sleep(300);
	open.destroy();
	doc.destroy();
	return groups;
}

/**
 * Roundtable: workshops (template *workgroups*, 6 boards each) through `POST /new`, three
 * groups per board from its facilitator, members through `POST /j/<code>` (viewers as
 * observers), each with its own session cookie. Returns one spec per member.
 */
export async function roundtableSpecs(port, options, log = () => {}) {
	const base = `http://127.0.0.1:${port}`;
	const perBoard = options.editors + options.viewers;
	const workshops = [];
	for (let i = 0; workshops.length * 6 < options.boards; i++) workshops.push(await createWorkshop(base, i));
	const boards = [];
	for (const w of workshops) for (const id of w.boards) if (boards.length < options.boards) boards.push({ id, workshop: w });
	log(`${workshops.length} workshop(s), ${boards.length} board(s)`);

	await inBatches(boards, 16, async (board) => {
		board.groups = await addGroups({
			protocol: 'roundtable',
			cookie: board.workshop.cookie,
			baseUrl: `ws://127.0.0.1:${port}/sync`,
			docName: `board/${board.id}`
		});
	});

	const specs = [];
	const joins = [];
	for (const [b, board] of boards.entries()) {
		for (let i = 0; i < perBoard; i++) {
			const editor = i < options.editors;
			joins.push({ board, b, i, editor });
		}
	}
	let joined = 0;
	await inBatches(joins, 16, async ({ board, b, i, editor }) => {
		const name = editor ? `Editor ${b + 1}.${i + 1}` : `Viewer ${b + 1}.${i + 1 - options.editors}`;
		const organisation = `Cluster ${(i % 25) + 1}`;
		const member = await join(base, board.workshop.joinCode, name, organisation, !editor);
		specs.push({
			protocol: 'roundtable',
			name,
			organisation,
			editor,
			board: b,
			index: i,
			memberId: member.memberId,
			cookie: member.cookie,
			cardId: crypto.randomUUID(),
			groups: board.groups,
			baseUrl: `ws://127.0.0.1:${port}/sync`,
			docName: `board/${board.id}`,
			url: `ws://127.0.0.1:${port}/sync/board/${board.id}`,
			full: false,
			measure: false
		});
		if (++joined % 1000 === 0 && joined < joins.length) log(`${joined} members joined`);
	});
	specs.sort((a, b) => a.board - b.board || a.index - b.index);
	log(`${specs.length} members joined`);
	return specs;
}

/**
 * Hocuspocus: the same boards, groups and people, without accounts (the peer server has no
 * authentication configured): one document per board, the same names, organisations and
 * card shape (`author` is a random id standing for a member).
 */
export async function hocuspocusSpecs(port, options, log = () => {}) {
	const perBoard = options.editors + options.viewers;
	const baseUrl = `ws://127.0.0.1:${port}`;
	const boards = Array.from({ length: options.boards }, () => ({ id: crypto.randomUUID() }));
	await inBatches(boards, 16, async (board) => {
		board.groups = await addGroups({ protocol: 'hocuspocus', baseUrl, docName: `board/${board.id}` });
	});
	log(`${boards.length} document(s) with their groups`);
	const specs = [];
	for (const [b, board] of boards.entries()) {
		for (let i = 0; i < perBoard; i++) {
			const editor = i < options.editors;
			specs.push({
				protocol: 'hocuspocus',
				name: editor ? `Editor ${b + 1}.${i + 1}` : `Viewer ${b + 1}.${i + 1 - options.editors}`,
				organisation: `Cluster ${(i % 25) + 1}`,
				editor,
				board: b,
				index: i,
				memberId: crypto.randomUUID(),
				cookie: null,
				cardId: crypto.randomUUID(),
				groups: board.groups,
				baseUrl,
				docName: `board/${board.id}`,
				url: baseUrl,
				full: false,
				measure: false
			});
		}
	}
	return specs;
}
