/**
 * What a board lets its participants do beyond their own work (a facilitator's setting per
 * board, stored on the boards row). Facilitators may do everything; participants always edit
 * and delete their own cards, add wordings, edit the statement, create groups and move any card
 * between groups (grouping is the cluster phase's work). The sync server enforces these
 * (update-guard.ts); the interface only hides what would be refused.
 */
import type { MemberRole } from '#lib/domain/workshop/roles.js';

export interface BoardRights {
	/** Participants may edit (text, fields, colour) and delete cards others wrote. */
	editOthers: boolean;
	/** Participants may rename and delete groups others created. */
	manageGroups: boolean;
	/** Participants may delete wordings of the statement. */
	deleteWordings: boolean;
}

export const DEFAULT_RIGHTS: BoardRights = { editOthers: false, manageGroups: false, deleteWordings: false };

/** Who is writing, and what the board allows them. */
export interface Writer {
	memberId: string;
	role: MemberRole;
	rights: BoardRights;
	/**
	 * Anonymous boards: the cards this member wrote, as the server recorded them (the document
	 * carries no author there). Elsewhere a card's `author` says whose it is.
	 */
	ownCards?: ReadonlySet<string>;
}

const facilitates = (w: Pick<Writer, 'role'>) => w.role === 'facilitator';

export const mayChangeOthersCards = (w: Pick<Writer, 'role' | 'rights'>) => facilitates(w) || w.rights.editOthers;
export const mayManageOthersGroups = (w: Pick<Writer, 'role' | 'rights'>) => facilitates(w) || w.rights.manageGroups;
export const mayDeleteWordings = (w: Pick<Writer, 'role' | 'rights'>) => facilitates(w) || w.rights.deleteWordings;

/** A card is the writer's own when its author is them, or (anonymous boards) the server recorded them as its author. */
export const ownsCard = (w: Pick<Writer, 'memberId' | 'ownCards'>, card: { id: string; author: string }) =>
	(card.author !== '' && card.author === w.memberId) || (w.ownCards?.has(card.id) ?? false);

export const mayChangeCard = (w: Writer, card: { id: string; author: string }) => mayChangeOthersCards(w) || ownsCard(w, card);
export const mayManageGroup = (w: Writer, group: { createdBy: string }) =>
	mayManageOthersGroups(w) || (group.createdBy !== '' && group.createdBy === w.memberId);
