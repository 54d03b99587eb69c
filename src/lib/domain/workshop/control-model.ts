/**
 * The one module that knows the shape of a workshop's control document:
 *
 *   boards:  Y.Map<boardId, Y.Map>  phase, private (bool), locked (bool, mirrors the database),
 *                                   editOthers, manageGroups, deleteWordings, anonymous (bool, mirror
 *                                   the board's settings; the sync server enforces the database's)
 *   session: Y.Map                  focusBoard, focusSeq, timerEnd, timerBoard, timerLock, timerPhase,
 *                                   screen, screenBoard, joiningOpen (mirrors the database)
 *   roster:  Y.Map<memberId, JSON>  the members as the database has them (server-written only)
 *   drafts:  Y.Map<"board/member", number>  private cards waiting in each draft (server-written only)
 *   rounds:  Y.Map<roundId, JSON>   published voting rounds (server-written only, voting/published.ts)
 *
 * Clients may write only `boards` and `session` (CONTROL_SHAPE, held by control-guard.ts), and
 * only facilitators (sync/access.ts).
 */
import * as Y from 'yjs';
import { isPhase, type Phase } from './phases';
import { isRole } from './roles';
import type { MemberView } from './members';
import type { BoardRights } from '#lib/domain/board/board-rights.js';

export interface BoardControl {
	phase: Phase;
	private: boolean;
	locked: boolean;
	/** The board's rights and anonymity as last changed (null: not changed since the workshop began, read the page data). */
	settings: { rights: BoardRights; anonymous: boolean } | null;
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
	/** The phase the countdown was started in: "time is up" belongs to that phase only. */
	timerPhase: Phase | null;
	/** What the presenter screen shows: the join page, a board (and its timer and rounds), or the report. */
	screen: ScreenMode;
	screenBoard: string | null;
	/** Whether joining is open, as last changed (null: never changed since the workshop began, read the database). */
	joiningOpen: boolean | null;
}

export const SCREEN_MODES = ['join', 'board', 'report'] as const;
export type ScreenMode = (typeof SCREEN_MODES)[number];

/**
 * What a client may write, root by root, as the control guard (control-guard.ts) holds it to:
 * `maps`: keys to flat Y.Maps of primitives (one per board); `values`: keys to primitives. No
 * other root, type or nesting (thousands of nested maps overflow the stack when Yjs later
 * deletes or collects them); `roster`, `drafts` and `rounds` are the server's.
 */
export const CONTROL_SHAPE: Readonly<Record<string, 'maps' | 'values'>> = { boards: 'maps', session: 'values' };

const boardsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('boards');
const sessionOf = (doc: Y.Doc) => doc.getMap<unknown>('session');
/** Published voting rounds, one JSON value per round (voting/published.ts reads and writes them). */
export const roundsOf = (doc: Y.Doc) => doc.getMap<string>('rounds');

export function readBoardControl(doc: Y.Doc, boardId: string): BoardControl {
	const b = boardsOf(doc).get(boardId);
	const phase = b?.get('phase');
	const flag = (key: string) => b?.get(key) === true;
	const settings =
		typeof b?.get('anonymous') === 'boolean'
			? { rights: { editOthers: flag('editOthers'), manageGroups: flag('manageGroups'), deleteWordings: flag('deleteWordings') }, anonymous: flag('anonymous') }
			: null;
	return { phase: isPhase(phase) ? phase : 'brainstorm', private: flag('private'), locked: flag('locked'), settings };
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
		timerLock: s.get('timerLock') === true,
		timerPhase: isPhase(s.get('timerPhase')) ? (s.get('timerPhase') as Phase) : null,
		screen: (SCREEN_MODES as readonly unknown[]).includes(s.get('screen')) ? (s.get('screen') as ScreenMode) : 'join',
		screenBoard: str('screenBoard'),
		joiningOpen: typeof s.get('joiningOpen') === 'boolean' ? (s.get('joiningOpen') as boolean) : null
	};
}

