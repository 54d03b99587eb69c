import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { SaveTracker, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE } from './save-tracker';

const REMOTE = Symbol('server');

/** A device's document with its tracker, and what it sent since the last call. */
function device() {
	const doc = new Y.Doc();
	const sent: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && sent.push(u));
	let changes = 0;
	const tracker = new SaveTracker(doc, { isLocal: (origin) => origin !== REMOTE, changed: () => changes++ });
	return { doc, tracker, take: () => sent.splice(0), changes: () => changes };
}

describe('SaveTracker', () => {
	test('a change is unsaved until the server relays it back (alone or merged with others)', () => {
		const me = device();
		const other = device();
		me.doc.getText('t').insert(0, 'hello');
		expect(me.tracker.unsavedSince).not.toBeNull();
		const mine = me.take();
		// Someone else's update confirms nothing of mine.
		other.doc.getText('t').insert(0, 'x');
		me.tracker.observe(SYNC_UPDATE, Y.mergeUpdates(other.take()));
		expect(me.tracker.unsavedSince).not.toBeNull();
		me.doc.getText('t').insert(5, '!');
		const later = me.take();
		// The server committed the first edit only.
		me.tracker.observe(SYNC_UPDATE, Y.mergeUpdates(mine));
		expect(me.tracker.unsavedSince).not.toBeNull();
		me.tracker.observe(SYNC_UPDATE, Y.mergeUpdates([...later, ...other.take()]));
		expect(me.tracker.unsavedSince).toBeNull();
		expect(me.changes()).toBeGreaterThanOrEqual(2);
	});

	test('a deletion is saved only when the server sends the deletion back', () => {
		const me = device();
		me.doc.getText('t').insert(0, 'hello world');
		me.tracker.observe(SYNC_UPDATE, Y.mergeUpdates(me.take()));
		expect(me.tracker.unsavedSince).toBeNull();
		me.doc.getText('t').delete(5, 6);
		const deletion = me.take();
		expect(me.tracker.unsavedSince).not.toBeNull();
		// A greeting with the same state vector says nothing about deletions.
		me.tracker.observe(SYNC_STEP_1, Y.encodeStateVector(me.doc));
		expect(me.tracker.unsavedSince).not.toBeNull();
		me.tracker.observe(SYNC_UPDATE, Y.mergeUpdates(deletion));
		expect(me.tracker.unsavedSince).toBeNull();
	});

	test('after a reconnect, the server greeting and sync reply confirm what it already had', () => {
		const me = device();
		const server = new Y.Doc();
		me.doc.getText('t').insert(0, 'typed offline');
		me.doc.getText('t').delete(0, 6);
		// The server got it before the connection dropped; the echo was lost.
		for (const u of me.take()) Y.applyUpdate(server, u);
		expect(me.tracker.unsavedSince).not.toBeNull();
		me.tracker.observe(SYNC_STEP_1, Y.encodeStateVector(server));
		expect(me.tracker.unsavedSince).not.toBeNull(); // the deletion is still unconfirmed
		me.tracker.observe(SYNC_STEP_2, Y.encodeStateAsUpdate(server, Y.encodeStateVector(me.doc)));
		expect(me.tracker.unsavedSince).toBeNull();
	});

	test('what the server applies from elsewhere is not this device’s to save', () => {
		const me = device();
		const other = device();
		other.doc.getText('t').insert(0, 'theirs');
		Y.applyUpdate(me.doc, Y.mergeUpdates(other.take()), REMOTE);
		expect(me.tracker.unsavedSince).toBeNull();
	});
});
