// The y-websocket and Hocuspocus protocols as the benchmark's clients speak them, and the
// edits they make: a card of board-model.ts written as Y operations, stamped with its send time.
// Shared by the clients (load-clients.mjs), the crowd threads and bench/ui.mjs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The version HocuspocusProvider announces in its Auth message (the package does not export its package.json).
export const HOCUSPOCUS_PROVIDER_VERSION = JSON.parse(
	readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@hocuspocus/provider')), '..', 'package.json'), 'utf8')
).version;

// ── protocol bits shared by the main thread and the crowd threads ──────────────

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const HOCUSPOCUS_PING = 9;
export const HOCUSPOCUS_PONG = 10;

/** Hocuspocus addresses every message: the document name first (a var string). */
export function addressOf(docName) {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, docName);
	return encoding.toUint8Array(e);
}

export function startMessage(prefix) {
	const e = encoding.createEncoder();
	if (prefix) encoding.writeUint8Array(e, prefix);
	return e;
}

export function syncMessage(subtype, payload, prefix = null) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, subtype);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

export function awarenessMessage(clientId, clock, state, prefix = null) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/** What HocuspocusProvider sends first for a document: its token (and its version). */
export function hocuspocusAuthMessage(prefix, token) {
	const e = startMessage(prefix);
	encoding.writeVarUint(e, MESSAGE_AUTH);
	encoding.writeVarUint(e, 0); // AuthMessageType.Token
	encoding.writeVarString(e, token);
	encoding.writeVarString(e, HOCUSPOCUS_PROVIDER_VERSION);
	return encoding.toUint8Array(e);
}

/**
 * Reads a whole message as a client must (address, type, subtype, payload) and returns how
 * many clients' edits a relayed update carries: the first varuint of a v1 update is the number
 * of per-client sections, and every edit of this benchmark comes from one client.
 */
export function readMessage(bytes, addressed = false) {
	if (addressed && bytes.length === 1 && bytes[0] === HOCUSPOCUS_PING) return { kind: 'ping', edits: 0 };
	const d = decoding.createDecoder(bytes);
	if (addressed) decoding.readVarString(d);
	const type = decoding.readVarUint(d);
	if (type === MESSAGE_SYNC) {
		const subtype = decoding.readVarUint(d);
		const payload = decoding.readVarUint8Array(d);
		if (subtype === 2) return { kind: 'update', edits: payload.length ? decoding.readVarUint(decoding.createDecoder(payload)) : 0, payload };
		return { kind: subtype === 0 ? 'step1' : 'step2', edits: 0, payload };
	}
	if (type === MESSAGE_AWARENESS) {
		decoding.readVarUint8Array(d);
		return { kind: 'awareness', edits: 0 };
	}
	// Hocuspocus: Auth (2), SyncStatus (8, the acknowledgement of each update), Close (7), …
	return { kind: 'other', edits: 0 };
}

/** The card of board-model.ts (addCard), as Y operations. */
export function createCard(doc, { cardId, memberId, name, organisation }, text = `${name}: t=${now().toFixed(3)}`) {
	doc.transact(() => {
		const card = new Y.Map();
		const ytext = new Y.Text();
		ytext.insert(0, text);
		card.set('text', ytext);
		card.set('author', memberId);
		card.set('authorName', name);
		card.set('organisation', organisation);
		card.set('colour', 'yellow');
		card.set('group', '');
		card.set('order', 1);
		card.set('createdAt', Date.now());
		doc.getMap('cards').set(cardId, card);
	});
}

/** board-model.ts replaceText: the smallest single splice (ASCII here, so no surrogate care). */
export function replaceText(text, next) {
	const current = text.toString();
	if (current === next) return;
	let start = 0;
	while (start < current.length && start < next.length && current[start] === next[start]) start++;
	let endCurrent = current.length;
	let endNext = next.length;
	while (endCurrent > start && endNext > start && current[endCurrent - 1] === next[endNext - 1]) {
		endCurrent--;
		endNext--;
	}
	if (endCurrent > start) text.delete(start, endCurrent - start);
	if (endNext > start) text.insert(start, next.slice(start, endNext));
}

/** Whether edit n also moves the card: every `moveEvery`-th edit (4 unless the spec says). */
export const moves = (spec, n) => spec.groups.length > 0 && n % (spec.moveEvery ?? 4) === (spec.moveEvery ?? 4) - 1;

/**
 * One edit: the card's text carries the send time; every fourth edit (`spec.moveEvery`) also
 * moves the card to another group (board-model moveCard: group + order), as people do while
 * clustering.
 */
export function edit(doc, spec, n) {
	const card = doc.getMap('cards').get(spec.cardId);
	if (!card) return;
	doc.transact(() => {
		replaceText(card.get('text'), `${spec.name}: t=${now().toFixed(3)}`);
		if (moves(spec, n)) {
			card.set('group', spec.groups[n % spec.groups.length]);
			card.set('order', n);
		}
	});
}

export const TIME = /t=(\d+\.\d+)/;
/** A send time as it appears in a card: 13 digits of epoch ms, a point, 3 decimals. */
export const STAMP_WIDTH = 17;
export const PLACEHOLDER = 'Z'.repeat(STAMP_WIDTH);

/**
 * A lightweight editor's edit, encoded ahead of time from its own tiny Y.Doc: the whole
 * "t=…" of its card's text is replaced (delete + insert, same as replaceText when every digit
 * changes), and the send time is written into the encoded bytes just before sending.
 */
export function preparedEdit(doc, spec, n) {
	const card = doc.getMap('cards').get(spec.cardId);
	const text = card.get('text');
	const at = text.length - STAMP_WIDTH;
	doc.transact(() => {
		text.delete(at, STAMP_WIDTH);
		text.insert(at, PLACEHOLDER);
		if (moves(spec, n)) {
			card.set('group', spec.groups[n % spec.groups.length]);
			card.set('order', n);
		}
	});
}
export const PLACEHOLDER_BYTES = new TextEncoder().encode(PLACEHOLDER);
