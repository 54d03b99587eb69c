// The redis-server that the several-instances test starts (tests/integration/sync-instances.test.ts):
// REDIS_SERVER, or the usual places, or Debian's package.
import { ensureTool, findTool } from './system-tool.js';

const REDIS_SERVER = {
	name: 'redis-server',
	env: 'REDIS_SERVER',
	candidates: ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server'],
	aptPackage: 'redis-server',
	neededBy: 'The several-instances tests'
};

export const findRedisServer = () => findTool(REDIS_SERVER);
export const ensureRedisServer = () => ensureTool(REDIS_SERVER);
