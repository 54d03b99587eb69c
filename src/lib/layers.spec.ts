import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/** Every .ts / .svelte / .js file under `dir`, recursively. */
function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const path = join(dir, e.name);
		if (e.isDirectory()) return sources(path);
		return /\.(ts|js|svelte)$/.test(e.name) ? [path] : [];
	});
}

const importsComponents = /(from\s+|import\s*\(\s*)['"](\$lib\/components\b|(\.\.\/)+components\/)/;

describe('layer boundaries', () => {
	// The exports and the server render results without a DOM: they format with $lib/format,
	// never through a component module (which may pull in Svelte, d3 or the browser).
	test.each(['src/lib/exports', 'src/lib/server'])('nothing under %s imports from $lib/components', (dir) => {
		const offenders = sources(dir).filter((file) => importsComponents.test(readFileSync(file, 'utf8')));
		expect(offenders).toEqual([]);
	});

	test('the check sees an import from a component module', () => {
		expect(importsComponents.test("import { intlLocale } from '$lib/components/charts/chart-text';")).toBe(true);
		expect(importsComponents.test("import { intlLocale } from '$lib/format';")).toBe(false);
	});
});
