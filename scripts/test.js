// `npm test`: every suite — unit, integration (real Postgres) and browser (real Chromium).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuild } from './build.js';
import { ensureChromium } from './chromium.js';
import { ensureRedisServer } from './redis-server.js';

const root = path.resolve(import.meta.dirname, '..');
try {
	process.env.CHROMIUM_PATH = ensureChromium();
	process.env.REDIS_SERVER = ensureRedisServer();
	ensureBuild();
} catch (error) {
	console.error(`[test] ${error instanceof Error ? error.message : error}`);
	process.exit(1);
}
// The long fault tests (SIGKILL loops, database outages) run with `npm run test:faults`.
const args = process.argv.slice(2);
const projects = args.some((a) => a === '--project' || a.startsWith('--project=')) ? [] : ['--project', 'unit', '--project', 'integration', '--project', 'e2e'];
const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...projects, ...args], {
	cwd: root,
	stdio: 'inherit',
	env: process.env
});
process.exit(result.status ?? 1);
