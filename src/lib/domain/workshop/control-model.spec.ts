import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import * as control from './control-model';
import type { MemberView } from './members';

const BOARD = '0b6f3c8e-0000-4000-8000-000000000001';
const OTHER = '0b6f3c8e-0000-4000-8000-000000000002';

const member = (id: string, name: string, organisation: string | null, role: MemberView['role'] = 'participant'): MemberView => ({
	id,
	name,
	organisation,
	role,
	workgroup: null
});

describe('the roster: members as the server publishes them', () => {
	test('written in joining order, read back the same, and rewritten only where it changed', () => {
		const doc = new Y.Doc();
		const members = [member('f', 'Fanni Facilitátor', null, 'facilitator'), member('a', 'Anna Ősz', 'Innoskart'), member('b', 'Béla Űr', 'NOHAC')];
		expect(control.writeRoster(doc, members)).toBe(true);
		expect(control.readRoster(doc)).toEqual(members);
		expect(control.writeRoster(doc, members)).toBe(false);
		let updates = 0;
		doc.on('update', () => updates++);
		const changed = [members[0], { ...members[1], role: 'observer' as const }, members[2], member('c', 'Cecília', 'IQ Kecskemét')];
		expect(control.writeRoster(doc, changed)).toBe(true);
		expect(updates).toBe(1);
		expect(control.readRoster(doc)).toEqual(changed);
		expect(control.sameRoster(control.readRoster(doc), [...changed].reverse())).toBe(true);
		expect(control.sameRoster(control.readRoster(doc), members)).toBe(false);
		control.writeRoster(doc, [members[0]]);
		expect(control.readRoster(doc).map((m) => m.id)).toEqual(['f']);
	});

	test("values that are not the server's are skipped", () => {
		const doc = new Y.Doc();
		doc.getMap('roster').set('x', 'not json');
		doc.getMap('roster').set('y', JSON.stringify({ name: 'Y', role: 'king' }));
		expect(control.readRoster(doc)).toEqual([]);
	});
});

describe('private cards waiting', () => {
	test('counted per board across drafts, with how many members wrote them', () => {
		const doc = new Y.Doc();
		control.setDraftCount(doc, BOARD, 'a', 3);
		control.setDraftCount(doc, BOARD, 'b', 0);
		control.setDraftCount(doc, BOARD, 'c', 2);
		control.setDraftCount(doc, OTHER, 'a', 7);
		expect(control.privateCardCount(doc, BOARD)).toBe(5);
		expect(control.privateWriters(doc, BOARD)).toBe(2);
		expect(control.readDraftCount(doc, OTHER, 'a')).toBe(7);
		expect(control.readDraftCount(doc, OTHER, 'z')).toBeNull();
	});
});

describe('the presenter screen follows the facilitator', () => {
	test('join by default; bringing everyone to a board shows it; the report on request; a removed board falls back to join', () => {
		const doc = new Y.Doc();
		expect(control.screenTarget(control.readSession(doc), [BOARD])).toEqual({ mode: 'join' });
		control.bringEveryoneTo(doc, BOARD);
		expect(control.screenTarget(control.readSession(doc), [BOARD])).toEqual({ mode: 'board', boardId: BOARD });
		control.bringEveryoneTo(doc, control.WORKGROUPS_FOCUS);
		expect(control.screenTarget(control.readSession(doc), [BOARD])).toEqual({ mode: 'board', boardId: BOARD });
		control.showOnScreen(doc, { mode: 'report' });
		expect(control.screenTarget(control.readSession(doc), [BOARD])).toEqual({ mode: 'report' });
		control.showOnScreen(doc, { mode: 'board', boardId: OTHER });
		expect(control.screenTarget(control.readSession(doc), [BOARD])).toEqual({ mode: 'join' });
	});
});

describe('the countdown belongs to its phase', () => {
	test('started in a phase, shown in it; a running one carries into the next phase, an expired one ends', () => {
		const doc = new Y.Doc();
		control.startTimer(doc, { boardId: BOARD, seconds: 60, serverNow: 1_000_000, lock: true });
		let s = control.readSession(doc);
		expect(s.timerPhase).toBe('brainstorm');
		expect(control.boardTimer(s, BOARD, 'brainstorm')).toBe(1_060_000);
		expect(control.boardTimer(s, OTHER, 'brainstorm')).toBeNull();
		// moved on with 30 s left: the countdown goes on in the new phase
		control.setPhase(doc, BOARD, 'cluster', undefined, 1_030_000);
		s = control.readSession(doc);
		expect(control.boardTimer(s, BOARD, 'cluster')).toBe(1_060_000);
		// it ran out, then the facilitator moved on: no "time is up" in the vote
		control.setPhase(doc, BOARD, 'vote', undefined, 1_070_000);
		s = control.readSession(doc);
		expect(s.timerEnd).toBeNull();
		expect(s.timerLock).toBe(false);
		expect(control.boardTimer(s, BOARD, 'vote')).toBeNull();
	});

	test('+1 minute adds to the end, restarts from now when already up, and never passes four hours', () => {
		const doc = new Y.Doc();
		expect(control.extendTimer(doc, { seconds: 60, serverNow: 0 })).toBeNull();
		control.startTimer(doc, { boardId: BOARD, seconds: 30, serverNow: 0, lock: false });
		expect(control.extendTimer(doc, { seconds: 60, serverNow: 10_000 })).toBe(90_000);
		expect(control.extendTimer(doc, { seconds: 60, serverNow: 200_000 })).toBe(260_000);
		expect(control.extendTimer(doc, { seconds: 10 * 3600, serverNow: 0 })).toBe(control.MAX_TIMER_SECONDS * 1000);
		expect(control.readSession(doc).timerBoard).toBe(BOARD);
	});

	test('countdowns read as minutes and seconds', () => {
		expect(control.formatCountdown(125)).toBe('2:05');
		expect(control.formatCountdown(0)).toBe('0:00');
	});
});
