import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
	url: string;
	port: number;
	child: ChildProcess;
	/** SIGKILL (an outage); `start()` brings it back on the same port, empty. */
	kill: () => Promise<void>;
	start: () => Promise<void>;
	stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/**
 * Debian's redis-server on loopback, on a free port, nothing written to disk
 * (`--save '' --appendonly no`). Stopped (SIGKILL) by `stop()`.
 */
export async function startRedis(binary = process.env.REDIS_SERVER ?? 'redis-server'): Promise<TestRedis> {
	const port = await freePort();
	let child!: ChildProcess;
	const launch = () =>
		new Promise<void>((resolve, reject) => {
			child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
				stdio: ['ignore', 'pipe', 'pipe']
			});
			let output = '';
			const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
			const onData = (chunk: Buffer) => {
				output += chunk;
				if (output.includes('Ready to accept connections')) {
					clearTimeout(timer);
					resolve();
				}
			};
			child.stdout?.on('data', onData);
			child.stderr?.on('data', onData);
			child.once('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`redis-server exited (${code}):\n${output}`));
			});
		});
	const kill = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	};
	await launch();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		get child() {
			return child;
		},
		kill,
		start: launch,
		stop: kill
	};
}

/**
 * A TCP load balancer on loopback: each new connection goes to the first backend of
 * `backends()` that accepts it. When that backend dies, its connections end and the clients'
 * reconnections go to the next one: what a real balancer with health checks does.
 */
export async function startBalancer(backends: () => number[]): Promise<{ port: number; url: string; close: () => Promise<void> }> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer({ pauseOnConnect: true }, (client) => {
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => client.destroy());
		const candidates = [...backends()];
		const tryNext = () => {
			const port = candidates.shift();
			if (port === undefined) return client.destroy();
			const upstream = net.connect(port, '127.0.0.1');
			let connected = false;
			upstream.once('connect', () => {
				connected = true;
				sockets.add(upstream);
				upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
				client.on('close', () => upstream.destroy());
				client.pipe(upstream);
				upstream.pipe(client);
				client.resume();
			});
			upstream.on('error', () => {
				if (!connected) tryNext();
				else upstream.destroy();
			});
		};
		tryNext();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		port,
		url: `ws://127.0.0.1:${port}/sync`,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}
