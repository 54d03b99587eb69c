/**
 * How densely the wall draws a board: the largest type that fits. At 1920×1080 one vmin is
 * 10.8 px, so levels down to 2.25 vmin keep card text at 24 px; past that the cards lose
 * lines first, and only a board too big for one line per card at 24 px gets smaller type.
 */
export interface WallLevel {
	/** font size of card text, in vmin */
	font: number;
	/** lines of a card's text shown before it is cut */
	lines: number;
	/** the organisation chip under each card */
	organisation: boolean;
}

export const WALL_LEVELS: readonly WallLevel[] = [
	{ font: 3.2, lines: 6, organisation: true },
	{ font: 2.8, lines: 5, organisation: true },
	{ font: 2.5, lines: 4, organisation: true },
	{ font: 2.25, lines: 3, organisation: true },
	{ font: 2.25, lines: 2, organisation: false },
	{ font: 2.25, lines: 1, organisation: false },
	{ font: 1.9, lines: 1, organisation: false },
	{ font: 1.6, lines: 1, organisation: false },
	{ font: 1.35, lines: 1, organisation: false }
];

/** Where to start looking for the level that fits, so a board of 200 does not step through all of them. */
export function startLevel(cards: number): number {
	if (cards <= 8) return 0;
	if (cards <= 16) return 1;
	if (cards <= 30) return 2;
	if (cards <= 60) return 3;
	return 4;
}

/** Whether an element's content spills past its box (a pixel of rounding aside). */
export function overflows(el: { scrollHeight: number; clientHeight: number; scrollWidth: number; clientWidth: number }): boolean {
	return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}
