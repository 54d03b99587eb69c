// Plain HTTP against the built server, no browser: what a script (or an attacker) can send.
import http from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { parse as devalueParse } from 'devalue';

const base = inject('baseUrl');

type Fields = Record<string, string>;

interface PostOptions {
	cookie?: string;
	origin?: string | null;
	/** Ask for the action's JSON result (what `use:enhance` does) instead of a page or a 303. */
	json?: boolean;
}

/** A form POST as a browser without JavaScript sends it (or, with `json`, as `use:enhance` does). */
function post(path: string, fields: Fields | string, options: PostOptions = {}) {
	const headers: Record<string, string> = {
		'content-type': 'application/x-www-form-urlencoded',
		accept: options.json ? 'application/json' : 'text/html'
	};
	if (options.origin !== null) headers.origin = options.origin ?? base;
	if (options.cookie) headers.cookie = options.cookie;
	if (options.json) headers['x-sveltekit-action'] = 'true';
	const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
	return fetch(base + path, { method: 'POST', headers, body, redirect: 'manual' });
}

function get(path: string, cookie?: string) {
	return fetch(base + path, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
}

/** The data of an action's JSON result (`{ type, status, data }`, data serialised by devalue). */
async function actionResult(response: Response): Promise<{ type: string; status: number; data?: any; location?: string }> {
	expect(response.headers.get('content-type')).toContain('application/json');
	const result = await response.json();
	return { ...result, data: typeof result.data === 'string' ? devalueParse(result.data) : result.data };
}

const cookieName = (workshopId: string) => `rt_${workshopId.replaceAll('-', '')}`;

/** The `name=value` of the session cookie a response sets for `workshopId`, or null. */
function sessionCookie(response: Response, workshopId: string): string | null {
	const prefix = `${cookieName(workshopId)}=`;
	const line = response.headers.getSetCookie().find((c) => c.startsWith(prefix));
	return line ? line.split(';')[0] : null;
}

async function createWorkshop(fields: Partial<Fields> = {}) {
	const response = await post('/new', {
		template: 'blank',
		title: 'HTTP workshop',
		language: 'en',
		facilitatorName: 'Facilitator Fanni',
		...fields
	});
	expect(response.status).toBe(303);
	const id = /^\/w\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1];
	expect(id).toBeDefined();
	const cookie = sessionCookie(response, id!);
	expect(cookie).not.toBeNull();
	const page = await facilitatorPage(id!, cookie!);
	const code = /data-testid="join-code"[^>]*>([^<]+)</.exec(page)![1].replace(/\s/g, '');
	expect(code).toMatch(/^[A-Z0-9]{6}$/);
	return { id: id!, cookie: cookie!, code };
}

async function facilitatorPage(id: string, cookie: string): Promise<string> {
	const response = await get(`/w/${id}`, cookie);
	expect(response.status).toBe(200);
	return response.text();
}

const count = (html: string, needle: string) => html.split(needle).length - 1;
const boardCount = async (id: string, cookie: string) => count(await facilitatorPage(id, cookie), 'data-testid="board"');
const memberCount = async (id: string, cookie: string) => count(await facilitatorPage(id, cookie), 'data-testid="member"');

async function join(code: string, name: string, organisation: string) {
	const response = await post(`/j/${code}`, { name, organisation });
	return response;
}

