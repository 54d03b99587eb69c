/**
 * Where moved cards land, as positions a person sees: the board's columns in order (the
 * ungrouped cards first, then the groups), and within a column "before this card" or at
 * the end. Pure: used by drag and drop, the keyboard and tests alike.
 */
import type { BoardView, CardView } from './board-model';

export interface Place {
	/** '' = ungrouped */
	group: string;
	/** the card they land before, or null for the end of the column */
	before: string | null;
}

export interface Column {
	group: string;
	cards: CardView[];
}

export function boardColumns(view: BoardView): Column[] {
	return [{ group: '', cards: view.ungrouped }, ...view.groups.map((g) => ({ group: g.id, cards: g.cards }))];
}

/**
 * The place just after `card` in `group`, skipping the cards being moved. With `self`, the
 * place `card` itself holds (a keyboard move starts where the card is).
 */
export function placeAfter(view: BoardView, group: string, card: string, moving: readonly string[], self = false): Place {
	const cards = boardColumns(view).find((c) => c.group === group)?.cards ?? [];
	const at = cards.findIndex((c) => c.id === card);
	const next = cards.slice(at + 1).find((c) => !moving.includes(c.id) && (self || c.id !== card));
	return { group, before: next?.id ?? null };
}

/** One arrow key of a keyboard move: the next place, and where that is (1-based) among the column's places. */
export function keyboardStep(
	view: BoardView,
	from: Place,
	moving: readonly string[],
	key: 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight'
): { place: Place; position: number; of: number } {
	const columns = boardColumns(view);
	const others = (group: string) => (columns.find((c) => c.group === group)?.cards ?? []).filter((c) => !moving.includes(c.id)).map((c) => c.id);
	let column = Math.max(
		0,
		columns.findIndex((c) => c.group === from.group)
	);
	let list = others(columns[column].group);
	// index = how many of the column's other cards stay above the moved ones
	let index = from.before === null ? list.length : Math.max(0, list.indexOf(from.before));
	if (key === 'ArrowUp') index = Math.max(0, index - 1);
	else if (key === 'ArrowDown') index = Math.min(list.length, index + 1);
	else {
		column = Math.min(columns.length - 1, Math.max(0, column + (key === 'ArrowLeft' ? -1 : 1)));
		list = others(columns[column].group);
		index = Math.min(index, list.length);
	}
	return { place: { group: columns[column].group, before: list[index] ?? null }, position: index + 1, of: list.length + 1 };
}
