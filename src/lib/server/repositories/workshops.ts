import type { Sql, Tx, Viewer } from '../db/client';
import { asAnon, asMember } from '../db/client';
import type { MemberRole } from '#lib/domain/workshop/roles.js';
import type { BoardKind, Template } from '#lib/domain/workshop/templates.js';
import type { Language } from '#lib/domain/workshop/validation.js';
import type { MemberView } from '#lib/domain/workshop/members.js';
import type { Meeting } from '#lib/domain/workshop/meetings.js';
import type { Board } from './boards';

export interface Workshop {
	id: string;
	title: string;
	startsOn: string | null;
	venue: string;
	language: Language;
	template: Template;
	joinCode: string;
	joiningOpen: boolean;
}

export interface WorkshopPage {
	workshop: Workshop;
	me: MemberView;
	boards: Board[];
	members: MemberView[];
	organisations: string[];
	/** Only for facilitators. */
	facilitatorKey: string | null;
}

export async function createWorkshop(
	sql: Sql,
	input: {
		title: string;
		startsOn: string | null;
		venue: string;
		language: Language;
		template: Template;
		facilitatorName: string;
		boards: { kind: BoardKind; title: string; prompt: string }[];
	}
): Promise<{ workshopId: string; memberId: string }> {
	const [row] = await asAnon(
		sql,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select workshop_id, member_id from public.create_workshop(
			${input.title}, ${input.startsOn}, ${input.venue}, ${input.language}, ${input.template},
			${input.facilitatorName}, ${tx.json(input.boards)})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id };
}

export interface JoinTarget {
	id: string;
	title: string;
	startsOn: string | null;
	venue: string;
	language: Language;
	joiningOpen: boolean;
	organisations: string[];
}

export async function findByCode(sql: Sql, code: string): Promise<JoinTarget | null> {
	const [row] = await asAnon(sql, (tx) => tx`select * from public.workshop_by_code(${code})`);
	if (!row) return null;
	return {
		id: row.id,
		title: row.title,
		startsOn: row.starts_on,
		venue: row.venue,
		language: row.language,
		joiningOpen: row.joining_open,
		organisations: row.organisations
	};
}

export async function joinWorkshop(
	sql: Sql,
	input: { code: string; name: string; organisation: string; role: 'participant' | 'observer' }
): Promise<{ workshopId: string; memberId: string }> {
	const [row] = await asAnon(
		sql,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select workshop_id, member_id from public.join_workshop(${input.code}, ${input.name}, ${input.organisation}, ${input.role})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id };
}

export async function findByFacilitatorKey(sql: Sql, key: string): Promise<{ id: string; title: string; language: Language } | null> {
	const [row] = await asAnon(sql, (tx) => tx`select * from public.workshop_by_facilitator_key(${key})`);
	return row ? { id: row.id, title: row.title, language: row.language } : null;
}

export async function claimFacilitator(sql: Sql, input: { key: string; name: string }): Promise<{ workshopId: string; memberId: string }> {
	const [row] = await asAnon(
		sql,
		(tx) => tx<{ workshop_id: string; member_id: string }[]>`
		select workshop_id, member_id from public.claim_facilitator(${input.key}, ${input.name})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id };
}

/** The current member as row-level security lets them see themselves, or null if gone. */
export async function findMe(sql: Sql, viewer: Viewer): Promise<MemberView | null> {
	return asMember(sql, viewer, async (tx) => (await selectMembers(tx, viewer.workshopId, viewer.memberId))[0] ?? null);
}

/** Everything the workshop page shows, read as the member (RLS decides). */
export async function loadWorkshopPage(sql: Sql, viewer: Viewer): Promise<WorkshopPage | null> {
	return asMember(sql, viewer, async (tx) => {
		const [w] = await tx`select * from public.workshops where id = ${viewer.workshopId}`;
		if (!w) return null;
		const members = await selectMembers(tx, viewer.workshopId);
		const me = members.find((m) => m.id === viewer.memberId);
		if (!me) return null;
		const boards = (
			await tx<(Omit<Board, 'rights'> & { edit_others: boolean; manage_groups: boolean; delete_wordings: boolean })[]>`
				select id, position, kind, title, prompt, locked, anonymous, participants_edit_others as edit_others,
					participants_manage_groups as manage_groups, participants_delete_wordings as delete_wordings
				from public.boards where workshop_id = ${viewer.workshopId} order by position, created_at`
		).map(({ edit_others, manage_groups, delete_wordings, ...b }): Board => ({
			...b,
			rights: { editOthers: edit_others, manageGroups: manage_groups, deleteWordings: delete_wordings }
		}));
		const organisations = (await tx<{ name: string }[]>`select name from public.organisations where workshop_id = ${viewer.workshopId} order by name`).map(
			(o) => o.name
		);
		const [secret] = await tx<{ facilitator_key: string }[]>`
			select facilitator_key from public.workshop_secrets where workshop_id = ${viewer.workshopId}`;
		return {
			workshop: {
				id: w.id,
				title: w.title,
				startsOn: w.starts_on,
				venue: w.venue,
				language: w.language,
				template: w.template,
				joinCode: w.join_code,
				joiningOpen: w.joining_open
			},
			me,
			boards: [...boards],
			members,
			organisations,
			facilitatorKey: secret?.facilitator_key ?? null
		};
	});
}

async function selectMembers(tx: Tx, workshopId: string, memberId?: string): Promise<MemberView[]> {
	const rows = await tx<{ id: string; name: string; role: MemberRole; organisation: string | null; colour: number; workgroup: string | null }[]>`
		select m.id, m.name, m.role, o.name as organisation, m.colour, m.workgroup_board_id as workgroup
		from public.members m left join public.organisations o on o.id = m.organisation_id
		where m.workshop_id = ${workshopId} ${memberId ? tx`and m.id = ${memberId}` : tx``}
		order by m.created_at`;
	return [...rows];
}

export async function updateSettings(
	sql: Sql,
	viewer: Viewer,
	s: { title: string; startsOn: string | null; venue: string; language: Language }
): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		update public.workshops set title = ${s.title}, starts_on = ${s.startsOn}, venue = ${s.venue}, language = ${s.language}
		where id = ${viewer.workshopId}`
	);
	return r.count === 1;
}

