// The project pins Node 24 LTS (the `node` dev dependency): npm puts node_modules/.bin first on
// PATH for its scripts, so `npm test` runs here on that Node whatever the system has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('the runtime', () => {
	it('is the Node that package.json pins, and satisfies its engines', () => {
		const [major, minor] = process.versions.node.split('.').map(Number);
		expect(process.versions.node).toBe(pkg.devDependencies.node);
		const [, wantMajor, wantMinor] = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node) ?? [];
		expect(major > Number(wantMajor) || (major === Number(wantMajor) && minor >= Number(wantMinor))).toBe(true);
	});
});
