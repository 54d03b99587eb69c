// The Chromium that browser tests drive (CHROMIUM_PATH, or the usual places, or Debian's package).
import { ensureTool, findTool } from './system-tool.js';

const CHROMIUM = {
	name: 'Chromium',
	env: 'CHROMIUM_PATH',
	candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
	aptPackage: 'chromium',
	neededBy: 'Browser tests (never skipped)'
};

export const findChromium = () => findTool(CHROMIUM);
export const ensureChromium = () => ensureTool(CHROMIUM);
