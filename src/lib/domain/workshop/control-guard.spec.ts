import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkControlUpdate, MAX_CONTROL_UPDATE_BYTES } from './control-guard';
import { bringEveryoneTo, roundsOf, setPhase, setPrivateBrainstorm, startTimer, writeRoster } from './control-model';

/** The server's control document, with what the server itself writes there. */
function serverDoc(): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = 1;
	roundsOf(doc).set('r1', JSON.stringify({ id: 'r1' }));
	writeRoster(doc, [{ id: 'm1', name: 'Ada', role: 'participant', organisation: null, workgroup: null }]);
	setPhase(doc, 'b1', 'brainstorm');
	return doc;
}

/** What a facilitator's client, synced with the server, sends while `fn` runs. */
function send(server: Y.Doc, fn: (doc: Y.Doc) => void) {
	const client = new Y.Doc();
	client.clientID = 2;
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	const updates: Uint8Array[] = [];
	client.on('update', (u: Uint8Array) => updates.push(u));
	fn(client);
	const before = Y.encodeStateAsUpdate(server);
	const result = checkControlUpdate(server, Y.mergeUpdates(updates));
	expect(Buffer.compare(Y.encodeStateAsUpdate(server), before)).toBe(0);
	return result;
}

describe('the control guard', () => {
	it("lets a facilitator's client write what control-model.ts writes", () => {
		const server = serverDoc();
		expect(send(server, (d) => setPhase(d, 'b1', 'vote'))).toEqual({ ok: true });
		expect(send(server, (d) => setPrivateBrainstorm(d, 'b2', true))).toEqual({ ok: true });
		expect(send(server, (d) => bringEveryoneTo(d, 'b1'))).toEqual({ ok: true });
		expect(send(server, (d) => startTimer(d, { boardId: 'b1', seconds: 60, serverNow: 0, lock: true }))).toEqual({ ok: true });
		expect(send(server, (d) => d.getMap('boards').delete('b1'))).toEqual({ ok: true });
	});

	it("refuses the server's roots, other roots, types and nesting", () => {
		const server = serverDoc();
		expect(send(server, (d) => roundsOf(d).set('r2', '{}'))).toEqual({ ok: false, reason: 'unknown_root' });
		expect(send(server, (d) => d.getMap('roster').set('m2', '{}'))).toEqual({ ok: false, reason: 'unknown_root' });
		expect(send(server, (d) => d.getMap('elsewhere').set('k', 1))).toEqual({ ok: false, reason: 'unknown_root' });
		expect(send(server, (d) => d.getMap('session').set('k', new Y.Map()))).toEqual({ ok: false, reason: 'forbidden_content' });
		expect(send(server, (d) => d.getMap('session').set('k', { deep: true }))).toEqual({ ok: false, reason: 'forbidden_content' });
		expect(send(server, (d) => d.getMap('boards').set('b3', 'flat' as never))).toEqual({ ok: false, reason: 'forbidden_content' });
		expect(send(server, (d) => (d.getMap('boards').get('b1') as Y.Map<unknown>).set('nested', new Y.Map()))).toEqual({
			ok: false,
			reason: 'forbidden_content'
		});
		expect(
			send(server, (d) => {
				const entry = new Y.Map<unknown>();
				d.getMap('boards').set('b4', entry);
				entry.set('nested', new Y.Map());
			})
		).toEqual({ ok: false, reason: 'forbidden_content' });
	});

	it('refuses deleting what the server wrote, and an update past the size limit', () => {
		const server = serverDoc();
		expect(send(server, (d) => roundsOf(d).delete('r1'))).toEqual({ ok: false, reason: 'forbidden_content' });
		expect(send(server, (d) => d.getMap('roster').delete('m1'))).toEqual({ ok: false, reason: 'forbidden_content' });
		expect(send(server, (d) => d.getMap('session').set('note', 'x'.repeat(MAX_CONTROL_UPDATE_BYTES)))).toEqual({ ok: false, reason: 'too_large' });
		expect(checkControlUpdate(server, new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false });
	});
});
