import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureBuild } from '../../scripts/build.js';
import { ensureChromium } from '../../scripts/chromium.js';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		chromiumPath: string;
	}
}

/** Starts the built app, as `npm start` would, on a free port with a throw-away database. */
export default async function setup(project: TestProject) {
	const chromiumPath = ensureChromium();
	ensureBuild();
	const dataDir = await mkdtemp(path.join(tmpdir(), 'roundtable-e2e-'));
	// As root, Postgres runs as the `postgres` user, which must be able to enter the folder.
	await chmod(dataDir, 0o755);
	const server = spawn(process.execPath, ['server/index.js'], {
		cwd: path.resolve(import.meta.dirname, '../..'),
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const baseUrl = await listeningUrl(server);
	project.provide('baseUrl', baseUrl);
	project.provide('chromiumPath', chromiumPath);
	return async () => {
		const exited = new Promise((resolve) => server.once('exit', resolve));
		server.kill('SIGTERM');
		await exited;
		await rm(dataDir, { recursive: true, force: true });
	};
}

function listeningUrl(server: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`The app did not start:\n${output}`)), 60_000);
		const onData = (chunk: Buffer) => {
			output += chunk;
			const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(`http://127.0.0.1:${match[1]}`);
			}
		};
		server.stdout?.on('data', onData);
		server.stderr?.on('data', (chunk) => (output += chunk));
		server.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The app exited (${code}) before listening:\n${output}`));
		});
	});
}
