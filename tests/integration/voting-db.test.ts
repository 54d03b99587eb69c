import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asMember, createWorkshop, joinWorkshop, migratedDatabase, rejection, type CreatedWorkshop, type TestDatabase } from './helpers';
import * as voting from '#lib/server/repositories/voting.js';
import { connect } from '#lib/server/db/client.js';
import { POOLED, type Mark, type RoundSettings } from '#lib/domain/voting/types.js';

let db: TestDatabase;
let workshop: CreatedWorkshop;
let other: CreatedWorkshop;
let board: string;
const people: Record<'anna' | 'bela' | 'csaba' | 'observer' | 'stranger', string> = {} as never;
const OPTIONS = ['a', 'b', 'c', 'd'].map((id) => ({ id, label: `Option ${id.toUpperCase()}` }));

const viewer = (memberId: string, workshopId = workshop.workshop_id) => ({ memberId, workshopId });
const facilitator = () => viewer(workshop.member_id);

function settings(over: Partial<RoundSettings> = {}): RoundSettings {
	return {
		method: 'dots',
		dots: 5,
		maxPerOption: 3,
		choices: 2,
		top: 3,
		budget: 100,
		criteria: [''],
		anonymous: true,
		resultsLive: false,
		weighting: 'person',
		...over
	};
}

async function open(over: Partial<RoundSettings> = {}, extra: Partial<voting.OpenRoundInput> = {}) {
	return voting.openRound(db.sql, facilitator(), {
		boardId: board,
		title: 'Round',
		source: 'cards',
		settings: settings(over),
		seconds: null,
		parentRound: null,
		options: OPTIONS,
		...extra
	});
}

const mark = (option: string, value: number, criterion = 0): Mark => ({ option, criterion, value });
const codeOf = async (p: Promise<unknown>) => (await rejection(p)).message;

