// A crowd thread of runLoad (clients.mjs): its share of the clients, connected, editing at the
// rate, counted; probe threads also measure. Driven by messages from the main thread.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { now } from './protocol.mjs';
import { Samples, newCounters, ClientSet } from './load-clients.mjs';

{
	const counters = newCounters();
	// A probe thread: full clients that measure (each a device of its own, so that one probe's
	// work on a relay does not delay the next probe's reading of it as it would in one thread).
	const samples = workerData.probes ? new Samples() : null;
	const set = new ClientSet(workerData.specs, { full: Boolean(workerData.probes), rate: workerData.rate, counters, samples });
	const loop = monitorEventLoopDelay({ resolution: 5 });
	loop.enable();
	parentPort.on('message', async (msg) => {
		try {
			if (msg.type === 'connect') {
				await set.connect(msg.concurrency);
				parentPort.postMessage({ type: 'connected' });
			} else if (msg.type === 'cards') {
				set.createCards(msg.prepare);
				parentPort.postMessage({ type: 'cards' });
			} else if (msg.type === 'run') {
				if (samples) {
					samples.from = msg.windowFrom;
					samples.to = msg.windowTo;
				}
				set.run(msg.start, msg.stop, msg.windowFrom, msg.windowTo);
				setTimeout(() => ((counters.counting = true), loop.reset()), Math.max(0, msg.windowFrom - now()));
				setTimeout(
					() => ((counters.counting = false), (counters.loop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 })),
					Math.max(0, msg.windowTo - now())
				);
				parentPort.postMessage({ type: 'running' });
			} else if (msg.type === 'report') {
				parentPort.postMessage({
					type: 'report',
					deliveries: counters.deliveries,
					relays: counters.relays,
					presence: counters.presence,
					messages: counters.messages,
					bytes: counters.bytes,
					editsSent: set.editsSent,
					editsInWindow: set.editsInWindow,
					closes: counters.closes,
					loop: counters.loop,
					probes: Boolean(samples),
					samples: samples && { values: samples.values.slice(0, samples.length), sent: samples.sent.slice(0, samples.length), cross: samples.cross }
				});
			} else if (msg.type === 'close') {
				set.close();
				parentPort.postMessage({ type: 'closed' });
			}
		} catch (error) {
			parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
		}
	});
}
