// Response compression for what the app renders (HTML, __data.json, exports): brotli or gzip
// by the request's Accept-Encoding, streamed through Node's zlib. Static assets are already
// compressed at build time (adapter-node `precompress`) and served with their Content-Encoding,
// which this leaves alone. Websocket upgrades never reach a request handler, so never this.
import zlib from 'node:zlib';

/** Bodies smaller than this gain less than the framing and the CPU cost. */
export const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json|[\w.+-]+\+(json|xml))|image\/svg\+xml)/i;

/**
 * The encoding to answer with: brotli when accepted, else gzip, else none. `q=0` refuses.
 * @param {string | undefined} header
 * @returns {'br' | 'gzip' | null}
 */
export function chooseEncoding(header) {
	if (!header) return null;
	/** @type {Map<string, number>} */
	const accepted = new Map();
	for (const part of header.toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
		accepted.set(name.trim(), q ? Number(q[1]) : 1);
	}
	const wants = (/** @type {string} */ name) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
	if (wants('br')) return 'br';
	if (wants('gzip')) return 'gzip';
	return null;
}

/** @param {import('node:http').ServerResponse} response @param {string} value */
function addVary(response, value) {
	const vary = String(response.getHeader('vary') ?? '');
	if (
		vary === '*' ||
		vary
			.toLowerCase()
			.split(/\s*,\s*/)
			.includes(value.toLowerCase())
	)
		return;
	response.setHeader('vary', vary ? `${vary}, ${value}` : value);
}

/** @param {unknown} chunk @param {unknown} [encoding] */
function byteLength(chunk, encoding) {
	if (!chunk || typeof chunk === 'function') return 0;
	return typeof chunk === 'string'
		? Buffer.byteLength(chunk, /** @type {BufferEncoding} */ (encoding ?? 'utf8'))
		: /** @type {Uint8Array} */ (chunk).byteLength;
}

