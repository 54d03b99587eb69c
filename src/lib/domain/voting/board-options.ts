/**
 * The options a voting round opens over, taken from the board as `readBoard` renders it: its
 * cards in reading order (groups in order, then ungrouped cards), its groups, or its wordings.
 * Options are frozen into the round when it opens, so they carry a plain label.
 */
import type { BoardView } from '#lib/domain/board/board-model.js';

export interface BoardOption {
	id: string;
	label: string;
}

const LABEL_MAX = 500;
const clip = (s: string) => (s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s);

/** One option per card, group or wording, in the board's order; those with nothing to read are left out. */
export function boardOptions(view: BoardView, source: 'cards' | 'groups' | 'variants'): BoardOption[] {
	const entries =
		source === 'cards'
			? [...view.groups.flatMap((g) => g.cards), ...view.ungrouped].map((c) => ({ id: c.id, label: c.text.trim() }))
			: source === 'groups'
				? view.groups.map((g) => ({ id: g.id, label: g.title.trim() }))
				: view.variants.map((v) => {
						const label = v.label.trim();
						const text = v.text.trim();
						return { id: v.id, label: label && text ? `${label}: ${text}` : label || text };
					});
	return entries.filter((o) => o.label).map((o) => ({ id: o.id, label: clip(o.label) }));
}