/** A form POST sent from another loopback address (same site, as the browser would send it). */
function postFrom(
	localAddress: string,
	path: string,
	fields: Fields,
	headers: Record<string, string> = {}
): Promise<{ status: number; location: string | null; retryAfter: string | null; body: string }> {
	const url = new URL(path, base);
	const body = new URLSearchParams(fields).toString();
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				method: 'POST',
				host: url.hostname,
				port: url.port,
				path: url.pathname + url.search,
				localAddress,
				agent: false,
				headers: {
					accept: 'text/html',
					origin: base,
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body),
					...headers
				}
			},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						location: response.headers.location ?? null,
						retryAfter: (response.headers['retry-after'] as string) ?? null,
						body: text
					})
				);
			}
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** A GET sent from another loopback address: the server sees a different client. */
function getFrom(localAddress: string, path: string): Promise<{ status: number; body: string }> {
	const url = new URL(path, base);
	return new Promise((resolve, reject) => {
		const request = http.get(
			{ host: url.hostname, port: url.port, path: url.pathname + url.search, localAddress, headers: { accept: 'text/html' }, agent: false },
			(response) => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => (body += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
			}
		);
		request.on('error', reject);
	});
}

describe('sessions cannot be forged', () => {
	test('forged, tampered or foreign session cookies are sent to the join page and change nothing', async () => {
		const { id, cookie, code } = await createWorkshop({ title: 'Forgery target' });
		const other = await createWorkshop({ title: 'Another workshop' });
		const name = cookieName(id);
		const facilitatorToken = cookie.split('=')[1];
		const facilitatorClaims = decodeJwt(facilitatorToken);
		expect(facilitatorClaims).toMatchObject({ wid: id, role: 'facilitator' });

		const joined = await join(code, 'Paul Participant', 'Org A');
		expect(joined.status).toBe(303);
		const participantToken = sessionCookie(joined, id)!.split('=')[1];
		const [header, payload, signature] = participantToken.split('.');
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
		expect(claims.role).toBe('participant');

		const otherKey = new TextEncoder().encode('not-the-server-key-but-32-characters-long!');
		const forgedTokens: Record<string, string> = {
			garbage: 'garbage',
			empty: '',
			'signed with another key': await new SignJWT({ wid: id, role: 'facilitator' })
				.setProtectedHeader({ alg: 'HS256' })
				.setSubject(facilitatorClaims.sub!)
				.setIssuer('roundtable')
				.setAudience('roundtable-session')
				.setIssuedAt()
				.setExpirationTime('1d')
				.sign(otherKey),
			'unsigned (alg none)': new UnsecuredJWT({ wid: id, role: 'facilitator' })
				.setSubject(facilitatorClaims.sub!)
				.setIssuer('roundtable')
				.setAudience('roundtable-session')
				.setIssuedAt()
				.setExpirationTime('1d')
				.encode(),
			// The participant's real token with its payload promoted to facilitator.
			'tampered payload': [
				header,
				Buffer.from(JSON.stringify({ ...claims, role: 'facilitator', sub: facilitatorClaims.sub })).toString('base64url'),
				signature
			].join('.'),
			// A genuine facilitator session, but for another workshop.
			'another workshop’s session': other.cookie.split('=')[1],
			'over-long': facilitatorToken + 'x'.repeat(3000)
		};

		const boardsBefore = await boardCount(id, cookie);
		const titleBefore = /<h1[^>]*>([^<]*)</.exec(await facilitatorPage(id, cookie))![1];
		expect(titleBefore).toBe('Forgery target');
		for (const [label, token] of Object.entries(forgedTokens)) {
			const forged = `${name}=${token}`;
			const page = await get(`/w/${id}`, forged);
			expect(page.status, label).toBe(303);
			expect(page.headers.get('location'), label).toBe(`/join?from=${id}`);

			const add = await post(`/w/${id}?/addBoard`, { title: `Forged board (${label})`, kind: 'free' }, { cookie: forged });
			expect(add.status, label).toBe(303);
			expect(add.headers.get('location'), label).toBe(`/join?from=${id}`);
			const addJson = await actionResult(await post(`/w/${id}?/addBoard`, { title: 'Forged board', kind: 'free' }, { cookie: forged, json: true }));
			expect(addJson, label).toMatchObject({ type: 'redirect', location: `/join?from=${id}` });

			const settings = await post(`/w/${id}?/settings`, { title: 'Hijacked', language: 'en' }, { cookie: forged });
			expect(settings.status, label).toBe(303);
			// Nothing set a new session either.
			expect(sessionCookie(settings, id), label).toBeNull();
		}
		expect(await boardCount(id, cookie)).toBe(boardsBefore);
		expect(/<h1[^>]*>([^<]*)</.exec(await facilitatorPage(id, cookie))![1]).toBe('Forgery target');

		// The genuine participant is refused by row-level security; the genuine facilitator is not.
		const participantAdd = await actionResult(
			await post(`/w/${id}?/addBoard`, { title: 'Participant board' }, { cookie: `${name}=${participantToken}`, json: true })
		);
		expect(participantAdd).toMatchObject({ type: 'failure', data: { errors: { form: 'not_allowed' } } });
		// (400 today: the RLS refusal arrives as an error that the action maps to 400, while a
		// write RLS silently filters out is answered 403. Either way it is refused.)
		expect([400, 403]).toContain(participantAdd.status);
		expect(await boardCount(id, cookie)).toBe(boardsBefore);
		const realAdd = await actionResult(await post(`/w/${id}?/addBoard`, { title: 'Real board' }, { cookie, json: true }));
		expect(realAdd).toMatchObject({ type: 'success', data: { saved: true } });
		expect(await boardCount(id, cookie)).toBe(boardsBefore + 1);
	});
});

