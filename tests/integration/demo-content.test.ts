/**
 * The demo workshops' content, written as the app writes it on a first start: board documents
 * through the sync server, the round through Voting and the ballot function. Checked against the
 * database's member rows (attribution), the ballots table and what snapshots and the report read.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readBoard } from '#lib/domain/board/board-model.js';
import { Voting } from '#lib/server/voting.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { renderWorkshop } from '#lib/server/snapshots.js';
import { compileReport } from '#lib/exports/report.js';
import { seedDemoContent } from '#lib/server/demo/seed-demo.js';
import { DEMO_FOLLOW_UPS, DEMO_WORKSHOPS, GOALS, MISSION, MISSION_DEBRECEN, VALUES_ROUND } from '#lib/server/demo/content.js';
import { processView } from '#lib/server/process.js';
import { migratedDatabase, type TestDatabase } from './helpers';
import { startSyncServer, type TestSyncServer } from './sync-helpers';

let db: TestDatabase;
let server: TestSyncServer;
let voting: Voting;

beforeAll(async () => {
	db = await migratedDatabase();
	server = await startSyncServer(db.sql);
	voting = new Voting(db.sql, server.sync);
	await seedDemoContent({ sql: db.sql, sync: server.sync, voting });
}, 60_000);

afterAll(async () => {
	voting?.stop();
	await server?.close();
	await db?.drop();
});

describe.each([
	['hu', 'BFURED', 'Nemzeti klaszterstratégiai műhely', 'Együttműködés és bizalom', 'A bruttó hozzáadott érték 10%-a együttműködő vállalkozásoktól 2030-ra'],
	['en', 'BFUREN', 'National Cluster Strategy Workshop', 'Cooperation and trust', '10% of gross value added by cooperating firms by 2030']
] as const)('the %s demo', (language, code, title, firstGroup, goal) => {
	const workshopId = DEMO_WORKSHOPS[language].id;
	const board = (n: number) => `${DEMO_WORKSHOPS[language].idPrefix}b${n}`;
	const read = (n: number) => server.sync.read({ doc: parseDocName(`board/${board(n)}`)!, workshopId });

	test('is its own workshop in its language, joined with its own code', async () => {
		const [w] = await db.sql`select id, title, language from public.workshops where join_code = ${code}`;
		expect(w).toEqual({ id: workshopId, title, language });
	});

	test("Values: sixteen cards in four groups, each signed exactly as its author's member row", async () => {
		const view = readBoard(await read(1));
		expect(view.groups.map((g) => g.title)[0]).toBe(firstGroup);
		expect(view.groups.map((g) => g.cards.length)).toEqual([4, 4, 4, 3]);
		expect(view.ungrouped).toHaveLength(1);
		const members = await db.sql<{ id: string; name: string; organisation: string; role: string }[]>`
			select m.id, m.name, o.name as organisation, m.role from public.members m join public.organisations o on o.id = m.organisation_id
			where m.workshop_id = ${workshopId}`;
		const cards = [...view.groups.flatMap((g) => g.cards), ...view.ungrouped];
		for (const card of cards) {
			const member = members.find((m) => m.id === card.author);
			expect(member, card.text).toBeDefined();
			expect([card.authorName, card.organisation, member!.role]).toEqual([member!.name, member!.organisation, 'participant']);
		}
		expect(new Set(cards.map((c) => c.organisation)).size).toBe(6);
	});

	test('Values: a closed and revealed dot-voting round, its ballots stored by the ballot function', async () => {
		const rounds = await db.sql<{ id: string; status: string; method: string }[]>`select id, status, method from public.rounds where board_id = ${board(1)}`;
		expect(rounds.map((r) => [r.status, r.method])).toEqual([['revealed', 'dots']]);
		const [{ n, organisations }] = await db.sql<{ n: number; organisations: number }[]>`
			select count(*)::int as n, count(distinct m.organisation_id)::int as organisations
			from public.ballots b join public.members m on m.id = b.member_id where b.round_id = ${rounds[0].id}`;
		expect({ n, organisations }).toEqual({ n: Object.keys(VALUES_ROUND.ballots).length, organisations: 6 });
	});

	test('Mission: the statement in two wordings; Goals: the two goals with indicator, target and year', async () => {
		const mission = readBoard(await read(2));
		expect(mission.variants.map((v) => [v.label, v.text])).toEqual([
			['', MISSION.main[language]],
			[MISSION.alternative.label[language], MISSION.alternative.text[language]]
		]);
		const goals = readBoard(await read(4)).ungrouped;
		expect(goals.map((c) => [c.text, c.indicator, c.target, c.year])).toEqual(
			GOALS.map((g) => [g.text[language], g.indicator[language], g.target[language], g.year])
		);
		expect(goals[1].text).toBe(goal);
	});

	test('the report shows the values that came out on top and the mission draft', async () => {
		const [w] = await db.sql<
			{ title: string; starts_on: string; venue: string }[]
		>`select title, starts_on, venue from public.workshops where id = ${workshopId}`;
		const report = compileReport({
			workshop: { title: w.title, language, startsOn: w.starts_on, venue: w.venue },
			boards: await renderWorkshop(db.sql, server.sync, workshopId)
		});
		const [values, mission] = report.boards;
		// Weighted per organisation: the two NOHAC members' dots count half each.
		expect(values.round).toMatchObject({ method: 'dots', voters: 7, weighting: 'organisation' });
		const first = language === 'hu' ? 'A versenytársak is együtt dolgoznak közös projekteken' : 'Competitors work together on joint projects';
		const second = language === 'hu' ? 'Kaput nyit a külföldi piacokra a kkv-k előtt' : 'Opens foreign markets to SMEs';
		expect(values.top.slice(0, 2).map((t) => [t.label, t.total, t.rank])).toEqual([
			[first, 10, 1],
			[second, 7.5, 2]
		]);
		expect(mission).toMatchObject({ statementFrom: 'draft', statement: { text: MISSION.main[language] } });
	});
});

describe.each([
	['hu', 'DEBREC', 'Klasztermenedzser Klub – a stratégiatervezet vitája', 'Rövidebb változat'],
	['en', 'DEBREN', "Cluster Managers' Club – discussing the draft strategy", 'Shorter wording']
] as const)('the %s demo’s follow-up meeting (Debrecen)', (language, code, title, alternative) => {
	const { id: workshopId, idPrefix } = DEMO_FOLLOW_UPS[language];

	test('follows Balatonfüred, with its boards and organisations, and starts the mission from its statement, reworded', async () => {
		const [w] = await db.sql`select id, title, follows, starts_on, venue from public.workshops where join_code = ${code}`;
		expect(w).toEqual({ id: workshopId, title, follows: DEMO_WORKSHOPS[language].id, starts_on: '2021-07-08', venue: 'Debrecen' });
		const orgs = await db.sql`select count(*)::int as n from public.organisations where workshop_id = ${workshopId}`;
		expect(orgs[0].n).toBe(6);
		const mission = readBoard(await server.sync.read({ doc: parseDocName(`board/${idPrefix}b2`)!, workshopId }));
		expect(mission.variants.map((v) => [v.label, v.text])).toEqual([
			['', MISSION_DEBRECEN[language]],
			[alternative, MISSION.alternative.text[language]]
		]);
		// The process page, as Debrecen's facilitator sees it: both meetings, and the mission's rewording.
		const view = await processView(db.sql, server.sync, { memberId: `${idPrefix}f1`, workshopId });
		expect(view.meetings.map((m) => [m.id, m.step])).toEqual([
			[DEMO_WORKSHOPS[language].id, -1],
			[workshopId, 0]
		]);
		const [change] = view.changes[workshopId];
		expect(change.before).toBe(MISSION.main[language]);
		expect(change.words.some((w) => w.kind === 'added')).toBe(true);
		// The values that came out on top in Balatonfüred's revealed round, carried as cards with no author.
		const values = readBoard(await server.sync.read({ doc: parseDocName(`board/${idPrefix}b1`)!, workshopId }));
		const first = language === 'hu' ? 'A versenytársak is együtt dolgoznak közös projekteken' : 'Competitors work together on joint projects';
		expect(values.groups).toHaveLength(1);
		expect(values.groups[0].title).toBe(language === 'hu' ? 'Előző találkozó' : 'Previous meeting');
		expect(values.groups[0].cards[0]).toMatchObject({ text: first, author: '', authorName: '', organisation: '' });
		expect(values.groups[0].cards.length).toBeGreaterThanOrEqual(5);
	});
});