/** What the presenter shows; a board that is gone falls back to the join page. */
export function screenTarget(session: SessionControl, boardIds: readonly string[]): { mode: 'join' | 'report' } | { mode: 'board'; boardId: string } {
	if (session.screen === 'report') return { mode: 'report' };
	if (session.screen === 'board' && session.screenBoard && boardIds.includes(session.screenBoard)) return { mode: 'board', boardId: session.screenBoard };
	return { mode: 'join' };
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

/**
 * Moves a board to a phase. Its countdown, if still running, carries on into the new phase;
 * one that has run out ends with the phase it belonged to (no "time is up" in the next one).
 */
export function setPhase(doc: Y.Doc, boardId: string, phase: Phase, origin?: unknown, serverNow = Date.now()): void {
	doc.transact(() => {
		boardMap(doc, boardId).set('phase', phase);
		const s = sessionOf(doc);
		if (s.get('timerBoard') !== boardId || typeof s.get('timerEnd') !== 'number') return;
		if ((s.get('timerEnd') as number) > serverNow) s.set('timerPhase', phase);
		else {
			s.set('timerEnd', null);
			s.set('timerLock', false);
		}
	}, origin);
}

export function setPrivateBrainstorm(doc: Y.Doc, boardId: string, on: boolean, origin?: unknown): void {
	doc.transact(() => boardMap(doc, boardId).set('private', on), origin);
}

export function setLockedMirror(doc: Y.Doc, boardId: string, locked: boolean, origin?: unknown): void {
	doc.transact(() => boardMap(doc, boardId).set('locked', locked), origin);
}

export function setSettingsMirror(doc: Y.Doc, boardId: string, settings: { rights: BoardRights; anonymous: boolean }, origin?: unknown): void {
	doc.transact(() => {
		const b = boardMap(doc, boardId);
		for (const [key, value] of Object.entries({ ...settings.rights, anonymous: settings.anonymous })) if (b.get(key) !== value) b.set(key, value);
	}, origin);
}

/** Calls the room to a board; the presenter screen goes there too (a board, not "workgroups"). */
export function bringEveryoneTo(doc: Y.Doc, boardId: string | null, origin?: unknown): void {
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('focusBoard', boardId);
		s.set('focusSeq', ((s.get('focusSeq') as number) || 0) + 1);
		if (boardId && boardId !== WORKGROUPS_FOCUS) {
			s.set('screen', 'board');
			s.set('screenBoard', boardId);
		}
	}, origin);
}

export function setJoiningMirror(doc: Y.Doc, open: boolean, origin?: unknown): void {
	doc.transact(() => sessionOf(doc).set('joiningOpen', open), origin);
}

export function showOnScreen(doc: Y.Doc, target: { mode: ScreenMode; boardId?: string | null }, origin?: unknown): void {
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('screen', target.mode);
		if (target.mode === 'board') s.set('screenBoard', target.boardId ?? null);
	}, origin);
}

export const MAX_TIMER_SECONDS = 4 * 3600;

export function startTimer(doc: Y.Doc, input: { boardId: string; seconds: number; serverNow: number; lock: boolean }, origin?: unknown): void {
	const seconds = Math.max(1, Math.min(MAX_TIMER_SECONDS, Math.round(input.seconds)));
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('timerEnd', input.serverNow + seconds * 1000);
		s.set('timerBoard', input.boardId);
		s.set('timerLock', input.lock);
		s.set('timerPhase', readBoardControl(doc, input.boardId).phase);
	}, origin);
}

/**
 * Adds time to the running countdown (a countdown already at zero starts again from now),
 * keeping its board and its lock. Returns the new end, or null when no countdown runs.
 */
export function extendTimer(doc: Y.Doc, input: { seconds: number; serverNow: number }, origin?: unknown): number | null {
	const s = sessionOf(doc);
	const end = s.get('timerEnd');
	if (typeof end !== 'number') return null;
	const next = Math.min(Math.max(end, input.serverNow) + Math.round(input.seconds) * 1000, input.serverNow + MAX_TIMER_SECONDS * 1000);
	doc.transact(() => s.set('timerEnd', next), origin);
	return next;
}

export function stopTimer(doc: Y.Doc, origin?: unknown): void {
	doc.transact(() => {
		const s = sessionOf(doc);
		s.set('timerEnd', null);
		s.set('timerLock', false);
	}, origin);
}

/**
 * The board's countdown as a screen should show it: running, or "time is up" — but only in
 * the phase it was started in, so that an expired brainstorm timer does not linger into the vote.
 */
