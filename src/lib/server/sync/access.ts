import type { Sql } from '../db/client';
import { asUser } from '../db/client';
import { sessionCookieName, verifySession } from '../auth/session';
import type { MemberRole } from '#lib/domain/workshop/roles.js';
import { memberColour } from '#lib/domain/board/presence.js';
import type { DocName } from './doc-name';
import { screenMemberId, workshopByScreenToken } from '../screen-links';
import { DEFAULT_RIGHTS, type BoardRights } from '#lib/domain/board/board-rights.js';

export interface Presence {
	memberId: string;
	name: string;
	organisation: string;
	colour: string;
	role: MemberRole;
}

/** A presence as another instance sent it (trusted, but read with care). */
export function isPresence(value: unknown): value is Presence {
	if (!value || typeof value !== 'object') return false;
	const v = value as Record<string, unknown>;
	return (
		typeof v.memberId === 'string' &&
		typeof v.role === 'string' &&
		typeof v.organisation === 'string' &&
		typeof v.name === 'string' &&
		typeof v.colour === 'string'
	);
}

export interface Access {
	doc: DocName;
	workshopId: string;
	user: Presence;
	/** May this connection change the document at all (role, ownership)? */
	writer: boolean;
	/** Board docs: the board is locked (read-only for everyone until unlocked). */
	locked: boolean;
	/** Board docs: what participants may do to others' cards, groups and wordings. */
	rights: BoardRights;
	/** Board docs: cards carry no author; `ownCards` (the server's record) says which are this member's. */
	anonymous: boolean;
	/** Anonymous boards: the ids of the cards this member wrote, kept current as they write more. */
	ownCards: Set<string> | null;
}

/** A board's settings as the sync server enforces them. */
export interface BoardSettings {
	rights: BoardRights;
	anonymous: boolean;
}

interface BoardRow {
	workshop_id: string;
	locked: boolean;
	participants_edit_others: boolean;
	participants_manage_groups: boolean;
	participants_delete_wordings: boolean;
	anonymous: boolean;
}

export const settingsOf = (row: Omit<BoardRow, 'workshop_id' | 'locked'>): BoardSettings => ({
	rights: { editOthers: row.participants_edit_others, manageGroups: row.participants_manage_groups, deleteWordings: row.participants_delete_wordings },
	anonymous: row.anonymous
});

const selectBoard = (sql: Sql, boardId: string) => sql<BoardRow[]>`
	select workshop_id, locked, participants_edit_others, participants_manage_groups, participants_delete_wordings, anonymous
	from public.boards where id = ${boardId}`;

/** The cards the server recorded as this member's on an anonymous board. */
async function ownCards(sql: Sql, boardId: string, memberId: string): Promise<Set<string>> {
	const rows = await sql<{ card_id: string }[]>`select card_id from public.card_authors where board_id = ${boardId} and member_id = ${memberId}`;
	return new Set(rows.map((r) => r.card_id));
}

export type Refusal = { status: 401 | 403 | 404; reason: string };

/**
 * Whether a member of this role may write the document at all: facilitators alone write the
 * control document, everyone but observers writes boards and their own drafts. Read at the
 * upgrade and again when a live member's role changes.
 */
export function writerFor(doc: Pick<DocName, 'kind'>, role: MemberRole): boolean {
	return doc.kind === 'control' ? role === 'facilitator' : role !== 'observer';
}

function readCookie(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
	}
	return undefined;
}

/**
 * Decides who may open a document, before the websocket upgrade: the session cookie of
 * the document's workshop must name a current member (checked as that member, so RLS
 * agrees), and the document kind decides the rest.
 */
