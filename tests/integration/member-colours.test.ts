import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMigrations, migrate } from '#lib/server/db/migrate.js';
import { asUser } from '#lib/server/db/client.js';
import * as voting from '#lib/server/repositories/voting.js';
import { PRESENCE_COLOURS } from '#lib/domain/board/presence.js';
import { claimFacilitator, createWorkshop, freshDatabase, joinWorkshop, migratedDatabase, type TestDatabase } from './helpers';

const PALETTE = PRESENCE_COLOURS.length;

/** How many members of the workshop hold each colour index, 0 … PALETTE − 1. */
async function usage(db: TestDatabase, workshopId: string, options: { withDeviceless?: boolean } = {}): Promise<number[]> {
	const rows = await db.sql<{ colour: number; deviceless: boolean }[]>`select colour, deviceless from public.members where workshop_id = ${workshopId}`;
	const counts = Array.from({ length: PALETTE }, () => 0);
	for (const r of rows) if (options.withDeviceless || !r.deviceless) counts[r.colour]++;
	return counts;
}

describe('member colours', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await migratedDatabase({ seed: false, max: 20 });
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('20 members joining at once get 16 different colours before any repeats', async () => {
		const w = await createWorkshop(db.sql, { title: 'Colours at once' });
		await Promise.all(Array.from({ length: 20 }, (_, i) => joinWorkshop(db.sql, w.join_code, `Member ${i + 1}`, `Organisation ${i % 7}`)));
		const counts = await usage(db, w.workshop_id);
		// 21 people (the facilitator and 20): every colour once, and the first five twice.
		expect(counts.reduce((a, b) => a + b, 0)).toBe(21);
		expect(counts).toEqual(Array.from({ length: PALETTE }, (_, i) => (i < 21 - PALETTE ? 2 : 1)));
	});

	it('one after another: the facilitator first, then each newcomer the least-used colour; co-facilitators too', async () => {
		const w = await createWorkshop(db.sql, { title: 'Colours in turn' });
		const colourOf = async (id: string) => (await db.sql<{ colour: number }[]>`select colour from public.members where id = ${id}`)[0].colour;
		expect(await colourOf(w.member_id)).toBe(0);
		const first = await joinWorkshop(db.sql, w.join_code, 'Anna', 'Innoskart');
		const observer = await joinWorkshop(db.sql, w.join_code, 'Olga', 'Innoskart', 'observer');
		const cofacilitator = await claimFacilitator(db.sql, w.facilitator_key, 'Ferenc');
		expect([await colourOf(first.member_id), await colourOf(observer.member_id), await colourOf(cofacilitator.member_id)]).toEqual([1, 2, 3]);
		// Another workshop starts again from the first colour.
		const other = await createWorkshop(db.sql, { title: 'Another room' });
		expect(await colourOf(other.member_id)).toBe(0);
	});

	it('a person entered by the facilitator for a ballot (no device) uses no colour up', async () => {
		const w = await createWorkshop(db.sql, { title: 'Proxy colours' });
		const [board] = await db.sql<{ id: string }[]>`select id from public.boards where workshop_id = ${w.workshop_id} limit 1`;
		const facilitator = { memberId: w.member_id, workshopId: w.workshop_id };
		const round = await voting.openRound(db.sql, facilitator, {
			boardId: board.id,
			title: 'Proxy round',
			source: 'cards',
			settings: {
				method: 'dots',
				dots: 5,
				maxPerOption: 3,
				choices: 2,
				top: 3,
				budget: 100,
				criteria: [''],
				anonymous: true,
				resultsLive: false,
				weighting: 'person'
			},
			seconds: null,
			parentRound: null,
			options: [{ id: 'a', label: 'A' }]
		});
		await voting.castProxyBallot(db.sql, facilitator, round, { name: 'Deviceless Dénes', organisation: 'Innoskart' }, [
			{ option: 'a', criterion: 0, value: 1 }
		]);
		const next = await joinWorkshop(db.sql, w.join_code, 'Anna', 'Innoskart');
		const [{ colour }] = await db.sql<{ colour: number }[]>`select colour from public.members where id = ${next.member_id}`;
		expect(colour).toBe(1);
		expect((await usage(db, w.workshop_id, { withDeviceless: true })).slice(0, 2)).toEqual([1, 2]);
	});

	it('the database alone chooses: a member cannot pick or change a colour', async () => {
		const w = await createWorkshop(db.sql, { title: 'No picking' });
		const anna = await joinWorkshop(db.sql, w.join_code, 'Anna', 'Innoskart');
		const attempt = asUser(
			db.sql,
			{ sub: anna.member_id, role: 'authenticated', workshop_id: w.workshop_id },
			(tx) => tx`update public.members set colour = 7 where id = ${anna.member_id}`
		);
		await expect(attempt).rejects.toThrow(/permission denied/);
	});
});

describe('the migration gives members who joined before it colours in joining order', () => {
	let db: TestDatabase;
	afterAll(async () => {
		await db?.drop();
	});

	it('per workshop, by the time they joined', async () => {
		db = await freshDatabase();
		const earlier = bundledMigrations().filter((m) => m.version < '20261202070000');
		await migrate(db.sql, { migrations: earlier, seed: false });
		const a = await createWorkshop(db.sql, { title: 'Before colours A' });
		const b = await createWorkshop(db.sql, { title: 'Before colours B' });
		const joined: string[] = [];
		for (let i = 0; i < 18; i++) joined.push((await joinWorkshop(db.sql, a.join_code, `Member ${i + 1}`, 'Org')).member_id);
		const inB = await joinWorkshop(db.sql, b.join_code, 'Bea', 'Org');
		await migrate(db.sql, { seed: false });
		const colours = await db.sql<{ id: string; colour: number }[]>`select id, colour from public.members`;
		const colourOf = new Map(colours.map((r) => [r.id, r.colour]));
		expect([a.member_id, ...joined].map((id) => colourOf.get(id))).toEqual(Array.from({ length: 19 }, (_, i) => i % PALETTE));
		expect([colourOf.get(b.member_id), colourOf.get(inB.member_id)]).toEqual([0, 1]);
		// Members joining after the migration continue the rule.
		const next = await joinWorkshop(db.sql, a.join_code, 'Late', 'Org');
		expect((await db.sql<{ colour: number }[]>`select colour from public.members where id = ${next.member_id}`)[0].colour).toBe(19 % PALETTE);
	});
});
