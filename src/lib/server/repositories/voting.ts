import type { Sql } from '../db/client';
import { asMember, type Viewer } from '../db/client';
import type { Mark, Method, OptionSource, RoundAggregate, RoundOption, RoundSettings, RoundStatus } from '#lib/domain/voting/types.js';

/** A round as stored: its settings, state and frozen options. */
export interface RoundRecord {
	id: string;
	workshopId: string;
	boardId: string;
	seq: number;
	title: string;
	source: OptionSource;
	settings: RoundSettings;
	status: RoundStatus;
	/** server time, ms since epoch */
	openedAt: number;
	closesAt: number | null;
	closedAt: number | null;
	parentRound: string | null;
	options: RoundOption[];
}

export interface OpenRoundInput {
	boardId: string;
	title: string;
	source: OptionSource;
	settings: RoundSettings;
	seconds: number | null;
	parentRound: string | null;
	options: { id: string; label: string }[];
}

interface RoundRow {
	id: string;
	workshop_id: string;
	board_id: string;
	seq: number;
	title: string;
	method: Method;
	source: OptionSource;
	settings: Omit<RoundSettings, 'method' | 'anonymous' | 'resultsLive' | 'weighting'>;
	anonymous: boolean;
	results_live: boolean;
	weighting: RoundSettings['weighting'];
	status: RoundStatus;
	opened_at: Date;
	closes_at: Date | null;
	closed_at: Date | null;
	parent_round: string | null;
	options: RoundOption[] | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

function toRecord(r: RoundRow): RoundRecord {
	return {
		id: r.id,
		workshopId: r.workshop_id,
		boardId: r.board_id,
		seq: r.seq,
		title: r.title,
		source: r.source,
		settings: { ...r.settings, method: r.method, anonymous: r.anonymous, resultsLive: r.results_live, weighting: r.weighting },
		status: r.status,
		openedAt: r.opened_at.getTime(),
		closesAt: ms(r.closes_at),
		closedAt: ms(r.closed_at),
		parentRound: r.parent_round,
		options: r.options ?? []
	};
}

/** The stored part of the settings; method, anonymity, visibility and weighting have columns of their own. */
function storedSettings(s: RoundSettings) {
	return { dots: s.dots, maxPerOption: s.maxPerOption, choices: s.choices, top: s.top, budget: s.budget, criteria: s.criteria };
}

export async function openRound(sql: Sql, viewer: Viewer, input: OpenRoundInput): Promise<string> {
	const s = input.settings;
	const [row] = await asMember(
		sql,
		viewer,
		(tx) => tx<{ id: string }[]>`
		select public.open_round(${input.boardId}, ${input.title}, ${s.method}, ${input.source},
			${tx.json(storedSettings(s))}, ${s.anonymous}, ${s.resultsLive}, ${s.weighting}, ${input.seconds},
			${input.parentRound}, ${tx.json(input.options)}) as id`
	);
	return row.id;
}

export async function closeRound(sql: Sql, viewer: Viewer, roundId: string): Promise<boolean> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ done: boolean }[]>`select public.close_round(${roundId}) as done`);
	return row.done;
}

export async function revealRound(sql: Sql, viewer: Viewer, roundId: string): Promise<boolean> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ done: boolean }[]>`select public.reveal_round(${roundId}) as done`);
	return row.done;
}

export async function castBallot(sql: Sql, viewer: Viewer, roundId: string, marks: Mark[]): Promise<void> {
	await asMember(sql, viewer, (tx) => tx`select public.cast_ballot(${roundId}, ${tx.json(marks as never)})`);
}

export async function castProxyBallot(sql: Sql, viewer: Viewer, roundId: string, voter: { name: string; organisation: string }, marks: Mark[]): Promise<void> {
	await asMember(
		sql,
		viewer,
		(tx) => tx`
		select public.cast_proxy_ballot(${roundId}, ${voter.name}, ${voter.organisation}, ${tx.json(marks as never)})`
	);
}

export async function myBallot(sql: Sql, viewer: Viewer, roundId: string): Promise<Mark[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ option_id: string; criterion: number; value: number }[]>`
		select * from public.my_ballot(${roundId})`
	);
	return rows.map((r) => ({ option: r.option_id, criterion: r.criterion, value: r.value }));
}

