import { UUID_PATTERN as UUID } from '#lib/domain/ids.js';

const BOARD = new RegExp(`^board/(${UUID})$`);
const DRAFT = new RegExp(`^draft/(${UUID})/(${UUID})$`);
const CONTROL = new RegExp(`^control/(${UUID})$`);

export type DocName =
	| { kind: 'board'; name: string; boardId: string }
	| { kind: 'draft'; name: string; boardId: string; memberId: string }
	| { kind: 'control'; name: string; workshopId: string };

/** The documents of DESIGN.md: board/<board>, draft/<board>/<member>, control/<workshop>. */
export function parseDocName(name: string): DocName | null {
	let m = BOARD.exec(name);
	if (m) return { kind: 'board', name, boardId: m[1] };
	m = DRAFT.exec(name);
	if (m) return { kind: 'draft', name, boardId: m[1], memberId: m[2] };
	m = CONTROL.exec(name);
	if (m) return { kind: 'control', name, workshopId: m[1] };
	return null;
}
