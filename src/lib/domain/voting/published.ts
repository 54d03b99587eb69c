/**
 * Voting rounds as every screen sees them, live: the server writes each round into the
 * workshop's control document (root `rounds`, one JSON value per round; clients may not
 * write this root), and components read it from there. Results appear here only once
 * everyone may see them (live results, or revealed); ballots never do.
 */
import type * as Y from 'yjs';
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
	/** ballots, organisations that voted, proxies; members (not observers) and organisations with the workshop open, proxies counted as present */
	turnout: { voted: number; organisations: number; proxies: number; present: number; organisationsPresent: number };
	/** null until results are visible to everyone */
	aggregate: RoundAggregate | null;
}

export const roundsOf = (doc: Y.Doc) => doc.getMap<string>('rounds');

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