describe('cross-site requests', () => {
	test('a cross-site form POST to /new, /j/<code> or a workshop action is refused and creates nothing', async () => {
		const { id, cookie, code } = await createWorkshop({ title: 'CSRF target' });
		const evil = 'http://evil.example';

		const create = await post('/new', { template: 'blank', title: 'Evil workshop', language: 'en', facilitatorName: 'Eve' }, { origin: evil });
		expect(create.status).toBe(403);
		expect(create.headers.get('location')).toBeNull();
		expect(create.headers.getSetCookie()).toEqual([]);
		// Without any origin header it is just as cross-site.
		const noOrigin = await post('/new', { template: 'blank', title: 'Evil workshop', language: 'en', facilitatorName: 'Eve' }, { origin: null });
		expect(noOrigin.status).toBe(403);
		expect(noOrigin.headers.getSetCookie()).toEqual([]);

		const joinEvil = await post(`/j/${code}`, { name: 'Eve', organisation: 'Evil Corp' }, { origin: evil });
		expect(joinEvil.status).toBe(403);
		expect(joinEvil.headers.getSetCookie()).toEqual([]);
		expect(await memberCount(id, cookie)).toBe(1);
		expect(await facilitatorPage(id, cookie)).not.toContain('Evil Corp');

		// The classic CSRF: the facilitator's own cookie rides along on a form from another site.
		const boardsBefore = await boardCount(id, cookie);
		const addEvil = await post(`/w/${id}?/addBoard`, { title: 'Evil board' }, { origin: evil, cookie });
		expect(addEvil.status).toBe(403);
		const closeEvil = await post(`/w/${id}?/joining`, { open: 'false' }, { origin: evil, cookie });
		expect(closeEvil.status).toBe(403);
		expect(await boardCount(id, cookie)).toBe(boardsBefore);
		expect(await facilitatorPage(id, cookie)).toContain('Joining is open');

		// The same requests from the app's own origin do work (so the refusals above are not accidents).
		expect((await join(code, 'Olga Own-site', 'Good Org')).status).toBe(303);
		expect(await memberCount(id, cookie)).toBe(2);
	});
});

