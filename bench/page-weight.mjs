// What a page costs to load in real Chromium: every request, its bytes on the wire (body only,
// as the server sent it: brotli, gzip or plain) and its Content-Encoding, from the DevTools
// protocol's network events. `npm run bench:weight` prints it for a participant opening a board
// of the built app; bench/ui.mjs reuses `recordNetwork` and `summarise`.
//
//   node bench/page-weight.mjs [--no-build] [--json]
import { chromium } from 'playwright-core';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkshop, join, startServer, stopServer } from './app.mjs';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export function launchChromium() {
	return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Records the page's requests through a CDP session (the cache is disabled, so every load is a
 * first visit). `entries()` returns one row per finished request.
 */
export async function recordNetwork(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	const rows = new Map();
	cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
		const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
		rows.set(requestId, {
			url: response.url,
			type,
			status: response.status,
			encoding: headers['content-encoding'] ?? '',
			vary: headers['vary'] ?? '',
			// bytes received up to and including the headers
			headerBytes: response.encodedDataLength,
			bytes: 0,
			done: false
		});
	});
	cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
		const row = rows.get(requestId);
		if (!row) return;
		row.bytes = Math.max(0, encodedDataLength - row.headerBytes);
		row.done = true;
	});
	return {
		entries: () => [...rows.values()].filter((r) => r.done && !r.url.startsWith('data:')),
		clear: () => rows.clear(),
		detach: () => cdp.detach().catch(() => {})
	};
}

const kb = (bytes) => Math.round(bytes / 102.4) / 10;

/** Totals of a page load: requests, JavaScript on the wire, and how HTML and data were sent. */
export function summarise(entries) {
	const js = entries.filter((e) => e.type === 'Script' || /\.m?js(\?|$)/.test(e.url));
	const documents = entries.filter((e) => e.type === 'Document' || e.url.includes('__data.json'));
	return {
		requests: entries.length,
		js_requests: js.length,
		js_kb_compressed: kb(js.reduce((a, e) => a + e.bytes, 0)),
		css_kb_compressed: kb(entries.filter((e) => e.type === 'Stylesheet').reduce((a, e) => a + e.bytes, 0)),
		total_kb: kb(entries.reduce((a, e) => a + e.bytes, 0)),
		documents: documents.map((d) => ({ url: new URL(d.url).pathname, kb: kb(d.bytes), encoding: d.encoding || 'none' })),
		largest_js: js
			.sort((a, b) => b.bytes - a.bytes)
			.slice(0, 12)
			.map((e) => ({ file: new URL(e.url).pathname.split('/').pop(), kb: kb(e.bytes), encoding: e.encoding || 'none' }))
	};
}

/** A workshop with a participant (its session cookie) and the URL of its first board. */
export async function participantOnBoard(base, name = 'Bench Participant') {
	const workshop = await createWorkshop(base, 0);
	const member = await join(base, workshop.joinCode, name, 'Bench Organisation');
	return { workshop, member, boardUrl: `${base}/w/${workshop.id}/b/${workshop.boards[0]}` };
}

/** A browser context carrying the member's session cookie. */
export async function contextAs(browser, base, cookie, viewport = { width: 1366, height: 768 }) {
	const context = await browser.newContext({ viewport, locale: 'en-GB' });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
	return context;
}

/** Opens `url` and waits until the board is live; a little longer for late lazy chunks. */
export async function openBoard(page, url) {
	await page.goto(url);
	await page.waitForFunction(() => document.querySelector('[data-testid=connection]')?.getAttribute('data-status') === 'online', null, { timeout: 30_000 });
	await page.waitForLoadState('networkidle');
}

async function main() {
	const args = process.argv.slice(2);
	if (!args.includes('--no-build')) (await import('../scripts/build.js')).ensureBuild();
	const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-weight-'));
	chmodSync(dataDir, 0o755);
	const server = await startServer({}, dataDir);
	const base = `http://127.0.0.1:${server.port}`;
	const browser = await launchChromium();
	try {
		const { member, boardUrl } = await participantOnBoard(base);
		const context = await contextAs(browser, base, member.cookie);
		const page = await context.newPage();
		const network = await recordNetwork(page);
		await openBoard(page, boardUrl);
		const summary = summarise(network.entries());
		if (!args.includes('--json')) {
			for (const e of network.entries())
				console.log(`${String(e.bytes).padStart(8)} B  ${(e.encoding || '-').padEnd(4)} ${e.type.padEnd(10)} ${new URL(e.url).pathname}`);
		}
		console.log(JSON.stringify(summary));
	} finally {
		await browser.close();
		await stopServer(server, dataDir);
		rmSync(dataDir, { recursive: true, force: true });
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
