import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

// y-websocket message types (y-websocket's own constants).
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

// y-protocols sync message subtypes.
export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

export function syncMessage(subtype: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, subtype);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

/** y-protocols auth "permission denied": the provider reports the reason. */
export function permissionDeniedMessage(reason: string): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_AUTH);
	encoding.writeVarUint(e, 0);
	encoding.writeVarString(e, reason);
	return encoding.toUint8Array(e);
}

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: string;
}

export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
	const d = decoding.createDecoder(update);
	const count = decoding.readVarUint(d);
	// Providers echo the whole room's presence back (a room's worth of entries is normal); an
	// entry takes at least three bytes, so the count cannot outgrow the message anyway.
	if (count > update.length) throw new Error('more awareness entries than bytes');
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		entries.push({ clientId: decoding.readVarUint(d), clock: decoding.readVarUint(d), state: decoding.readVarString(d) });
	}
	return entries;
}

export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(e, entry.clientId);
		encoding.writeVarUint(e, entry.clock);
		encoding.writeVarString(e, entry.state);
	}
	return encoding.toUint8Array(e);
}
