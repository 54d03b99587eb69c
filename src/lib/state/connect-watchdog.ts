import type { WebsocketProvider } from 'y-websocket';

/** A connection attempt that has not opened by then is given up, and the provider tries again. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** WebSocket.CONNECTING, also where no global WebSocket exists (Node's `ws` uses the same value). */
const CONNECTING = 0;

/**
 * y-websocket waits for a connection attempt as long as the socket does: an attempt made while
 * the network was silently gone (venue Wi-Fi still associated, its uplink dead) can hang in
 * "connecting" long after the network is back, and the provider never tries again. This closes
 * an attempt that has not opened within `timeoutMs`; the provider then reconnects with its
 * usual backoff. Returns a function that stops watching.
 */
export function watchConnectAttempts(provider: WebsocketProvider, timeoutMs = CONNECT_TIMEOUT_MS): () => void {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
		if (timer) clearTimeout(timer);
		timer = null;
		if (status !== 'connecting') return;
		const attempt = provider.ws;
		timer = setTimeout(() => {
			timer = null;
			if (attempt && provider.ws === attempt && attempt.readyState === CONNECTING) attempt.close();
		}, timeoutMs);
	};
	provider.on('status', onStatus);
	// The provider may have started its first attempt before anyone could listen.
	if (provider.wsconnecting) onStatus({ status: 'connecting' });
	return () => {
		provider.off('status', onStatus);
		if (timer) clearTimeout(timer);
		timer = null;
	};
}