describe('a full room', () => {
	test('300 people join one workshop from one address within 60 s, each with their own session', { timeout: 120_000 }, async () => {
		const { id, cookie, code } = await createWorkshop({ title: 'Full room' });
		const people = 300;
		const organisations = 12;
		const started = performance.now();
		const results: { status: number; location: string | null; session: string | null }[] = new Array(people);
		let next = 0;
		// 30 at a time: a room scanning the QR code after the facilitator says "go".
		await Promise.all(
			Array.from({ length: 30 }, async () => {
				while (next < people) {
					const i = next++;
					const response = await join(code, `Guest ${String(i + 1).padStart(3, '0')}`, `Cluster ${(i % organisations) + 1}`);
					results[i] = { status: response.status, location: response.headers.get('location'), session: sessionCookie(response, id) };
					await response.body?.cancel();
				}
			})
		);
		const elapsed = performance.now() - started;
		console.log(`[http.test] ${people} joins into one workshop from one address took ${(elapsed / 1000).toFixed(2)} s`);
		expect(elapsed).toBeLessThan(60_000);

		expect(results.map((r) => r.status)).toEqual(new Array(people).fill(303));
		expect(new Set(results.map((r) => r.location))).toEqual(new Set([`/w/${id}`]));
		const sessions = results.map((r) => r.session);
		expect(sessions.every((s) => s !== null)).toBe(true);
		expect(new Set(sessions).size).toBe(people);
		const memberIds = new Set(sessions.map((s) => decodeJwt(s!.split('=')[1]).sub));
		expect(memberIds.size).toBe(people);

		// Each session works, as that member.
		const me = await (await get(`/w/${id}`, sessions[137]!)).text();
		expect(me).toMatch(/data-testid="me"[^>]*>\s*You are Guest 138, participant · Cluster 6/);

		const page = await facilitatorPage(id, cookie);
		expect(count(page, 'data-testid="member"')).toBe(people + 1);
		expect(page).toContain(`${people + 1} members from ${organisations} organisations`);
	});
});

describe('oversized and malformed input', () => {
	test('a 2 MB form POST is refused with 413 and the server keeps answering', async () => {
		const big = new URLSearchParams({ template: 'blank', title: 'x'.repeat(2 * 1024 * 1024), language: 'en', facilitatorName: 'Big' }).toString();
		const sized = await post('/new', big);
		expect(sized.status).toBe(413);
		expect(sized.headers.getSetCookie()).toEqual([]);
		// Streamed without a content-length, the limit applies while reading.
		const chunks = new TextEncoder().encode(big);
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < chunks.length; i += 64 * 1024) controller.enqueue(chunks.subarray(i, i + 64 * 1024));
				controller.close();
			}
		});
		const streamed = await fetch(`${base}/new`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'text/html' },
			body: stream,
			redirect: 'manual',
			// @ts-expect-error: Node's fetch needs this for a streamed body; the DOM types lack it.
			duplex: 'half'
		});
		expect(streamed.status).toBe(413);
		expect(streamed.headers.getSetCookie()).toEqual([]);

		const home = await fetch(`${base}/`);
		expect(home.status).toBe(200);
		expect(await home.text()).toContain('Roundtable');
	});

	const valid = { template: 'strategy', title: 'Valid title', language: 'en', facilitatorName: 'Fanni', startsOn: '2026-05-14', venue: 'Budapest' };
	const cases: { name: string; fields: Fields; errors: Record<string, string> }[] = [
		{
			name: 'no fields at all',
			fields: {},
			errors: { title: 'invalid_title', language: 'invalid_language', template: 'invalid_template', facilitatorName: 'invalid_name' }
		},
		{ name: 'a missing title', fields: { ...valid, title: '' }, errors: { title: 'invalid_title' } },
		{ name: 'a blank title', fields: { ...valid, title: ' \t\n ' }, errors: { title: 'invalid_title' } },
		{ name: 'a title over 120 characters', fields: { ...valid, title: 'x'.repeat(121) }, errors: { title: 'invalid_title' } },
		{ name: 'a missing facilitator name', fields: { ...valid, facilitatorName: '' }, errors: { facilitatorName: 'invalid_name' } },
		{ name: 'language=fr', fields: { ...valid, language: 'fr' }, errors: { language: 'invalid_language' } },
		{ name: 'template=evil', fields: { ...valid, template: 'evil' }, errors: { template: 'invalid_template' } },
		{ name: 'startsOn=2021-02-30', fields: { ...valid, startsOn: '2021-02-30' }, errors: { startsOn: 'invalid_date' } },
		{ name: 'startsOn=tomorrow', fields: { ...valid, startsOn: 'tomorrow' }, errors: { startsOn: 'invalid_date' } },
		{ name: 'startsOn=2026-5-4', fields: { ...valid, startsOn: '2026-5-4' }, errors: { startsOn: 'invalid_date' } },
		{ name: 'a venue over 120 characters', fields: { ...valid, venue: 'v'.repeat(121) }, errors: { venue: 'invalid_venue' } },
		{
			name: 'several wrong fields together',
			fields: { ...valid, language: 'fr', template: 'evil', startsOn: '2021-02-30' },
			errors: { language: 'invalid_language', template: 'invalid_template', startsOn: 'invalid_date' }
		}
	];
	test.each(cases)('/new with $name fails with the right error codes and creates nothing', async ({ fields, errors }) => {
		const response = await post('/new', fields, { json: true });
		// SvelteKit 3 answers an enhanced action's failure with fail()'s status (SvelteKit 2: 200,
		// the status only in the body); what the page learns — type, status, errors — is the same.
		expect(response.status).toBe(400);
		expect(response.headers.getSetCookie()).toEqual([]);
		const result = await actionResult(response);
		expect(result.type).toBe('failure');
		expect(result.status).toBe(400);
		expect(result.data.errors).toEqual(errors);
		// Without JavaScript the same failure is a 400 page, and no redirect to a new workshop.
		const page = await post('/new', fields);
		expect(page.status).toBe(400);
		expect(page.headers.get('location')).toBeNull();
		expect(page.headers.getSetCookie()).toEqual([]);
	});

	test('the valid baseline of those cases does create a workshop', async () => {
		const result = await actionResult(await post('/new', valid, { json: true }));
		expect(result).toMatchObject({ type: 'redirect', status: 303, location: expect.stringMatching(/^\/w\/[0-9a-f-]{36}$/) });
	});
});

