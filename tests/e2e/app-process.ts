import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedPassword } from '#lib/server/db/embedded.js';

export interface AppProcess {
	baseUrl: string;
	port: number;
	child: ChildProcess;
	/** Resolves when the process has exited. */
	exited: Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Where the app's own embedded Postgres listens, with its superuser's password: the port from
 * the postmaster.pid of its data directory (line 4), the password from the file beside it.
 */
export async function appDatabaseUrl(dataDir: string): Promise<{ url: string; pid: number; port: number }> {
	const cluster = path.join(dataDir, 'postgres');
	const lines = (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n');
	const password = await embeddedPassword(cluster);
	return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(lines[3])}/postgres`, pid: Number(lines[0]), port: Number(lines[3]) };
}

export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
	const dir = await mkdtemp(path.join(tmpdir(), 'roundtable-app-'));
	await chmod(dir, 0o755); // as root, Postgres runs as `postgres` and must enter it
	return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The built app as `npm start` runs it, on `port` (0 = free) with its data in `dataDir`. */
export function startApp(options: { dataDir: string; port?: number; env?: Record<string, string> }): Promise<AppProcess> {
	const child = spawn(process.execPath, ['server/index.js'], {
		cwd: root,
		env: { ...process.env, PORT: String(options.port ?? 0), HOST: '127.0.0.1', DATA_DIR: options.dataDir, DATABASE_URL: '', ...options.env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`The app did not start:\n${output}`)), 60_000);
		const onData = (chunk: Buffer) => {
			output += chunk;
			const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				const port = Number(match[1]);
				resolve({ baseUrl: `http://127.0.0.1:${port}`, port, child, exited });
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', (chunk) => (output += chunk));
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The app exited (${code}) before listening:\n${output}`));
		});
	});
}

function form(baseUrl: string, pathname: string, fields: Record<string, string>, cookie?: string) {
	return fetch(new URL(pathname, baseUrl), {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
		body: new URLSearchParams(fields)
	});
}

function sessionCookieFrom(response: Response): string {
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('rt_'));
	if (!cookie) throw new Error(`no session cookie (status ${response.status})`);
	return cookie.split(';')[0];
}

/** Creates a workshop through the real form; returns its id, code, boards and the facilitator's cookie. */
export async function createWorkshopOver(baseUrl: string, title = 'Crash-test workshop', language: 'en' | 'hu' = 'en') {
	const created = await form(baseUrl, '/new', { template: 'strategy', title, language, facilitatorName: 'Fanni', startsOn: '', venue: '' });
	const workshopId = /\/w\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1];
	if (!workshopId) throw new Error(`workshop not created (status ${created.status})`);
	const cookie = sessionCookieFrom(created);
	const html = await (await fetch(new URL(`/w/${workshopId}`, baseUrl), { headers: { cookie } })).text();
	const boards = [...new Set([...html.matchAll(/\/w\/[0-9a-f-]{36}\/b\/([0-9a-f-]{36})/g)].map((m) => m[1]))];
	const code = /data-testid="join-code"[^>]*>([^<]+)</.exec(html)?.[1].replace(/\s/g, '') ?? '';
	return { workshopId, cookie, boards, code };
}

export async function joinOver(baseUrl: string, code: string, name: string, organisation: string): Promise<{ cookie: string; memberId: string }> {
	const response = await form(baseUrl, `/j/${code}`, { name, organisation });
	const cookie = sessionCookieFrom(response);
	const payload = JSON.parse(Buffer.from(cookie.split('=')[1].split('.')[1], 'base64url').toString());
	return { cookie, memberId: payload.sub };
}
