import type { DocumentStore } from './persistence';
import type { Relay } from './relay';
import type { CurrentRights } from './hooks';
import type { SyncServer } from './sync-server';

/** What a cluster (cluster.ts) is built from: the sync server it attaches to, the relay, and its timings. */
export interface ClusterOptions {
	sync: SyncServer;
	relay: Relay;
	/** The sync server's store: the cluster re-reads live rooms from it when messages may have been lost. */
	store: DocumentStore;
	/** How long a load waits for the relay's subscription before going ahead (it re-reads the store once subscribed). */
	subscribeWaitMs?: number;
	/** How often this instance tells the others it is alive (and who is connected to it). */
	heartbeatMs?: number;
	/** How long this instance's presence changes are gathered before they are published. */
	presenceBatchMs?: number;
	/** The rights of live connections as the database has them now, re-read after Redis was away. */
	currentRights?: CurrentRights;
	log?: (message: string, error?: unknown) => void;
}