export async function setJoiningOpen(sql: Sql, viewer: Viewer, open: boolean): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		update public.workshops set joining_open = ${open} where id = ${viewer.workshopId}`
	);
	return r.count === 1;
}

export async function setMemberRole(sql: Sql, viewer: Viewer, memberId: string, role: MemberRole): Promise<void> {
	await asMember(sql, viewer, (tx) => tx`select public.set_member_role(${memberId}, ${role})`);
}

/** A member's own choice of workgroup (RLS: only their own row, participants and facilitators). */
export async function chooseWorkgroup(sql: Sql, viewer: Viewer, boardId: string | null): Promise<boolean> {
	const r = await asMember(
		sql,
		viewer,
		(tx) => tx`
		update public.members set workgroup_board_id = ${boardId} where id = ${viewer.memberId}`
	);
	return r.count === 1;
}

export async function assignWorkgroup(sql: Sql, viewer: Viewer, memberId: string, boardId: string | null): Promise<void> {
	await asMember(sql, viewer, (tx) => tx`select public.assign_workgroup(${memberId}, ${boardId})`);
}

/**
 * The follow-up of the viewer's workshop, created as its facilitator (the database refuses
 * anyone else: `not_allowed`). Returns the new workshop, its facilitator, and which new board
 * continues which board of this one.
 */
export async function createFollowUp(
	sql: Sql,
	viewer: Viewer,
	input: { title: string; startsOn: string | null; venue: string; facilitatorName: string }
): Promise<{ workshopId: string; memberId: string; boards: { from: string; to: string }[] }> {
	const [row] = await asMember(
		sql,
		viewer,
		(tx) => tx<{ workshop_id: string; member_id: string; boards: { from: string; to: string }[] }[]>`
		select workshop_id, member_id, boards from public.create_follow_up(
			${viewer.workshopId}, ${input.title}, ${input.startsOn}, ${input.venue}, ${input.facilitatorName})`
	);
	return { workshopId: row.workshop_id, memberId: row.member_id, boards: row.boards };
}

/** The meetings before and after the viewer's workshop, in order (only itself when it stands alone). */
export async function meetingChain(sql: Sql, viewer: Viewer): Promise<Meeting[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ id: string; title: string; starts_on: string | null; venue: string; step: number }[]>`
		select id, title, starts_on, venue, step from public.meeting_chain(${viewer.workshopId})`
	);
	return rows.map((r) => ({ id: r.id, title: r.title, startsOn: r.starts_on, venue: r.venue, step: r.step }));
}

/** A board of a meeting in the process (`meeting_boards`), with the board of the previous meeting it continues. */
export interface MeetingBoard {
	id: string;
	workshopId: string;
	kind: BoardKind;
	title: string;
	continues: string | null;
}

/** The boards of every meeting in the viewer's process, in meeting and agenda order (none for a non-member). */
export async function meetingBoards(sql: Sql, viewer: Viewer): Promise<MeetingBoard[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ id: string; workshop_id: string; kind: BoardKind; title: string; continues: string | null }[]>`
		select id, workshop_id, kind, title, continues from public.meeting_boards(${viewer.workshopId})`
	);
	return rows.map((r) => ({ id: r.id, workshopId: r.workshop_id, kind: r.kind, title: r.title, continues: r.continues }));
}
