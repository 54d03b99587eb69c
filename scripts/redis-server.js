// Finds the redis-server that the several-instances test starts (tests/integration/sync-instances.test.ts).
// Never downloads one: on Debian as root it installs Debian's package; elsewhere it says how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server'];

export function findRedisServer() {
	const configured = process.env.REDIS_SERVER;
	if (configured) {
		if (!existsSync(configured)) throw new Error(`REDIS_SERVER is set to ${configured}, which does not exist.`);
		return configured;
	}
	return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function ensureRedisServer() {
	const found = findRedisServer();
	if (found) return found;
	if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
		console.log("[test] redis-server not found: installing Debian's redis-server package…");
		execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
		execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		const installed = findRedisServer();
		if (installed) return installed;
	}
	throw new Error(
		'The several-instances test needs redis-server and none was found. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`) ' +
			'or point REDIS_SERVER at a redis-server binary.'
	);
}
