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
	const app = await startApp({ dataDir: data.dir });
	project.provide('baseUrl', app.baseUrl);
	project.provide('chromiumPath', chromiumPath);
	return async () => {
		app.child.kill('SIGTERM');
		await app.exited;
		await data.remove();
	};
}
