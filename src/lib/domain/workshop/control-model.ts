/**
 * The shape of a workshop's control document (written by facilitators only):
 *
 *   boards:  Y.Map<boardId, Y.Map>  phase, private (bool), locked (bool, mirrors the database)
 *   session: Y.Map                  focusBoard, focusSeq, timerEnd, timerBoard, timerLock
 */
import * as Y from 'yjs';
import { isPhase, type Phase } from './phases';

export interface BoardControl {
	phase: Phase;
	private: boolean;
	locked: boolean;
}

export interface SessionControl {
	/** Where "bring everyone here" sent the room, and a counter so the same board can be sent again. */
	focusBoard: string | null;
	focusSeq: number;
	/** Countdown end as server time (ms since epoch), and the board it belongs to. */
	timerEnd: number | null;
	timerBoard: string | null;
	/** Lock the timer's board when the countdown reaches zero. */
	timerLock: boolean;
}

const boardsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('boards');
const sessionOf = (doc: Y.Doc) => doc.getMap<unknown>('session');

export function readBoardControl(doc: Y.Doc, boardId: string): BoardControl {
	const b = boardsOf(doc).get(boardId);
	const phase = b?.get('phase');
	return { phase: isPhase(phase) ? phase : 'brainstorm', private: b?.get('private') === true, locked: b?.get('locked') === true };
}

export function readSession(doc: Y.Doc): SessionControl {
	const s = sessionOf(doc);
	const str = (k: string) => (typeof s.get(k) === 'string' ? (s.get(k) as string) : null);
	const num = (k: string) => (typeof s.get(k) === 'number' ? (s.get(k) as number) : null);
	return {
		focusBoard: str('focusBoard'),
		focusSeq: num('focusSeq') ?? 0,
		timerEnd: num('timerEnd'),
		timerBoard: str('timerBoard'),
		timerLock: s.get('timerLock') === true
	};
}

function boardMap(doc: Y.Doc, boardId: string): Y.Map<unknown> {
	const boards = boardsOf(doc);
	let b = boards.get(boardId);
	if (!b) {
		b = new Y.Map<unknown>();
		boards.set(boardId, b);
	}
	return b;
}

export function setPhase(doc: Y.Doc, boardId: string, phase: Phase, origin?: unknown): void {
	doc.transact(() => boardMap(doc, boardId).set('phase', phase), origin);
}

export function setPrivateBrainstorm(doc: Y.Doc, boardId: string, on: boolean, origin?: unknown): void {
	doc.transact(() => boardMap(doc, boardId).set('private', on), origin);
}

export function setLockedMirror(doc: Y.Doc, boardId: string, locked: boolean, origin?: unknown): void {
	doc.transact(() => boardMap(doc, boardId).set('locked', locked), origin);
}

export function bringEveryoneTo(doc: Y.Doc, boardId: string | null, origin?: unknown): void {
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('focusBoard', boardId);
		s.set('focusSeq', ((s.get('focusSeq') as number) || 0) + 1);
	}, origin);
}

export function startTimer(doc: Y.Doc, input: { boardId: string; seconds: number; serverNow: number; lock: boolean }, origin?: unknown): void {
	const seconds = Math.max(1, Math.min(4 * 3600, Math.round(input.seconds)));
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('timerEnd', input.serverNow + seconds * 1000);
		s.set('timerBoard', input.boardId);
		s.set('timerLock', input.lock);
	}, origin);
}

export function stopTimer(doc: Y.Doc, origin?: unknown): void {
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('timerEnd', null);
		s.set('timerLock', false);
	}, origin);
}

/** Whole seconds left, from the end time and this device's estimate of server time. */
export function secondsLeft(timerEnd: number | null, serverNow: number): number | null {
	if (timerEnd === null) return null;
	return Math.max(0, Math.ceil((timerEnd - serverNow) / 1000));
}

/** "Send everyone to their workgroup": the focus names no board but this value. */
export const WORKGROUPS_FOCUS = 'workgroups';

/** Where a member goes when the facilitator calls the room: a board, their workgroup, or nowhere. */
export function followTarget(focusBoard: string | null, workgroup: string | null | undefined): string | null {
	if (focusBoard === WORKGROUPS_FOCUS) return workgroup ?? null;
	return focusBoard;
}
