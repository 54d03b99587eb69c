// Finds the Chromium that browser tests drive. Never downloads a browser: on Debian as
// root it installs Debian's package; elsewhere it says how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium() {
	const configured = process.env.CHROMIUM_PATH;
	if (configured) {
		if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is set to ${configured}, which does not exist.`);
		return configured;
	}
	return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function ensureChromium() {
	const found = findChromium();
	if (found) return found;
	if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
		console.log('[test] Chromium not found: installing Debian\'s chromium package…');
		execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
		execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		const installed = findChromium();
		if (installed) return installed;
	}
	throw new Error(
		'Browser tests need Chromium and none was found. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) ' +
			'or point CHROMIUM_PATH at a Chromium or Chrome binary. Browser tests are never skipped.'
	);
}
