import type { ConnectionStatus } from './doc-connection.svelte';

/** Past this, an unsaved change is worth a word ("Saving…"); the server's echo normally takes milliseconds. */
export const SAVING_AFTER_MS = 1000;
/** Past this, while connected, the server is not committing: the interface says so. */
export const WAITING_AFTER_MS = 3000;

/** saved: nothing pending for long; saving: a change is on its way; waiting: the server has not saved it for a while. */
export type SaveStage = 'saved' | 'saving' | 'waiting';

/**
 * How late the oldest unsaved change is. The server cannot save what it has not received: a
 * change made while offline (or before this connection synced) is measured from the moment the
 * connection synced and sent it, not from when it was typed. Otherwise, back online after a
 * network loss, every offline edit would be "late" at once and the interface would blame the
 * server's database for the milliseconds its commit takes.
 *
 * `syncedSince` is null while not synced; the age then counts from the change itself (the
 * change is not saved, and the interface shows the connection rather than the stage).
 */
export function saveStage(now: number, unsavedSince: number | null, syncedSince: number | null): SaveStage {
	if (unsavedSince === null) return 'saved';
	const late = now - Math.max(unsavedSince, syncedSince ?? unsavedSince);
	return late >= WAITING_AFTER_MS ? 'waiting' : late >= SAVING_AFTER_MS ? 'saving' : 'saved';
}

/**
 * What the connection badge says. Online, it is about saving (live, "Saving…", "Not saved yet"
 * while the server cannot commit); connecting says so; offline, it says whether this member
 * has edits that are on this device only.
 */
export type BadgeKind = 'live' | 'saving' | 'waiting' | 'connecting' | 'offline' | 'offline_unsaved';

export function badgeKind(status: ConnectionStatus, stage: SaveStage, unsaved: boolean): BadgeKind {
	if (status === 'offline') return unsaved ? 'offline_unsaved' : 'offline';
	if (status === 'connecting') return 'connecting';
	return stage === 'waiting' ? 'waiting' : stage === 'saving' ? 'saving' : 'live';
}
