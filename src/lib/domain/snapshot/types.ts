/**
 * A snapshot: a board frozen at one moment, as it is shown and exported. It carries what a
 * reader outside the room may see: cards with their authors' organisations (never people's
 * names), groups, the statement's wordings, and the results of the board's rounds as
 * aggregates (never who voted what, whatever the round's settings).
 */
import type { BoardKind } from '#lib/domain/workshop/templates.js';
import type { Phase } from '#lib/domain/workshop/phases.js';
import type { RoundAggregate, RoundOption, RoundSettings, RoundStatus } from '#lib/domain/voting/types.js';

/** Bump when the shape changes; JSON exports carry it. */
export const SNAPSHOT_FORMAT = 1;

export interface SnapshotCard {
	id: string;
	text: string;
	organisation: string;
	colour: string;
	/** goal cards */
	indicator: string;
	target: string;
	year: string;
}

export interface SnapshotGroup {
	id: string;
	title: string;
	cards: SnapshotCard[];
}

export interface SnapshotVariant {
	id: string;
	label: string;
	text: string;
}

export interface SnapshotRound {
	id: string;
	seq: number;
	title: string;
	settings: RoundSettings;
	status: RoundStatus;
	options: RoundOption[];
	/** null when the round's results were not shown to the room when the snapshot was taken */
	aggregate: RoundAggregate | null;
	voters: number;
}

/** The plain rendering of a board (stored as JSON with each snapshot). */
export interface BoardRendering {
	format: typeof SNAPSHOT_FORMAT;
	workshop: { title: string; language: 'en' | 'hu'; startsOn: string | null; venue: string };
	board: { id: string; kind: BoardKind; title: string; prompt: string; phase: Phase };
	groups: SnapshotGroup[];
	ungrouped: SnapshotCard[];
	variants: SnapshotVariant[];
	rounds: SnapshotRound[];
	/** organisations whose members wrote cards on the board, sorted */
	organisations: string[];
}

export interface SnapshotMeta {
	id: string;
	title: string;
	/** ms since epoch */
	takenAt: number;
}
