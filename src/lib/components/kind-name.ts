import { m } from '#lib/paraglide/messages.js';
import type { BoardKind } from '#lib/domain/workshop/templates.js';

const NAMES: Record<BoardKind, () => string> = {
	values: m.kind_values,
	mission: m.kind_mission,
	vision: m.kind_vision,
	goals: m.kind_goals,
	theme: m.kind_theme,
	free: m.kind_free
};

/** The exercise a board is, in the reader's language. */
export function kindName(kind: BoardKind): string {
	return NAMES[kind]();
}