beforeAll(async () => {
	db = await migratedDatabase({ seed: false, max: 60 });
	workshop = await createWorkshop(db.sql);
	other = await createWorkshop(db.sql, { title: 'Other' });
	[{ id: board }] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${workshop.workshop_id} order by position limit 1`;
	people.anna = (await joinWorkshop(db.sql, workshop.join_code, 'Anna', 'Innoskart')).member_id;
	people.bela = (await joinWorkshop(db.sql, workshop.join_code, 'Béla', 'Innoskart')).member_id;
	people.csaba = (await joinWorkshop(db.sql, workshop.join_code, 'Csaba', 'NOHAC')).member_id;
	people.observer = (await joinWorkshop(db.sql, workshop.join_code, 'Olga', 'Ministry', 'observer')).member_id;
	people.stranger = (await joinWorkshop(db.sql, other.join_code, 'Zoltán', 'Elsewhere')).member_id;
});

afterAll(async () => {
	await db?.drop();
});

describe('opening and closing', () => {
	test('only a facilitator opens a round, one open round per board, numbered per board', async () => {
		expect(
			await codeOf(
				voting.openRound(db.sql, viewer(people.anna), {
					boardId: board,
					title: 'x',
					source: 'cards',
					settings: settings(),
					seconds: null,
					parentRound: null,
					options: OPTIONS
				})
			)
		).toBe('not_allowed');
		const first = await open();
		expect(await codeOf(open())).toBe('round_already_open');
		expect(await codeOf(voting.closeRound(db.sql, viewer(people.anna), first))).toBe('not_allowed');
		expect(await voting.closeRound(db.sql, facilitator(), first)).toBe(true);
		const second = await open();
		const rounds = await voting.listRounds(db.sql, viewer(people.anna), board);
		expect(rounds.map((r) => [r.id, r.seq, r.status])).toEqual([
			[second, 2, 'open'],
			[first, 1, 'closed']
		]);
		expect(rounds[0].options.map((o) => o.label)).toEqual(OPTIONS.map((o) => o.label));
		await voting.closeRound(db.sql, facilitator(), second);
	});

	test('bad settings and empty option lists are refused', async () => {
		expect(await codeOf(open({ dots: 0 }))).toBe('invalid_settings');
		expect(await codeOf(open({ criteria: ['a', 'b', 'c'] }))).toBe('invalid_settings');
		expect(await codeOf(open({}, { options: [] }))).toBe('no_options');
		expect(await codeOf(open({ method: 'plurality' as never }))).toBe('invalid_method');
		expect((await db.sql`select count(*)::int as n from public.rounds where status = 'open'`)[0].n).toBe(0);
	});
});

describe('ballots', () => {
	test('50 concurrent casts by one member leave exactly one ballot, whole', async () => {
		const round = await open();
		const ballots = Array.from({ length: 50 }, (_, i) => [mark(OPTIONS[i % 4].id, 1 + (i % 3)), mark(OPTIONS[(i + 1) % 4].id, 2)]);
		const results = await Promise.allSettled(ballots.map((b) => voting.castBallot(db.sql, viewer(people.anna), round, b)));
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		const [{ n }] = await db.sql`select count(*)::int as n from public.ballots where round_id = ${round}`;
		expect(n).toBe(1);
		// The stored marks are one of the ballots sent, not a mixture of several.
		const stored = await voting.myBallot(db.sql, viewer(people.anna), round);
		const key = (marks: Mark[]) => JSON.stringify([...marks].sort((x, y) => x.option.localeCompare(y.option)));
		expect(ballots.map(key)).toContain(key(stored));
		await voting.closeRound(db.sql, facilitator(), round);
	});

	test('casting again replaces the earlier ballot', async () => {
		const round = await open();
		await voting.castBallot(db.sql, viewer(people.bela), round, [mark('a', 3), mark('b', 2)]);
		await voting.castBallot(db.sql, viewer(people.bela), round, [mark('c', 1)]);
		expect(await voting.myBallot(db.sql, viewer(people.bela), round)).toEqual([mark('c', 1)]);
		expect((await db.sql`select count(*)::int as n from public.ballot_marks where round_id = ${round}`)[0].n).toBe(1);
		await voting.closeRound(db.sql, facilitator(), round);
	});

	test('each rule is refused with its code, and nothing is stored', async () => {
		const dots = await open();
		const cast = (marks: unknown, who = people.csaba) => codeOf(voting.castBallot(db.sql, viewer(who), dots, marks as Mark[]));
		expect(await cast([mark('a', 3), mark('b', 3)])).toBe('over_budget');
		expect(await cast([mark('a', 4)])).toBe('over_max_per_option');
		expect(await cast([mark('zzz', 1)])).toBe('unknown_option');
		expect(await cast([])).toBe('empty_ballot');
		expect(await cast([mark('a', 1), mark('a', 2)])).toBe('duplicate_mark');
		expect(await cast([mark('a', 0)])).toBe('out_of_range');
		expect(await cast([{ option: 'a', criterion: 0, value: 1.5 }])).toBe('out_of_range');
		expect(await cast([{ option: 'a', criterion: 0, value: '1' }])).toBe('out_of_range');
		expect(await cast({ a: 1 })).toBe('empty_ballot');
		expect(await cast([mark('a', 1)], people.observer)).toBe('observer');
		expect(await codeOf(voting.castBallot(db.sql, viewer(people.stranger, other.workshop_id), dots, [mark('a', 1)]))).toBe('not_member');
		expect((await db.sql`select count(*)::int as n from public.ballots where round_id = ${dots}`)[0].n).toBe(0);
		await voting.closeRound(db.sql, facilitator(), dots);
		expect(await cast([mark('a', 1)])).toBe('round_closed');

		const approval = await open({ method: 'approval', choices: 2 });
		const castA = (marks: Mark[]) => codeOf(voting.castBallot(db.sql, viewer(people.csaba), approval, marks));
		expect(await castA([mark('a', 1), mark('b', 1), mark('c', 1)])).toBe('too_many_choices');
		expect(await castA([mark('a', 2)])).toBe('out_of_range');
		await voting.castBallot(db.sql, viewer(people.csaba), approval, [mark('a', 1), mark('b', 1)]);
		await voting.closeRound(db.sql, facilitator(), approval);

		const score = await open({ method: 'score', criteria: ['Impact', 'Feasibility'] });
		const castS = (marks: Mark[]) => codeOf(voting.castBallot(db.sql, viewer(people.csaba), score, marks));
		expect(await castS([mark('a', 6)])).toBe('out_of_range');
		expect(await castS([mark('a', 3, 2)])).toBe('out_of_range');
		await voting.castBallot(db.sql, viewer(people.csaba), score, [mark('a', 5, 0), mark('a', 2, 1)]);
		await voting.closeRound(db.sql, facilitator(), score);

		const ranking = await open({ method: 'ranking', top: 2 });
		const castR = (marks: Mark[]) => codeOf(voting.castBallot(db.sql, viewer(people.csaba), ranking, marks));
		expect(await castR([mark('a', 1), mark('b', 1)])).toBe('duplicate_position');
		expect(await castR([mark('a', 3)])).toBe('out_of_range');
		await voting.castBallot(db.sql, viewer(people.csaba), ranking, [mark('a', 2), mark('b', 1)]);
		await voting.closeRound(db.sql, facilitator(), ranking);

		const budget = await open({ method: 'budget', budget: 100 });
		const castB = (marks: Mark[]) => codeOf(voting.castBallot(db.sql, viewer(people.csaba), budget, marks));
		expect(await castB([mark('a', 60), mark('b', 41)])).toBe('over_budget');
		await voting.castBallot(db.sql, viewer(people.csaba), budget, [mark('a', 60), mark('b', 40)]);
		await voting.closeRound(db.sql, facilitator(), budget);
	});

	test('a timed round refuses ballots once its time is up, before any sweep', async () => {
		const round = await open({}, { seconds: 60 });
		await voting.castBallot(db.sql, viewer(people.anna), round, [mark('a', 1)]);
		await db.sql`update public.rounds set closes_at = now() - interval '1 second' where id = ${round}`;
		expect(await codeOf(voting.castBallot(db.sql, viewer(people.bela), round, [mark('a', 1)]))).toBe('round_closed');
		expect((await voting.closeDueRounds(db.sql)).map((r) => r.roundId)).toEqual([round]);
		expect((await voting.roundById(db.sql, round))?.status).toBe('closed');
	});
});

describe('secrecy', () => {
	test('nobody reads who voted what in an anonymous round: not members, not facilitators, not through SQL', async () => {
		const round = await open({ anonymous: true });
		await voting.castBallot(db.sql, viewer(people.anna), round, [mark('a', 2)]);
		await voting.castBallot(db.sql, viewer(people.csaba), round, [mark('b', 1)]);
		for (const who of [workshop.member_id, people.anna, people.observer]) {
			for (const table of ['ballots', 'ballot_marks']) {
				const err = await rejection(asMember(db.sql, who, (tx) => tx`select * from ${tx(`public.${table}`)}`));
				expect(err.code).toBe('42501');
			}
			expect(await codeOf(voting.namedBallots(db.sql, viewer(who), round))).toBe('anonymous_round');
		}
		// While the round is open and results are not live, nobody sees totals; after close, the facilitator does.
		expect(await codeOf(voting.roundAggregate(db.sql, facilitator(), round))).toBe('results_hidden');
		await voting.closeRound(db.sql, facilitator(), round);
		expect(await codeOf(voting.roundAggregate(db.sql, viewer(people.anna), round))).toBe('results_hidden');
		const aggregate = await voting.roundAggregate(db.sql, facilitator(), round);
		// Two ballots: each voter would read the other's from any total, so only how many voted is reported.
		expect(aggregate.voters).toEqual([{ organisation: POOLED, count: 2, proxies: 0, pooled: true, organisations: 2 }]);
		expect(aggregate.cells).toEqual([]);
		expect(JSON.stringify(aggregate)).not.toContain(people.anna);
		await voting.revealRound(db.sql, facilitator(), round);
		expect(await voting.roundAggregate(db.sql, viewer(people.anna), round)).toEqual(aggregate);
		// A member of another workshop sees nothing at all.
		expect(await codeOf(voting.roundAggregate(db.sql, viewer(people.stranger, other.workshop_id), round))).toBe('not_found');
	});

	test('live results are visible while open; a named round shows names once results are visible', async () => {
		const round = await open({ anonymous: false, resultsLive: true });
		await voting.castBallot(db.sql, viewer(people.bela), round, [mark('c', 3)]);
		expect((await voting.roundAggregate(db.sql, viewer(people.anna), round)).cells).toHaveLength(1);
		const named = await voting.namedBallots(db.sql, viewer(people.anna), round);
		expect(named).toEqual([{ name: 'Béla', organisation: 'Innoskart', proxy: false, option: 'c', criterion: 0, value: 3 }]);
		await voting.closeRound(db.sql, facilitator(), round);
	});

	test('a facilitator enters a ballot for someone without a device; they cannot cast themselves', async () => {
		const round = await open();
		expect(await codeOf(voting.castProxyBallot(db.sql, viewer(people.anna), round, { name: 'Dóra', organisation: 'NOHAC' }, [mark('a', 1)]))).toBe(
			'not_allowed'
		);
		await voting.castProxyBallot(db.sql, facilitator(), round, { name: 'Dóra', organisation: 'NOHAC' }, [mark('a', 1)]);
		// The same person again replaces their ballot.
		await voting.castProxyBallot(db.sql, facilitator(), round, { name: 'dóra', organisation: 'nohac' }, [mark('d', 2)]);
		expect(await codeOf(voting.castProxyBallot(db.sql, facilitator(), round, { name: 'Dóra', organisation: 'NOHAC' }, [mark('a', 9)]))).toBe(
			'over_max_per_option'
		);
		await voting.closeRound(db.sql, facilitator(), round);
		const aggregate = await voting.roundAggregate(db.sql, facilitator(), round);
		// The only ballot of an anonymous round: its organisation is not named.
		expect(aggregate.voters).toEqual([{ organisation: POOLED, count: 1, proxies: 1, pooled: true, organisations: 1 }]);
		expect(aggregate.cells).toEqual([]);
		const [dora] = await db.sql<{ id: string }[]>`select id from public.members where deviceless and workshop_id = ${workshop.workshop_id}`;
		expect(await codeOf(voting.castBallot(db.sql, viewer(dora.id), round, [mark('a', 1)]))).toBe('not_member');
	});
});

describe('the interface and the database apply the same rules', () => {
	test('validateBallot (rules.ts) and store_ballot agree on every case', async () => {
		const { validateBallot, normaliseSettings } = await import('#lib/domain/voting/rules.js');
		const ids = OPTIONS.map((o) => o.id);
		const cases: [Partial<RoundSettings> & { method: RoundSettings['method'] }, Mark[]][] = [];
		const values = [0, 1, 2, 3, 4, 5, 6, 60, 101];
		for (const method of ['dots', 'approval', 'score', 'ranking', 'budget'] as const) {
			for (const v of values) cases.push([{ method }, [mark('a', v)]]);
			cases.push([{ method }, [mark('a', 1), mark('b', 2), mark('c', 3)]]);
			cases.push([{ method }, [mark('a', 1), mark('b', 1), mark('c', 1), mark('d', 1)]]);
			cases.push([{ method }, [mark('a', 3), mark('b', 3)]]);
			cases.push([{ method }, [mark('a', 1), mark('a', 1)]]);
			cases.push([{ method }, [mark('nope', 1)]]);
			cases.push([{ method }, [mark('a', 1, 1)]]);
			cases.push([{ method }, []]);
		}
		cases.push([{ method: 'score', criteria: ['Impact', 'Feasibility'] }, [mark('a', 4, 0), mark('a', 2, 1), mark('b', 5, 1)]]);
		cases.push([{ method: 'budget' }, [mark('a', 50), mark('b', 30), mark('c', 20)]]);
		cases.push([{ method: 'budget' }, [mark('a', 50), mark('b', 30), mark('c', 21)]]);
		const disagreements: string[] = [];
		let refused = 0;
		for (const [input, marks] of cases) {
			const s = normaliseSettings({ ...input, anonymous: true, resultsLive: false, weighting: 'person' }, ids.length);
			const round = await open(s);
			const expected = validateBallot(s, ids, marks);
			const actual = await voting.castBallot(db.sql, viewer(people.csaba), round, marks).then(
				() => null,
				(e) => (e as Error).message
			);
			if (actual) refused++;
			if (expected !== actual) disagreements.push(`${s.method} ${JSON.stringify(marks)}: rules ${expected}, database ${actual}`);
			await voting.closeRound(db.sql, facilitator(), round);
		}
		expect(disagreements).toEqual([]);
		// Both accept and refuse: the comparison is not trivially one-sided.
		expect(refused).toBeGreaterThan(20);
		expect(cases.length - refused).toBeGreaterThan(10);
	});
});

test('the database aggregate tallies exactly like the ballots that were cast', async () => {
	const { aggregate, tally } = await import('#lib/domain/voting/tally.js');
	// Named: an anonymous round pools these organisations of two (see below), which the tally of the ballots does not.
	const s = settings({ method: 'score', criteria: ['Impact', 'Feasibility'], weighting: 'organisation', resultsLive: true, anonymous: false });
	const round = await open(s);
	const ballots: { organisation: string; marks: Mark[]; proxy?: boolean }[] = [];
	const voters = [
		{ id: people.anna, organisation: 'Innoskart' },
		{ id: people.bela, organisation: 'Innoskart' },
		{ id: people.csaba, organisation: 'NOHAC' }
	];
	for (const [i, v] of voters.entries()) {
		const marks = OPTIONS.slice(i).flatMap((o, j) => [mark(o.id, 1 + ((i + j) % 5), 0), mark(o.id, 5 - ((i * j) % 5), 1)]);
		await voting.castBallot(db.sql, viewer(v.id), round, marks);
		ballots.push({ organisation: v.organisation, marks });
	}
	const proxyMarks = [mark('b', 5, 0)];
	await voting.castProxyBallot(db.sql, facilitator(), round, { name: 'Emese', organisation: 'NOHAC' }, proxyMarks);
	ballots.push({ organisation: 'NOHAC', marks: proxyMarks, proxy: true });
	const options = OPTIONS.map((o, position) => ({ ...o, position }));
	const fromDatabase = tally(await voting.roundAggregate(db.sql, viewer(people.anna), round), options, s);
	expect(fromDatabase).toEqual(tally(aggregate(ballots), options, s));
	expect(fromDatabase.voters).toBe(4);
	expect(fromDatabase.proxies).toBe(1);
	await voting.closeRound(db.sql, facilitator(), round);
});

describe('anonymous rounds name no organisation of one voter', () => {
	const dots = (over: Partial<RoundSettings>) => settings({ method: 'dots', dots: 3, maxPerOption: 3, resultsLive: true, ...over });
	const cast = async (round: string) => {
		await voting.castBallot(db.sql, viewer(people.anna), round, [mark('a', 2)]);
		await voting.castBallot(db.sql, viewer(people.bela), round, [mark('b', 3)]);
		await voting.castBallot(db.sql, viewer(people.csaba), round, [mark('a', 1), mark('c', 2)]);
	};
	const ballots = [
		{ organisation: 'Innoskart', marks: [mark('a', 2)] },
		{ organisation: 'Innoskart', marks: [mark('b', 3)] },
		{ organisation: 'NOHAC', marks: [mark('a', 1), mark('c', 2)] }
	];

	test('a named round reports every organisation, the one of a single voter too', async () => {
		const round = await open(dots({ anonymous: false }));
		await cast(round);
		const aggregate = await voting.roundAggregate(db.sql, viewer(people.anna), round);
		expect(aggregate.voters).toEqual([
			{ organisation: 'Innoskart', count: 2, proxies: 0 },
			{ organisation: 'NOHAC', count: 1, proxies: 0 }
		]);
		await voting.closeRound(db.sql, facilitator(), round);
	});

	for (const weighting of ['person', 'organisation'] as const) {
		test(`with one organisation of one voter, every ballot is reported together, and the tally is the same (per ${weighting})`, async () => {
			const { aggregate, tally } = await import('#lib/domain/voting/tally.js');
			const s = dots({ anonymous: true, weighting });
			const round = await open(s);
			await cast(round);
			await voting.closeRound(db.sql, facilitator(), round);
			const fromDatabase = await voting.roundAggregate(db.sql, viewer(people.csaba), round);
			// NOHAC alone would be the total minus Innoskart: no organisation is named.
			expect(fromDatabase.voters).toEqual([{ organisation: POOLED, count: 3, proxies: 0, pooled: true, organisations: 2 }]);
			expect(JSON.stringify(fromDatabase)).not.toMatch(/Innoskart|NOHAC/);
			const half = weighting === 'organisation' ? 0.5 : 1;
			expect(fromDatabase.cells).toEqual([
				{ organisation: POOLED, option: 'a', criterion: 0, value: 1, count: 1, weight: 1 },
				{ organisation: POOLED, option: 'a', criterion: 0, value: 2, count: 1, weight: half },
				{ organisation: POOLED, option: 'b', criterion: 0, value: 3, count: 1, weight: half },
				{ organisation: POOLED, option: 'c', criterion: 0, value: 2, count: 1, weight: 1 }
			]);
			const options = OPTIONS.map((o, position) => ({ ...o, position }));
			const strip = (r: ReturnType<typeof tally>) => r.options.map((o) => [o.id, o.rank, o.total, o.tied, o.supporters]);
			expect(strip(tally(fromDatabase, options, s))).toEqual(strip(tally(aggregate(ballots), options, s)));
		});
	}

	test('with two organisations of one voter and one of two, all four ballots are reported together', async () => {
		const dora = (await joinWorkshop(db.sql, workshop.join_code, 'Dóra', 'Pannon Cluster')).member_id;
		const round = await open(dots({ anonymous: true, weighting: 'organisation' }));
		await cast(round);
		await voting.castBallot(db.sql, viewer(dora), round, [mark('c', 3)]);
		await voting.closeRound(db.sql, facilitator(), round);
		const fromDatabase = await voting.roundAggregate(db.sql, viewer(people.anna), round);
		expect(fromDatabase.voters).toEqual([{ organisation: POOLED, count: 4, proxies: 0, pooled: true, organisations: 3 }]);
		expect(JSON.stringify(fromDatabase)).not.toMatch(/Innoskart|NOHAC|Pannon/);
	});
});

describe('anonymous rounds show no cell of fewer than three ballots', () => {
	let joined = 0;
	/** Members of the given organisations (one per entry), each casting one dot on an option in turn. */
	const castBy = async (round: string, organisations: string[]) => {
		const ballots: { organisation: string; marks: Mark[] }[] = [];
		for (const [i, organisation] of organisations.entries()) {
			const { member_id } = await joinWorkshop(db.sql, workshop.join_code, `Small ${++joined}`, organisation);
			const marks = [mark(OPTIONS[i % 4].id, 1 + (i % 3))];
			await voting.castBallot(db.sql, viewer(member_id), round, marks);
			ballots.push({ organisation, marks });
		}
		return ballots;
	};
	const s = settings({ method: 'dots', dots: 3, maxPerOption: 3, weighting: 'organisation' });
	const byName = (voters: { organisation: string }[]) => [...voters].sort((a, b) => a.organisation.localeCompare(b.organisation));

	/** No bucket under three ballots, every cell in a shown bucket, and the same tally as the ballots. */
	async function expectSafe(round: string, ballots: { organisation: string; marks: Mark[] }[]) {
		const { aggregate, tally } = await import('#lib/domain/voting/tally.js');
		const fromDatabase = await voting.roundAggregate(db.sql, facilitator(), round);
		expect(fromDatabase.voters.filter((v) => v.count < 3)).toEqual([]);
		const buckets = new Set(fromDatabase.voters.map((v) => v.organisation));
		expect(fromDatabase.cells.filter((c) => !buckets.has(c.organisation))).toEqual([]);
		const options = OPTIONS.map((o, position) => ({ ...o, position }));
		const bars = (r: ReturnType<typeof tally>) => r.options.map((o) => [o.id, o.rank, Number(o.total.toFixed(6)), o.supporters]);
		expect(bars(tally(fromDatabase, options, s))).toEqual(bars(tally(aggregate(ballots), options, s)));
		return fromDatabase;
	}

	test('an organisation of two is pooled, and the smallest named one joins a pool of two', async () => {
		const round = await open(s);
		const ballots = await castBy(round, ['Alpha', 'Alpha', 'Beta', 'Beta', 'Beta', 'Gamma', 'Gamma', 'Gamma', 'Gamma']);
		await voting.closeRound(db.sql, facilitator(), round);
		const fromDatabase = await expectSafe(round, ballots);
		// Alpha alone would be a bucket of two: Beta (three, fewer than Gamma's four) joins it.
		expect(byName(fromDatabase.voters)).toEqual([
			{ organisation: 'Gamma', count: 4, proxies: 0 },
			{ organisation: POOLED, count: 5, proxies: 0, pooled: true, organisations: 2 }
		]);
		expect(JSON.stringify(fromDatabase)).not.toMatch(/Alpha|Beta/);
	});

	test('organisations of three are named; two organisations of one with one of three are reported only as the total', async () => {
		const named = await open(s);
		const ballots = await castBy(named, ['Delta', 'Delta', 'Delta', 'Epsilon', 'Epsilon', 'Epsilon']);
		await voting.closeRound(db.sql, facilitator(), named);
		expect(byName((await expectSafe(named, ballots)).voters)).toEqual([
			{ organisation: 'Delta', count: 3, proxies: 0 },
			{ organisation: 'Epsilon', count: 3, proxies: 0 }
		]);

		const total = await open(s);
		const few = await castBy(total, ['Zeta', 'Eta', 'Theta', 'Theta', 'Theta']);
		await voting.closeRound(db.sql, facilitator(), total);
		expect((await expectSafe(total, few)).voters).toEqual([{ organisation: POOLED, count: 5, proxies: 0, pooled: true, organisations: 3 }]);
	});

	test("live results of an anonymous round are nobody's while it is open, everyone's once it closes", async () => {
		const round = await open({ ...s, resultsLive: true });
		await castBy(round, ['Iota', 'Iota', 'Iota']);
		for (const who of [workshop.member_id, people.anna]) expect(await codeOf(voting.roundAggregate(db.sql, viewer(who), round))).toBe('results_hidden');
		await voting.closeRound(db.sql, facilitator(), round);
		expect((await voting.roundAggregate(db.sql, viewer(people.anna), round)).voters).toEqual([{ organisation: 'Iota', count: 3, proxies: 0 }]);
	});
});

test('closing while 80 members cast: every acknowledged ballot is counted, every other one refused as closed', async () => {
	const voters = await Promise.all(
		Array.from({ length: 80 }, (_, i) => joinWorkshop(db.sql, workshop.join_code, `Voter ${i}`, `Org ${i % 5}`).then((r) => r.member_id))
	);
	const round = await open();
	const own = connect(db.url, { max: 1 });
	await own`select 1`;
	// The facilitator's close comes in on its own connection once ten casts are acknowledged,
	// while the others are still arriving (one every 10 ms), however slow the machine is.
	let acks = 0;
	let tenth: () => void = () => {};
	const tenAcknowledged = new Promise<void>((r) => (tenth = r));
	const casts = voters.map((id, i) =>
		new Promise((r) => setTimeout(r, i * 10))
			.then(() => voting.castBallot(db.sql, viewer(id), round, [mark(OPTIONS[i % 4].id, 1)]))
			.then(
				() => {
					if (++acks === 10) tenth();
					return 'ok';
				},
				(e) => (e as Error).message
			)
	);
	await tenAcknowledged;
	await voting.closeRound(own, facilitator(), round);
	await own.end();
	const outcomes = await Promise.all(casts);
	const acknowledged = outcomes.filter((o) => o === 'ok').length;
	expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(acknowledged === 80 ? [] : ['round_closed']));
	const [{ n }] = await db.sql`select count(*)::int as n from public.ballots where round_id = ${round}`;
	expect(n).toBe(acknowledged);
	// The close landed among the casts, not after all of them or before all of them (else this proves little).
	expect(acknowledged).toBeGreaterThan(0);
	expect(acknowledged).toBeLessThan(80);
});