// Keep this LAST in the file. The wrong-code limiter lives in the server process, is shared
// by every e2e file (one server for the whole run) and is keyed by client address. So that
// this test never locks out the tests that run after it (browsers and fetch all come from
// 127.0.0.1), its wrong guesses come from other loopback addresses (127.0.0.2, .3, .4):
// Linux routes all of 127/8 to lo, so the server sees them as distinct clients.
describe('creating workshops', () => {
	test('is limited per address (WORKSHOP_CREATE_LIMIT), with a clear message; other addresses are unaffected', { timeout: 120_000 }, async () => {
		const address = '127.0.0.8';
		const fields = { template: 'blank', title: 'Spam', language: 'en', facilitatorName: 'Spammer' };
		let created = 0;
		for (; created < 1000; created++) {
			const { status } = await postFrom(address, '/new', fields);
			if (status === 429) break;
			expect(status).toBe(303);
		}
		console.log(`[http.test] the workshop creation limit is ${created} a window`);
		expect(created).toBe(60); // as global-setup.ts sets it
		// The refusal says why, in the language asked for, and creates nothing.
		const refused = await postFrom(address, '/new', fields, { 'accept-language': 'hu' });
		expect(refused.status).toBe(429);
		expect(refused.body).toContain('túl sok műhelyt hoztak létre erről a hálózatról');
		expect(refused.retryAfter).toMatch(/^\d+$/);
		expect((await postFrom(address, '/new', fields, { 'accept-language': 'en' })).body).toContain(
			'Too many workshops were created from this network in the last minute.'
		);
		// Someone else (127.0.0.1 is everyone else in this run) still creates.
		await createWorkshop({ title: 'Not spam' });
	});
});

