// `npm start`: build when the build is missing or stale, then serve.
import { ensureBuild } from './build.js';

try {
	ensureBuild();
} catch (error) {
	console.error(String(error));
	process.exit(1);
}
await import('../server/index.js');
