import type { ConnectionStatus } from './doc-connection.svelte';

/** Past this, an unsaved change is worth a word ("Saving…"); the server's echo normally takes milliseconds. */
export const SAVING_AFTER_MS = 1000;
/** Past this, while connected, the server is not committing: the interface says so. */
export const WAITING_AFTER_MS = 3000;

/** While a change is late, the server is asked for presence this often: it answers at once, database or not. */
export const PROBE_EVERY_MS = 1000;
/** Late changes and nothing from the server for this long: the connection, not the server, is the likely cause. */
export const UNANSWERED_AFTER_MS = 3000;

/**
 * saved: nothing pending for long; saving: a change is on its way; waiting: the server answers
 * but has not saved it for a while (its database); unanswered: the server has not saved it and
 * has not answered either (the network, most likely, before the socket knows it is gone).
 */
export type SaveStage = 'saved' | 'saving' | 'waiting' | 'unanswered';

/**
 * How late the oldest unsaved change is. The server cannot save what it has not received: a
 * change made while offline (or before this connection synced) is measured from the moment the
 * connection synced and sent it, not from when it was typed. Otherwise, back online after a
 * network loss, every offline edit would be "late" at once and the interface would blame the
 * server's database for the milliseconds its commit takes.
 *
 * `syncedSince` is null while not synced; the age then counts from the change itself (the
 * change is not saved, and the interface shows the connection rather than the stage).
 * `heardAt`: when the server last sent anything (see shouldProbe).
 */
export function saveStage(now: number, unsavedSince: number | null, syncedSince: number | null, heardAt: number | null): SaveStage {
	const late = lateBy(now, unsavedSince, syncedSince);
	if (late < SAVING_AFTER_MS) return 'saved';
	if (late < WAITING_AFTER_MS) return 'saving';
	return heardAt !== null && now - heardAt < UNANSWERED_AFTER_MS ? 'waiting' : 'unanswered';
}

/** How late the oldest unsaved change is (0 when there is none). */
function lateBy(now: number, unsavedSince: number | null, syncedSince: number | null): number {
	return unsavedSince === null ? 0 : now - Math.max(unsavedSince, syncedSince ?? unsavedSince);
}

/**
 * Whether to ask the server for something now (y-websocket's query-awareness, which the sync
 * server answers at once): only while connected with a change that is late, at most every
 * PROBE_EVERY_MS. Its answer tells "the server is there and not saving" from "nothing comes back".
 */
export function shouldProbe(now: number, unsavedSince: number | null, syncedSince: number | null, probedAt: number | null): boolean {
	if (syncedSince === null || lateBy(now, unsavedSince, syncedSince) < SAVING_AFTER_MS) return false;
	return probedAt === null || now - probedAt >= PROBE_EVERY_MS;
}

/**
 * What the connection badge says. Online, it is about saving (live, "Saving…", "Not saved yet"
 * while the server cannot commit or does not answer); connecting says so; offline, it says whether this member
 * has edits that are on this device only.
 */
export type BadgeKind = 'live' | 'saving' | 'waiting' | 'unanswered' | 'connecting' | 'offline' | 'offline_unsaved';

export function badgeKind(status: ConnectionStatus, stage: SaveStage, unsaved: boolean): BadgeKind {
	if (status === 'offline') return unsaved ? 'offline_unsaved' : 'offline';
	if (status === 'connecting') return 'connecting';
	return stage === 'saved' ? 'live' : stage;
}