describe('snapshot share links', () => {
	test("only facilitators receive share tokens in the snapshot pages' data; participants and observers get none", async () => {
		const { id, cookie, code } = await createWorkshop({ template: 'strategy', title: 'Share tokens' });
		const boardId = /\/w\/[0-9a-f-]{36}\/b\/([0-9a-f-]{36})/.exec(await facilitatorPage(id, cookie))![1];
		const snapshotsPath = `/w/${id}/b/${boardId}/snapshots`;
		const taken = await actionResult(await post(`${snapshotsPath}?/take`, { title: 'Shared one' }, { cookie, json: true }));
		const snapshotId = taken.data.result as string;
		expect(snapshotId).toMatch(/^[0-9a-f-]{36}$/);
		const shared = await actionResult(await post(`${snapshotsPath}?/share`, { snapshot: snapshotId }, { cookie, json: true }));
		const token = shared.data.result as string;
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const participant = sessionCookie(await join(code, 'Pál Participant', 'NOHAC'), id)!;
		const observer = sessionCookie(await post(`/j/${code}`, { name: 'Olga Observer', organisation: 'Ministry', observer: 'on' }), id)!;
		const data = async (path: string, who: string) => {
			const response = await fetch(`${base}${path}/__data.json`, { headers: { cookie: who } });
			expect(response.status).toBe(200);
			return response.text();
		};
		for (const path of [snapshotsPath, `${snapshotsPath}/${snapshotId}`]) {
			// the same data otherwise: the snapshot is listed for everyone
			for (const who of [participant, observer]) {
				const body = await data(path, who);
				expect(body).toContain('Shared one');
				expect(body, path).not.toContain(token);
			}
			expect(await data(path, cookie), path).toContain(token);
		}
	});
});

describe('guessing join codes', () => {
	test('wrong codes are rate-limited per address; correct codes never count as failures and always get in', { timeout: 120_000 }, async () => {
		const { id, cookie, code } = await createWorkshop({ title: 'Rate limit' });
		// Half well-formed codes nobody holds (looked up, not found: a few fixed ones, so that a
		// random workshop's code is never hit by chance), half malformed ones.
		const wellFormed = (i: number) => ['ZZZZZZ', 'QQQQQQ', 'XXXXXX'][i % 3];
		const malformed = (i: number) => `n0-${i}`;
		const guess = async (address: string) => {
			// Guesses from `address` until the first 429; returns how many were answered before it.
			for (let i = 0; i < 1000; i++) {
				const { status, body } = await getFrom(address, `/j/${i % 2 ? malformed(i) : wellFormed(i)}`);
				if (status === 429) return i;
				expect(status).toBe(200);
				expect(body).toContain('There is no workshop with this code.');
			}
			throw new Error(`no 429 from ${address} after 1000 wrong codes`);
		};

		// A clean address: the limit as the server applies it.
		const limit = await guess('127.0.0.2');
		console.log(`[http.test] the wrong-code limit is ${limit} failures per window`);
		expect(limit).toBeGreaterThanOrEqual(10);
		expect(limit).toBeLessThanOrEqual(200);

		// Once limited, that address gets 429 for wrong codes (well-formed or not) only: the right
		// code still opens the join page and joins (a venue full of people mistyping is one address).
		expect((await getFrom('127.0.0.2', '/j/ZZZZZZ')).status).toBe(429);
		expect((await getFrom('127.0.0.2', '/j/n0-x')).status).toBe(429);
		const open = await getFrom('127.0.0.2', `/j/${code}`);
		expect(open.status).toBe(200);
		expect(open.body).toContain('Join the workshop');
		const joinedMembers = await memberCount(id, cookie);
		const joined = await postFrom('127.0.0.2', `/j/${code}`, { name: 'Late Lajos', organisation: 'Venue Wi-Fi' });
		expect(joined.status).toBe(303);
		expect(joined.location).toBe(`/w/${id}`);
		expect(await memberCount(id, cookie)).toBe(joinedMembers + 1);
		// ...and the home page's code form still sends a correct code on, a malformed one not.
		expect((await postFrom('127.0.0.2', '/?/join', { code })).location).toBe(`/j/${code}`);
		expect((await postFrom('127.0.0.2', '/?/join', { code: '!!' })).status).toBe(429);
		expect((await getFrom('127.0.0.2', '/j/QQQQQQ')).status).toBe(429);
		const before = await memberCount(id, cookie);
		// ...while other addresses are unaffected (127.0.0.1 is everyone else in this run).
		const fine = await get(`/j/${code}`);
		expect(fine.status).toBe(200);
		expect(await fine.text()).toContain('Join the workshop');

		// Another address opens the correct code more times than the limit first: none of
		// those count, so it then gets exactly as many wrong guesses as a clean address.
		for (let i = 0; i < limit + 10; i++) {
			const { status, body } = await getFrom('127.0.0.3', `/j/${code}`);
			expect(status).toBe(200);
			expect(body).toContain('Join the workshop');
		}
		expect(await guess('127.0.0.3')).toBe(limit);
		expect(await memberCount(id, cookie)).toBe(before);

		// Wrong facilitator keys count towards the same limit.
		let keyGuesses = 0;
		for (; keyGuesses < 1000; keyGuesses++) {
			const { status } = await getFrom('127.0.0.4', `/f/not-a-key-${keyGuesses}`);
			if (status === 429) break;
			expect(status).toBe(404);
		}
		expect(keyGuesses).toBe(limit);
	});
});