/**
 * Makes `response` compress its body if the request accepts it and the response is worth it.
 * The decision waits for the body: `writeHead` is held back until the first write, and the
 * first chunk until the end of that event-loop turn, so that a whole small body (written and
 * ended in one turn, as SvelteKit does) is measured before it is compressed or not. Chunks that
 * come later (a streamed response) are flushed at the end of each turn, so nothing waits in
 * the compressor for the rest of the body.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
export function compressResponse(request, response) {
	const encoding = request.method === 'HEAD' ? null : chooseEncoding(request.headers['accept-encoding']);
	// The response's own methods, called underneath the wrappers below.
	/** @type {Record<'writeHead' | 'write' | 'end' | 'on', Function>} */
	const original = { writeHead: response.writeHead, write: response.write, end: response.end, on: response.on };
	/** @type {unknown[] | null} writeHead's arguments, until the body decides */
	let heldHead = null;
	/** @type {[unknown, unknown][]} the first turn's chunks */
	let held = [];
	let decided = false;
	/** @type {zlib.BrotliCompress | zlib.Gzip | null} */
	let stream = null;
	let flushQueued = false;

	const compressible = () => {
		if (response.getHeader('content-encoding')) return false;
		if (/\bno-transform\b/i.test(String(response.getHeader('cache-control') ?? ''))) return false;
		const status = response.statusCode;
		return status >= 200 && status !== 204 && status !== 206 && status !== 304 && COMPRESSIBLE.test(String(response.getHeader('content-type') ?? ''));
	};

	/** @param {number} knownBytes the body's size if the whole of it is known, else -1 */
	function decide(knownBytes) {
		decided = true;
		if (heldHead) {
			const [status, ...rest] = heldHead;
			const headers = rest.find((r) => r && typeof r === 'object');
			const message = rest.find((r) => typeof r === 'string');
			if (headers && !Array.isArray(headers))
				for (const [k, v] of Object.entries(headers)) if (v !== undefined) response.setHeader(k, /** @type {string} */ (v));
			response.statusCode = /** @type {number} */ (status);
			if (message) response.statusMessage = message;
			if (headers && Array.isArray(headers)) return original.writeHead.apply(response, heldHead);
		}
		if (compressible()) {
			addVary(response, 'Accept-Encoding');
			const length = Number(response.getHeader('content-length') ?? knownBytes);
			const small = length >= 0 && length < MIN_BYTES && (response.hasHeader('content-length') || knownBytes >= 0);
			if (encoding && !small) {
				stream =
					encoding === 'br'
						? zlib.createBrotliCompress({
								params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, ...(length > 0 ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length } : {}) }
							})
						: zlib.createGzip({ level: 6 });
				response.setHeader('content-encoding', encoding);
				response.removeHeader('content-length');
				const etag = response.getHeader('etag');
				if (typeof etag === 'string' && !etag.startsWith('W/')) response.setHeader('etag', `W/${etag}`);
				const s = stream;
				s.on('data', (/** @type {Buffer} */ data) => {
					if (!original.write.call(response, data)) s.pause();
				});
				s.on('end', () => original.end.call(response));
				original.on.call(response, 'drain', () => s.resume());
				// A client that goes away mid-body: the compressor is of no further use.
				original.on.call(response, 'close', () => s.destroy());
			}
		}
		if (heldHead) original.writeHead.call(response, response.statusCode, response.statusMessage);
		heldHead = null;
	}

	function flushSoon() {
		if (flushQueued || !stream) return;
		flushQueued = true;
		setImmediate(() => {
			flushQueued = false;
			if (stream && !stream.writableEnded && !stream.destroyed)
				stream.flush(encoding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH);
		});
	}

	/** Writes the first turn's chunks once the decision is made. */
	function release() {
		const chunks = held;
		held = [];
		let ok = true;
		for (const [chunk, enc] of chunks) ok = stream ? stream.write(chunk, /** @type {BufferEncoding} */ (enc)) : original.write.call(response, chunk, enc);
		flushSoon();
		return ok;
	}

	/** @type {any} */ (response).writeHead = function (/** @type {unknown[]} */ ...args) {
		if (decided) return original.writeHead.apply(response, args);
		heldHead = args;
		return response;
	};

	/** @type {any} */ (response).write = function (/** @type {unknown} */ chunk, /** @type {unknown} */ enc, /** @type {unknown} */ callback) {
		const cb = typeof enc === 'function' ? enc : callback;
		const charset = typeof enc === 'string' ? enc : undefined;
		if (!decided) {
			if (!held.length)
				setImmediate(() => {
					if (!decided) {
						decide(-1);
						release();
					}
				});
			held.push([chunk, charset]);
			if (typeof cb === 'function') queueMicrotask(() => cb());
			return true;
		}
		if (!stream) return original.write.call(response, chunk, charset, cb);
		const ok = stream.write(/** @type {any} */ (chunk), /** @type {BufferEncoding} */ (charset ?? 'utf8'), /** @type {any} */ (cb));
		flushSoon();
		return ok;
	};

	/** @type {any} */ (response).end = function (/** @type {unknown} */ chunk, /** @type {unknown} */ enc, /** @type {unknown} */ callback) {
		const cb = [chunk, enc, callback].find((a) => typeof a === 'function');
		const body = typeof chunk === 'function' ? undefined : chunk;
		const charset = typeof enc === 'string' ? enc : undefined;
		if (body !== undefined && body !== null) held.push([body, charset]);
		if (!decided) decide(held.reduce((total, [c, e]) => total + byteLength(c, e), 0));
		const rest = held;
		held = [];
		if (!stream) {
			for (const [c, e] of rest.slice(0, -1)) original.write.call(response, c, e);
			const last = rest.at(-1);
			return last ? original.end.call(response, last[0], last[1], cb) : original.end.call(response, cb);
		}
		for (const [c, e] of rest) stream.write(/** @type {any} */ (c), /** @type {BufferEncoding} */ (e ?? 'utf8'));
		if (typeof cb === 'function') response.once('finish', /** @type {any} */ (cb));
		stream.end();
		return response;
	};

	// Whoever waits for 'drain' after a refused write waits for the compressor's.
	/** @type {any} */ (response).on = function (/** @type {string} */ event, /** @type {(...args: any[]) => void} */ listener) {
		if (event === 'drain' && stream) {
			stream.on('drain', listener);
			return response;
		}
		return original.on.call(response, event, listener);
	};
	response.addListener = response.on;
}
