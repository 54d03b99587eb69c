import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import { devSyncServer } from './scripts/vite-dev-upgrade.js';

export default defineConfig({
	plugins: [
		tailwindcss(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['custom-choice', 'custom-workshop', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit({
			preprocess: vitePreprocess(),
			// precompress: every static asset also as .br and .gz, served as such to browsers that take them.
			adapter: adapter({ out: 'build', precompress: true }),
			csrf: { trustedOrigins: [] },
			// No inline script runs without SvelteKit's nonce; nothing frames the app; the live
			// boards' websocket is same-origin.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self', 'unsafe-inline'],
					'img-src': ['self', 'data:', 'blob:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					'frame-ancestors': ['none'],
					'base-uri': ['self'],
					'form-action': ['self'],
					'object-src': ['none']
				}
			}
		}),
		devSyncServer()
	],
	server: { port: 3000, strictPort: false },
	// Rolldown's note that plugins ran longer than the build is about this machine's load, not the
	// app: `npm start`'s first build would print it into the start-up log.
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	// pragmatic-drag-and-drop's entry points are folders with a package.json each, which Node's
	// ES module loader cannot import: bundle it into the server build instead.
	ssr: { noExternal: [/^@atlaskit\//] },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts', 'server/**/*.spec.js'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/integration/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			},
			{
				// Faults: crash loops, database outages, long network loss, the million-message
				// fuzzer. Each test starts what it needs (its own Postgres, its own app).
				extends: true,
				test: {
					name: 'faults',
					include: ['tests/faults/**/*.test.ts'],
					environment: 'node',
					testTimeout: 600_000,
					hookTimeout: 300_000,
					fileParallelism: false
				}
			}
		]
	}
});
