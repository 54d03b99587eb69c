// Finds a program the tests need (Chromium, redis-server). Never downloads one: on Debian as
// root it installs Debian's package; elsewhere it says how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * @typedef {object} Tool
 * @property {string} name      how messages call it
 * @property {string} env       the variable that may point at it
 * @property {string[]} candidates where to look otherwise
 * @property {string} aptPackage Debian's package
 * @property {string} neededBy  what needs it, for the error
 */

/** @param {Tool} tool @returns {string | null} */
export function findTool(tool) {
	const configured = process.env[tool.env];
	if (configured) {
		if (!existsSync(configured)) throw new Error(`${tool.env} is set to ${configured}, which does not exist.`);
		return configured;
	}
	return tool.candidates.find((p) => existsSync(p)) ?? null;
}

/** @param {Tool} tool @returns {string} */
export function ensureTool(tool) {
	const found = findTool(tool);
	if (found) return found;
	if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
		console.log(`[test] ${tool.name} not found: installing Debian's ${tool.aptPackage} package…`);
		execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
		execFileSync('apt-get', ['install', '-y', '-qq', tool.aptPackage], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		const installed = findTool(tool);
		if (installed) return installed;
	}
	throw new Error(
		`${tool.neededBy} need ${tool.name} and none was found. Install it (Debian/Ubuntu: \`sudo apt-get install ${tool.aptPackage}\`) ` +
			`or point ${tool.env} at a ${tool.name} binary.`
	);
}