/** Results as the viewer may see them (raises `results_hidden` otherwise). */
export async function roundAggregate(sql: Sql, viewer: Viewer, roundId: string): Promise<RoundAggregate> {
	const [row] = await asMember(sql, viewer, (tx) => tx<{ a: RoundAggregate }[]>`select public.round_aggregate(${roundId}) as a`);
	return row.a;
}

/** Results for the server itself, which publishes them once everyone may see them. */
export async function aggregateOf(sql: Sql, roundId: string): Promise<RoundAggregate> {
	const [row] = await sql<{ a: RoundAggregate }[]>`select public.round_aggregate_of(${roundId}) as a`;
	return row.a;
}

/** Ballots, organisations, proxies; and facilitators who voted themselves (they count as voters then). */
export async function turnoutOf(sql: Sql, roundId: string): Promise<{ voted: number; organisations: number; proxies: number; facilitators: number }> {
	const [row] = await sql<{ voted: number; organisations: number; proxies: number; facilitators: number }[]>`
		select count(*)::int as voted, count(distinct nullif(b.organisation, ''))::int as organisations, count(b.proxy_by)::int as proxies,
			(count(*) filter (where m.role = 'facilitator' and b.proxy_by is null))::int as facilitators
		from public.ballots b left join public.members m on m.id = b.member_id where b.round_id = ${roundId}`;
	return row;
}

export interface NamedMark extends Mark {
	name: string;
	organisation: string;
	proxy: boolean;
}

export async function namedBallots(sql: Sql, viewer: Viewer, roundId: string): Promise<NamedMark[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<{ member_name: string; organisation: string; proxy: boolean; option_id: string; criterion: number; value: number }[]>`
		select * from public.round_named_ballots(${roundId})`
	);
	return rows.map((r) => ({ name: r.member_name, organisation: r.organisation, proxy: r.proxy, option: r.option_id, criterion: r.criterion, value: r.value }));
}

const roundColumns = (sql: Sql) => sql`
	r.id, r.workshop_id, r.board_id, r.seq, r.title, r.method, r.source, r.settings, r.anonymous, r.results_live,
	r.weighting, r.status, r.opened_at, r.closes_at, r.closed_at, r.parent_round,
	(select jsonb_agg(jsonb_build_object('id', o.option_id, 'label', o.label, 'position', o.position) order by o.position)
	 from public.round_options o where o.round_id = r.id) as options`;

/** A board's rounds, newest first, as the viewer may read them (RLS). */
export async function listRounds(sql: Sql, viewer: Viewer, boardId: string): Promise<RoundRecord[]> {
	const rows = await asMember(
		sql,
		viewer,
		(tx) => tx<RoundRow[]>`
		select ${roundColumns(sql)} from public.rounds r where r.board_id = ${boardId} order by r.seq desc`
	);
	return rows.map(toRecord);
}

/** One round, read by the server (for publishing to the control document). */
export async function roundById(sql: Sql, roundId: string): Promise<RoundRecord | null> {
	const [row] = await sql<RoundRow[]>`select ${roundColumns(sql)} from public.rounds r where r.id = ${roundId}`;
	return row ? toRecord(row) : null;
}

/** Open rounds with a timer, for the server's timers after a restart. */
export async function timedOpenRounds(sql: Sql): Promise<{ id: string; closesAt: number }[]> {
	const rows = await sql<{ id: string; closes_at: Date }[]>`
		select id, closes_at from public.rounds where status = 'open' and closes_at is not null`;
	return rows.map((r) => ({ id: r.id, closesAt: r.closes_at.getTime() }));
}

/**
 * Rounds whose published state may lag the database after a crash: a ballot, close or reveal
 * commits before the server publishes it, and a server killed in between never did. Open
 * rounds, and those closed or revealed lately (older ones were published long ago).
 */
export async function roundsToRepublish(sql: Sql): Promise<string[]> {
	const rows = await sql<{ id: string }[]>`
		select id from public.rounds
		where status = 'open' or greatest(closed_at, revealed_at) > now() - interval '1 day'`;
	return rows.map((r) => r.id);
}

/** Closes every round whose timer ran out; returns them. */
export async function closeDueRounds(sql: Sql): Promise<{ roundId: string; workshopId: string }[]> {
	const rows = await sql<{ round_id: string; workshop_id: string }[]>`select * from public.close_due_rounds()`;
	return rows.map((r) => ({ roundId: r.round_id, workshopId: r.workshop_id }));
}
