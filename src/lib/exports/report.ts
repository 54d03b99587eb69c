/**
 * The workshop report: board by board, what the room decided (the statement a vote chose, or
 * the draft when nobody voted on it) or the items that came out on top, with their results and
 * the organisations that took part. It is the draft strategy that goes to the next meeting,
 * so it is compiled only from what the renderings already allow a reader to see: aggregates,
 * organisations, never people.
 */
import { tally, topOptions } from '#lib/domain/voting/tally.js';
import type { Method, TallyResult, Weighting } from '#lib/domain/voting/types.js';
import type { BoardRendering, SnapshotCard, SnapshotRound } from '#lib/domain/snapshot/types.js';

/** Bump when the shape of `Report` changes; JSON exports of the report carry it. */
export const REPORT_FORMAT = 1;

/** How many items a board's "top" list keeps (more when the last place is tied). */
export const REPORT_TOP = 5;

export interface ReportItem {
	label: string;
	total: number;
	rank: number;
	tied: boolean;
}

export interface ReportRound {
	seq: number;
	title: string;
	method: Method;
	voters: number;
	weighting: Weighting;
}

export interface ReportBoard {
	id: string;
	kind: BoardRendering['board']['kind'];
	title: string;
	prompt: string;
	phase: BoardRendering['board']['phase'];
	statement: { label: string; text: string } | null;
	/** 'vote': the winner of the latest statement round; 'draft': a wording nobody has (decisively) voted on */
	statementFrom: 'vote' | 'draft' | null;
	/** the best items of `round`, ties at the last place included */
	top: ReportItem[];
	/** the latest revealed round that was not about the statement */
	round: ReportRound | null;
	/** organisations that wrote cards or voted on the board, sorted in the workshop's language */
	organisations: string[];
}

export interface Report {
	workshop: BoardRendering['workshop'];
	boards: ReportBoard[];
	organisations: string[];
}

/** A round with results to show, tallied. */
interface Tallied {
	round: SnapshotRound;
	result: TallyResult;
}

/** Rounds whose aggregate the snapshot carries, latest (highest seq) first. */
function talliedRounds(r: BoardRendering): Tallied[] {
	return r.rounds
		.filter((round) => round.aggregate !== null)
		.sort((a, b) => b.seq - a.seq)
		.map((round) => ({ round, result: tally(round.aggregate!, round.options, round.settings) }));
}

/**
 * A vote between the statement's wordings: every option is one of the board's current
 * variants. (A round whose wording has since been deleted no longer qualifies: there is no
 * current text left to report for it.)
 */
export function isStatementRound(round: SnapshotRound, r: BoardRendering): boolean {
	const variants = new Set(r.variants.map((v) => v.id));
	return round.options.length > 0 && round.options.every((o) => variants.has(o.id));
}

/**
 * The one option in first place, when ballots were cast and gave it something. A shared first
 * place decides nothing: picking one of the tied wordings would be a choice the room did not
 * make.
 */
function winnerOf(result: TallyResult): string | null {
	const first = result.options.filter((o) => o.rank === 1);
	return result.voters > 0 && first.length === 1 && first[0].total > 0 ? first[0].id : null;
}

/**
 * The decided statement: the winner of the latest statement round, with the wording's current
 * text (it may have been polished after the vote). Failing that (no such round, or a tie),
 * the first wording anyone wrote, as a draft.
 */
function statementOf(r: BoardRendering, rounds: Tallied[]): Pick<ReportBoard, 'statement' | 'statementFrom'> {
	const latest = rounds.find((t) => isStatementRound(t.round, r));
	const winner = latest ? winnerOf(latest.result) : null;
	const voted = winner === null ? undefined : r.variants.find((v) => v.id === winner);
	if (voted) return { statement: { label: voted.label, text: voted.text }, statementFrom: 'vote' };
	const draft = r.variants.find((v) => v.text.trim() !== '');
	if (draft) return { statement: { label: draft.label, text: draft.text }, statementFrom: 'draft' };
	return { statement: null, statementFrom: null };
}

/** The best items of the latest round that was not about the statement. */
function topOf(r: BoardRendering, rounds: Tallied[]): Pick<ReportBoard, 'top' | 'round'> {
	const latest = rounds.find((t) => !isStatementRound(t.round, r));
	if (!latest) return { top: [], round: null };
	const { round, result } = latest;
	return {
		top: topOptions(result, REPORT_TOP).map((o) => ({ label: o.label, total: o.total, rank: o.rank, tied: o.tied })),
		round: { seq: round.seq, title: round.title, method: result.method, voters: result.voters, weighting: result.weighting }
	};
}

export function allCards(r: BoardRendering): SnapshotCard[] {
	return [...r.groups.flatMap((g) => g.cards), ...r.ungrouped];
}

/** Distinct non-empty names, sorted as the workshop's language sorts them. */
function sortedNames(names: Iterable<string>, language: string): string[] {
	const collator = new Intl.Collator(language);
	return [...new Set([...names].filter((n) => n.trim() !== ''))].sort(collator.compare);
}

/** Who took part on a board: card authors' organisations and the organisations that voted. */
function organisationsOf(r: BoardRendering): string[] {
	const voters = r.rounds.flatMap((round) => round.aggregate?.voters.filter((v) => v.count > 0 && !v.pooled).map((v) => v.organisation) ?? []);
	return sortedNames([...allCards(r).map((c) => c.organisation), ...voters], r.workshop.language);
}

export function compileBoard(r: BoardRendering): ReportBoard {
	const rounds = talliedRounds(r);
	const { id, kind, title, prompt, phase } = r.board;
	return { id, kind, title, prompt, phase, ...statementOf(r, rounds), ...topOf(r, rounds), organisations: organisationsOf(r) };
}

export function compileReport(input: { workshop: BoardRendering['workshop']; boards: BoardRendering[] }): Report {
	const boards = input.boards.map(compileBoard);
	return {
		workshop: input.workshop,
		boards,
		organisations: sortedNames(
			boards.flatMap((b) => b.organisations),
			input.workshop.language
		)
	};
}
