import { afterEach, describe, expect, test } from 'vitest';
import http from 'node:http';
import zlib from 'node:zlib';
import { chooseEncoding, compressResponse } from './compression.js';

/** @type {http.Server[]} */
const servers = [];
afterEach(() =>
	Promise.all(
		servers.splice(0).map((s) => {
			s.closeAllConnections();
			return new Promise((r) => s.close(r));
		})
	)
);

/** A real server on port 0 whose handler answers after compressResponse, as server/index.js does. */
async function serve(/** @type {http.RequestListener} */ handler) {
	const server = http.createServer((req, res) => {
		compressResponse(req, res);
		handler(req, res);
	});
	servers.push(server);
	await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
	return `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
}

/**
 * GET with the given Accept-Encoding; the body decoded by what the response says, and the
 * moments (ms after the request) at which decoded text arrived.
 * @param {string} url @param {{ encoding?: string, method?: string, raw?: boolean }} [options]
 */
function get(url, options = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const req = http.request(url, { method: options.method ?? 'GET', headers: options.encoding ? { 'accept-encoding': options.encoding } : {} }, (res) => {
			const enc = options.raw ? undefined : res.headers['content-encoding'];
			const decoded = enc === 'br' ? res.pipe(zlib.createBrotliDecompress()) : enc === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
			/** @type {{ at: number, text: string }[]} */
			const arrivals = [];
			decoded.on('data', (d) => arrivals.push({ at: Date.now() - started, text: d.toString() }));
			decoded.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: arrivals.map((a) => a.text).join(''), arrivals }));
			decoded.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}

const page = '<!doctype html><p>' + 'Trust between members grows. '.repeat(200) + '</p>';

describe('chooseEncoding', () => {
	test('prefers brotli, falls back to gzip, honours q=0', () => {
		expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(chooseEncoding('gzip, deflate')).toBe('gzip');
		expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
		expect(chooseEncoding('identity')).toBe(null);
		expect(chooseEncoding('*')).toBe('br');
		expect(chooseEncoding(undefined)).toBe(null);
	});
});

describe('compressResponse', () => {
	test('an HTML page as SvelteKit writes it (writeHead, write, end) goes out as brotli or gzip, with Vary', async () => {
		const url = await serve((_req, res) => {
			res.setHeader('content-type', 'text/html');
			res.writeHead(200);
			res.write(Buffer.from(page));
			queueMicrotask(() => res.end());
		});
		const br = /** @type {any} */ (await get(url, { encoding: 'gzip, deflate, br' }));
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.headers['vary']).toBe('Accept-Encoding');
		expect(br.body).toBe(page);
		const gzip = /** @type {any} */ (await get(url, { encoding: 'gzip' }));
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gzip.body).toBe(page);
		const plain = /** @type {any} */ (await get(url));
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.headers['vary']).toBe('Accept-Encoding');
		expect(plain.body).toBe(page);
	});

	test('leaves tiny bodies, HEAD, bodies already encoded and images as they are', async () => {
		const url = await serve((req, res) => {
			if (req.url === '/tiny') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('{"ok":true}');
				res.end();
			} else if (req.url === '/encoded') {
				res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'br', 'content-length': '5' });
				res.end('brbrb');
			} else if (req.url === '/image') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(Buffer.alloc(4096));
			} else {
				res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(page)) });
				res.end(req.method === 'HEAD' ? undefined : page);
			}
		});
		const tiny = /** @type {any} */ (await get(`${url}/tiny`, { encoding: 'br' }));
		expect(tiny.headers['content-encoding']).toBeUndefined();
		expect(tiny.body).toBe('{"ok":true}');
		const encoded = /** @type {any} */ (await get(`${url}/encoded`, { encoding: 'br', raw: true }));
		expect([encoded.headers['content-encoding'], encoded.headers['content-length'], encoded.body]).toEqual(['br', '5', 'brbrb']);
		const image = /** @type {any} */ (await get(`${url}/image`, { encoding: 'br' }));
		expect(image.headers['content-encoding']).toBeUndefined();
		expect(image.body.length).toBe(4096);
		const head = /** @type {any} */ (await get(`${url}/page`, { encoding: 'br', method: 'HEAD' }));
		expect(head.headers['content-encoding']).toBeUndefined();
		expect(head.headers['content-length']).toBe(String(Buffer.byteLength(page)));
		const full = /** @type {any} */ (await get(`${url}/page`, { encoding: 'br' }));
		expect(full.headers['content-encoding']).toBe('br');
		expect(full.headers['content-length']).toBeUndefined();
		expect(full.body).toBe(page);
	});

	test('a streamed response reaches the client chunk by chunk, not at the end', async () => {
		const url = await serve(async (_req, res) => {
			res.writeHead(200, { 'content-type': 'text/html' });
			res.write(page);
			await new Promise((r) => setTimeout(r, 300));
			res.end('<p>later</p>');
		});
		const streamed = /** @type {any} */ (await get(url, { encoding: 'br' }));
		expect(streamed.headers['content-encoding']).toBe('br');
		expect(streamed.body).toBe(page + '<p>later</p>');
		// The first part was decoded well before the second was even written.
		const first = streamed.arrivals.find((/** @type {{ text: string }} */ a) => a.text.includes('Trust'));
		expect(first.at).toBeLessThan(250);
	});

	test('a large body written with backpressure (pipe) arrives whole', async () => {
		const big = Buffer.from('x'.repeat(64) + Array.from({ length: 200_000 }, (_, i) => i.toString(36)).join(','));
		const url = await serve(async (_req, res) => {
			res.writeHead(200, { 'content-type': 'text/csv' });
			const { Readable } = await import('node:stream');
			Readable.from([big.subarray(0, 500_000), big.subarray(500_000)]).pipe(res);
		});
		const response = /** @type {any} */ (await get(url, { encoding: 'gzip' }));
		expect(response.headers['content-encoding']).toBe('gzip');
		expect(response.body).toBe(big.toString());
	});
});