export function boardTimer(session: SessionControl, boardId: string, phase: Phase): number | null {
	if (session.timerEnd === null || session.timerBoard !== boardId) return null;
	if (session.timerPhase !== null && session.timerPhase !== phase) return null;
	return session.timerEnd;
}

/** Whole seconds left, from the end time and this device's estimate of server time. */
export function secondsLeft(timerEnd: number | null, serverNow: number): number | null {
	if (timerEnd === null) return null;
	return Math.max(0, Math.ceil((timerEnd - serverNow) / 1000));
}

/** 125 → "2:05". */
export function formatCountdown(seconds: number): string {
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "Send everyone to their workgroup": the focus names no board but this value. */
export const WORKGROUPS_FOCUS = 'workgroups';

/** Where a member goes when the facilitator calls the room: a board, their workgroup, or nowhere. */
export function followTarget(focusBoard: string | null, workgroup: string | null | undefined): string | null {
	if (focusBoard === WORKGROUPS_FOCUS) return workgroup ?? null;
	return focusBoard;
}

const rosterOf = (doc: Y.Doc) => doc.getMap<string>('roster');
const draftsOf = (doc: Y.Doc) => doc.getMap<number>('drafts');

/** The workshop's members as the server last published them, in joining order. */
export function readRoster(doc: Y.Doc): MemberView[] {
	const members: (MemberView & { seq: number })[] = [];
	for (const [id, value] of rosterOf(doc).entries()) {
		try {
			const m = JSON.parse(value) as Partial<MemberView> & { seq?: number };
			if (typeof m.name !== 'string' || !isRole(m.role)) continue;
			members.push({
				id,
				name: m.name,
				role: m.role,
				organisation: typeof m.organisation === 'string' ? m.organisation : null,
				workgroup: typeof m.workgroup === 'string' ? m.workgroup : null,
				seq: Number(m.seq) || 0
			});
		} catch {
			// a value that is not ours: skip it
		}
	}
	return members.sort((a, b) => a.seq - b.seq).map(({ seq: _, ...m }) => m);
}

/** Whether two member lists say the same (order aside). */
export function sameRoster(a: readonly MemberView[], b: readonly MemberView[]): boolean {
	if (a.length !== b.length) return false;
	const key = (m: MemberView) => JSON.stringify([m.id, m.name, m.role, m.organisation ?? null, m.workgroup ?? null]);
	const left = new Set(a.map(key));
	return b.every((m) => left.has(key(m)));
}

/** Server only: makes the roster equal `members` (in that order), touching only entries that changed. */
export function writeRoster(doc: Y.Doc, members: readonly MemberView[], origin?: unknown): boolean {
	const roster = rosterOf(doc);
	const wanted = new Map(
		members.map((m, seq) => [m.id, JSON.stringify({ name: m.name, role: m.role, organisation: m.organisation, workgroup: m.workgroup ?? null, seq })])
	);
	const stale = [...roster.keys()].filter((id) => !wanted.has(id));
	const changed = [...wanted].filter(([id, value]) => roster.get(id) !== value);
	if (stale.length === 0 && changed.length === 0) return false;
	doc.transact(() => {
		for (const id of stale) roster.delete(id);
		for (const [id, value] of changed) roster.set(id, value);
	}, origin);
	return true;
}

/** Private cards waiting for the reveal on a board, across every member's draft. */
export function privateCardCount(doc: Y.Doc, boardId: string): number {
	let n = 0;
	for (const [key, count] of draftsOf(doc).entries()) if (key.startsWith(`${boardId}/`) && typeof count === 'number') n += count;
	return n;
}

/** Members with at least one private card waiting on a board. */
export function privateWriters(doc: Y.Doc, boardId: string): number {
	let n = 0;
	for (const [key, count] of draftsOf(doc).entries()) if (key.startsWith(`${boardId}/`) && typeof count === 'number' && count > 0) n++;
	return n;
}

export function readDraftCount(doc: Y.Doc, boardId: string, memberId: string): number | null {
	const v = draftsOf(doc).get(`${boardId}/${memberId}`);
	return typeof v === 'number' ? v : null;
}

/** Server only: how many cards one member's draft of a board holds now. */
export function setDraftCount(doc: Y.Doc, boardId: string, memberId: string, count: number, origin?: unknown): void {
	doc.transact(() => draftsOf(doc).set(`${boardId}/${memberId}`, count), origin);
}
