import type { BoardRights } from '#lib/domain/board/board-rights.js';

export const BOARD_KINDS = ['values', 'mission', 'vision', 'goals', 'theme', 'free'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

export const TEMPLATES = ['strategy', 'workgroups', 'blank'] as const;
export type Template = (typeof TEMPLATES)[number];

/** A board a template creates; `key` names its title and prompt in the message catalogue. */
export interface TemplateBoard {
	kind: BoardKind;
	key: string;
}

const BOARDS: Record<Template, TemplateBoard[]> = {
	strategy: [
		{ kind: 'values', key: 'values' },
		{ kind: 'mission', key: 'mission' },
		{ kind: 'vision', key: 'vision' },
		{ kind: 'goals', key: 'goals' }
	],
	// The six themes of the interregional project (DOMAIN.md).
	workgroups: [
		{ kind: 'theme', key: 'sme_innovation' },
		{ kind: 'theme', key: 'digitalisation' },
		{ kind: 'theme', key: 'printing_3d' },
		{ kind: 'theme', key: 'cluster_monitoring' },
		{ kind: 'theme', key: 'public_private' },
		{ kind: 'theme', key: 'cluster_services' }
	],
	blank: []
};

export function templateBoards(template: Template): TemplateBoard[] {
	return BOARDS[template];
}

/** A board of a workshop's agenda, as its row says. */
export interface AgendaBoard {
	id: string;
	position: number;
	kind: BoardKind;
	title: string;
	prompt: string;
	locked: boolean;
	/** What participants may do beyond their own work (a facilitator's setting). */
	rights: BoardRights;
	/** Cards carry no author: nobody, facilitators included, sees who wrote one. */
	anonymous: boolean;
}
