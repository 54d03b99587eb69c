/**
 * Voting rounds as every screen sees them, live: the server writes each round into the
 * workshop's control document (root `rounds`, one JSON value per round; clients may not
 * write this root), and components read it from there. Results appear here only once
 * everyone may see them (live results, or revealed); ballots never do.
 */
import type * as Y from 'yjs';
import { roundsOf } from '#lib/domain/workshop/control-model.js';
import type { OptionSource, RoundAggregate, RoundOption, RoundSettings, RoundStatus } from './types';

export interface PublishedRound {
	id: string;
	boardId: string;
	seq: number;
	title: string;
	source: OptionSource;
	settings: RoundSettings;
	status: RoundStatus;
	openedAt: number;
	closesAt: number | null;
	parentRound: string | null;
	options: RoundOption[];
	/** ballots, organisations that voted, proxies; who may vote — participants with the workshop open, facilitators who voted, proxies — and their organisations */
	turnout: { voted: number; organisations: number; proxies: number; present: number; organisationsPresent: number };
	/** null until results are visible to everyone */
	aggregate: RoundAggregate | null;
}

export function publishRound(doc: Y.Doc, round: PublishedRound, origin?: unknown): void {
	doc.transact(() => roundsOf(doc).set(round.id, JSON.stringify(round)), origin);
}

function parse(value: unknown): PublishedRound | null {
	if (typeof value !== 'string') return null;
	try {
		const round = JSON.parse(value) as PublishedRound;
		return typeof round?.id === 'string' && typeof round.boardId === 'string' ? round : null;
	} catch {
		return null;
	}
}

/** A board's rounds, newest first. */
export function readRounds(doc: Y.Doc, boardId: string): PublishedRound[] {
	const rounds: PublishedRound[] = [];
	for (const value of roundsOf(doc).values()) {
		const round = parse(value);
		if (round?.boardId === boardId) rounds.push(round);
	}
	return rounds.sort((a, b) => b.seq - a.seq);
}

/** The board's open round, if any. */
export function openRoundOf(rounds: PublishedRound[]): PublishedRound | null {
	return rounds.find((r) => r.status === 'open') ?? null;
}

/**
 * Where the board's voting stands, from its newest round: what a label about voting may say
 * now (never "voting is under way" once the round has closed or its results are shown).
 */
export function votingState(rounds: PublishedRound[]): 'none' | RoundStatus {
	const newest = [...rounds].sort((a, b) => b.seq - a.seq)[0];
	return newest?.status ?? 'none';
}

/**
 * The round the presenter shows on a board: the open one; otherwise the newest closed one —
 * its results once the room may see them, or "results soon" — while the board is in its vote
 * or discuss phase. Any other phase shows the board itself.
 */
export function roundOnScreen(rounds: PublishedRound[], phase: string): PublishedRound | null {
	const newest = [...rounds].sort((a, b) => b.seq - a.seq)[0] ?? null;
	if (!newest) return null;
	if (newest.status === 'open') return newest;
	return phase === 'vote' || phase === 'discuss' ? newest : null;
}
