// In `npm run dev`, websocket upgrades reach the same runtime as in production: the
// app's init hook registers it on globalThis when the first request loads the hooks.
const RUNTIME_KEY = Symbol.for('roundtable.runtime');

/** @returns {import('vite').Plugin} */
export function devSyncServer() {
	return {
		name: 'roundtable-dev-upgrade',
		apply: 'serve',
		configureServer(server) {
			server.httpServer?.on('upgrade', async (request, socket, head) => {
				if (!request.url?.startsWith('/sync/')) return; // Vite's own HMR socket
				try {
					await server.ssrLoadModule('/src/lib/server/runtime.ts').then((mod) => mod.getRuntime());
					/** @type {any} */ (globalThis)[RUNTIME_KEY].upgrade(request, socket, head);
				} catch (error) {
					console.error(error);
					socket.destroy();
				}
			});
		}
	};
}
