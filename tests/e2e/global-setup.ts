import type { TestProject } from 'vitest/node';
import { ensureBuild } from '../../scripts/build.js';
import { ensureChromium } from '../../scripts/chromium.js';
import { startApp, tempDataDir } from './app-process';

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
	const data = await tempDataDir();
	// Every e2e file creates its workshops from 127.0.0.1 on this one app: room above the
	// default (20 a minute); http.test.ts reaches this limit from another address.
	const app = await startApp({ dataDir: data.dir, env: { WORKSHOP_CREATE_LIMIT: '60' } });
	project.provide('baseUrl', app.baseUrl);
	project.provide('chromiumPath', chromiumPath);
	return async () => {
		app.child.kill('SIGTERM');
		await app.exited;
		await data.remove();
	};
}