describe('compression', () => {
	/** A raw GET (no automatic decoding): status, headers and the body decoded by its Content-Encoding. */
	function rawGet(path: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: string; wire: number }> {
		return new Promise((resolve, reject) => {
			http
				.get(new URL(path, base), { headers }, (response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () => {
						const wire = Buffer.concat(chunks);
						const encoding = response.headers['content-encoding'];
						const body = encoding === 'br' ? zlib.brotliDecompressSync(wire) : encoding === 'gzip' ? zlib.gunzipSync(wire) : wire;
						resolve({ headers: response.headers, body: body.toString(), wire: wire.length });
					});
				})
				.on('error', reject);
		});
	}

	test('pages and their data leave brotli or gzip by Accept-Encoding; static assets are served precompressed', async () => {
		const { id, cookie } = await createWorkshop({ template: 'strategy' });
		const plain = await rawGet(`/w/${id}`, { cookie });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.headers.vary).toContain('Accept-Encoding');
		const br = await rawGet(`/w/${id}`, { cookie, 'accept-encoding': 'gzip, deflate, br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.headers.vary).toContain('Accept-Encoding');
		expect(br.body).toContain('data-testid="join-code"');
		expect(br.wire).toBeLessThan(plain.wire / 2);
		const gzip = await rawGet(`/w/${id}`, { cookie, 'accept-encoding': 'gzip' });
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gzip.body).toContain('data-testid="join-code"');

		const data = await rawGet(`/w/${id}/__data.json`, { cookie, 'accept-encoding': 'br' });
		expect(data.headers['content-encoding']).toBe('br');
		expect(JSON.parse(data.body).type).toBe('data');

		const script =
			/<link[^>]+href="\.?(\/_app\/immutable\/[^"]+\.js)"/.exec(plain.body)?.[1] ?? /(\/_app\/immutable\/entry\/start\.[\w-]+\.js)/.exec(plain.body)![1];
		const asset = await rawGet(script, { 'accept-encoding': 'br' });
		expect(asset.headers['content-encoding']).toBe('br');
		expect(Number(asset.headers['content-length'])).toBe(asset.wire);
		expect(asset.body).toBe((await rawGet(script, {})).body);
		expect((await rawGet(script, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
	});
});