export async function authorize(
	sql: Sql,
	sessionKey: Uint8Array,
	cookieHeader: string | undefined,
	doc: DocName,
	screenToken?: string | null
): Promise<Access | Refusal> {
	if (screenToken) return authorizeScreen(sql, screenToken, doc);
	let workshopId: string;
	let locked = false;
	let settings: BoardSettings = { rights: DEFAULT_RIGHTS, anonymous: false };
	if (doc.kind === 'control') {
		workshopId = doc.workshopId;
	} else {
		// Which workshop a board belongs to is not secret; the session check that follows is.
		const [board] = await selectBoard(sql, doc.boardId);
		if (!board) return { status: 404, reason: 'unknown document' };
		workshopId = board.workshop_id;
		locked = board.locked;
		settings = settingsOf(board);
	}
	const session = await verifySession(sessionKey, readCookie(cookieHeader, sessionCookieName(workshopId)));
	if (!session || session.workshopId !== workshopId) return { status: 401, reason: 'no valid session for this workshop' };
	const [member] = await asUser(
		sql,
		{ sub: session.memberId, role: 'authenticated', workshop_id: workshopId },
		(tx) => tx<{ name: string; role: MemberRole; organisation: string | null; colour: number }[]>`
		select m.name, m.role, o.name as organisation, m.colour from public.members m
		left join public.organisations o on o.id = m.organisation_id
		where m.id = ${session.memberId} and m.workshop_id = ${workshopId}`
	);
	if (!member) return { status: 401, reason: 'not a member of this workshop' };
	const user: Presence = {
		memberId: session.memberId,
		name: member.name,
		organisation: member.organisation ?? '',
		// the colour the database gave the member when they joined, the same everywhere
		colour: memberColour(member.colour),
		role: member.role
	};
	const none = { rights: DEFAULT_RIGHTS, anonymous: false, ownCards: null };
	switch (doc.kind) {
		case 'board': {
			const own = settings.anonymous ? await ownCards(sql, doc.boardId, session.memberId) : null;
			return { doc, workshopId, user, writer: writerFor(doc, member.role), locked, ...settings, ownCards: own };
		}
		case 'draft':
			// A draft is private to its author until the reveal: nobody else may even read it.
			if (doc.memberId !== session.memberId) return { status: 403, reason: "another member's draft" };
			return { doc, workshopId, user, writer: writerFor(doc, member.role), locked, ...none };
		case 'control':
			return { doc, workshopId, user, writer: writerFor(doc, member.role), locked: false, ...none };
	}
}

/**
 * Several instances: the rights of live connections as the database has them now (which
 * boards are locked, each member's role). An instance re-reads them after Redis was away,
 * when a lock or a role change published meanwhile may have been lost.
 */
export async function currentRights(
	sql: Sql,
	input: { boards: string[]; members: string[] }
): Promise<{ locked: Map<string, boolean>; settings: Map<string, BoardSettings>; roles: Map<string, MemberRole> }> {
	const [boards, members] = await Promise.all([
		input.boards.length
			? sql<(BoardRow & { id: string })[]>`
				select id, workshop_id, locked, participants_edit_others, participants_manage_groups, participants_delete_wordings, anonymous
				from public.boards where id = any(${input.boards}::uuid[])`
			: [],
		input.members.length ? sql<{ id: string; role: MemberRole }[]>`select id, role from public.members where id = any(${input.members}::uuid[])` : []
	]);
	return {
		locked: new Map(boards.map((b) => [b.id, b.locked])),
		settings: new Map(boards.map((b) => [b.id, settingsOf(b)])),
		roles: new Map(members.map((m) => [m.id, m.role]))
	};
}

/**
 * The presenter screen, admitted by its link's token instead of a session: it reads the
 * workshop's control document and boards — what the wall shows — and never writes. Private
 * drafts stay closed to it, and it is nobody's member (it counts in no turnout).
 */
async function authorizeScreen(sql: Sql, token: string, doc: DocName): Promise<Access | Refusal> {
	const workshopId = await workshopByScreenToken(sql, token);
	if (!workshopId) return { status: 401, reason: 'unknown or revoked screen link' };
	let locked = false;
	if (doc.kind === 'draft') return { status: 403, reason: 'the screen reads no drafts' };
	if (doc.kind === 'control' && doc.workshopId !== workshopId) return { status: 403, reason: 'another workshop' };
	if (doc.kind === 'board') {
		const [board] = await sql<{ workshop_id: string; locked: boolean }[]>`select workshop_id, locked from public.boards where id = ${doc.boardId}`;
		if (!board || board.workshop_id !== workshopId) return { status: 403, reason: 'another workshop' };
		locked = board.locked;
	}
	const user: Presence = { memberId: screenMemberId(workshopId), name: '', organisation: '', colour: '#57534e', role: 'observer' };
	return { doc, workshopId, user, writer: false, locked, rights: DEFAULT_RIGHTS, anonymous: false, ownCards: null };
}
