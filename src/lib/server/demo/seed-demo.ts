/**
 * The demo boards' content, written on the first start (right after supabase/seed.sql created
 * the demo's rows) through the paths a workshop takes for real: board documents through the sync
 * server's own write path (the board model's verbs, stored in board_updates like any edit), the
 * round opened, voted in, closed and revealed through Voting and the database functions that
 * validate every ballot (cast_ballot → store_ballot). Cards are signed by the demo's member rows,
 * exactly as the sync server's attribution guard requires of clients.
 */
import type { Sql } from '../db/client';
import type { SyncServer } from '../sync/sync-server';
import { parseDocName } from '../sync/doc-name';
import type { Voting } from '../voting';
import * as repo from '../repositories/voting';
import { addCard, addGroup, addVariant, editVariantText, MAIN_VARIANT, type Author } from '#lib/domain/board/board-model.js';
import { continueBoards } from '../continue-boards';
import { setPhase } from '#lib/domain/workshop/control-model.js';
import type { Mark } from '#lib/domain/voting/types.js';
import { defaultSettings } from '#lib/domain/voting/rules.js';
import {
	DEMO_FOLLOW_UPS,
	DEMO_WORKSHOPS,
	GOALS,
	MISSION,
	MISSION_DEBRECEN,
	VALUES_GROUPS,
	VALUES_ROUND,
	VALUES_UNGROUPED,
	type DemoAuthor,
	type DemoLanguage
} from './content';

export interface DemoSeedInput {
	sql: Sql;
	sync: SyncServer;
	voting: Voting;
}

/** Fills both demo workshops' boards. Only for a database the seed has just created. */
export async function seedDemoContent(input: DemoSeedInput): Promise<void> {
	for (const language of ['hu', 'en'] as const) {
		await seedWorkshop(input, language);
		await seedFollowUp(input, language);
	}
}

/**
 * Debrecen, the follow-up meeting: each board continues Balatonfüred's as the app's "Plan the
 * next meeting" does it (the statements, the values that came out on top), then the mission's
 * main wording is reworded as discussed there — what the process page shows as the change.
 */
async function seedFollowUp({ sql, sync }: DemoSeedInput, language: DemoLanguage): Promise<void> {
	const { id: workshopId } = DEMO_FOLLOW_UPS[language];
	const boards = await sql<{ id: string; kind: string; continues: string }[]>`
		select id, kind, continues from public.boards where workshop_id = ${workshopId} and continues is not null order by position`;
	if (boards.length === 0) return;
	await continueBoards(sql, sync, {
		from: DEMO_WORKSHOPS[language].id,
		to: workshopId,
		language,
		boards: boards.map((b) => ({ from: b.continues, to: b.id }))
	});
	const mission = boards.find((b) => b.kind === 'mission');
	if (mission)
		await sync.write({ doc: parseDocName(`board/${mission.id}`)!, workshopId }, (doc) => editVariantText(doc, MAIN_VARIANT, MISSION_DEBRECEN[language]));
}

async function seedWorkshop({ sql, sync, voting }: DemoSeedInput, language: DemoLanguage): Promise<void> {
	const { id: workshopId, idPrefix } = DEMO_WORKSHOPS[language];
	const board = (n: number) => `${idPrefix}b${n}`;
	const members = await sql<{ id: string; name: string; organisation: string | null }[]>`
		select m.id, m.name, o.name as organisation
		from public.members m left join public.organisations o on o.id = m.organisation_id
		where m.workshop_id = ${workshopId}`;
	// The demo was deleted or never seeded (SEED=false): nothing to fill.
	if (members.length === 0) return;
	const author = (key: DemoAuthor): Author => {
		const row = members.find((m) => m.id === `${idPrefix}${key}`);
		if (!row) throw new Error(`demo member ${key} missing from supabase/seed.sql`);
		return { memberId: row.id, name: row.name, organisation: row.organisation ?? '' };
	};
	const write = (boardId: string, fn: Parameters<SyncServer['write']>[1]) => sync.write({ doc: parseDocName(`board/${boardId}`)!, workshopId }, fn);

	// Values: grouped cards, then a dot-voting round over them.
	const cardIds = new Map<string, string>();
	await write(board(1), (doc) => {
		for (const group of VALUES_GROUPS) {
			const groupId = addGroup(doc, group.title[language]);
			for (const c of group.cards) cardIds.set(c.key, addCard(doc, { author: author(c.author), text: c.text[language], group: groupId }));
		}
		for (const c of VALUES_UNGROUPED) cardIds.set(c.key, addCard(doc, { author: author(c.author), text: c.text[language], colour: 'blue' }));
	});
	await seedRound({ sql, sync, voting }, { workshopId, boardId: board(1), facilitator: `${idPrefix}f1`, cardIds, language, author });

	// Mission: the statement in two wordings, under discussion.
	await write(board(2), (doc) => {
		editVariantText(doc, MAIN_VARIANT, MISSION.main[language]);
		const alternative = addVariant(doc, MISSION.alternative.label[language]);
		editVariantText(doc, alternative, MISSION.alternative.text[language]);
	});

	// Long-term goals: the strategy's two goals as goal cards.
	await write(board(4), (doc) => {
		for (const goal of GOALS) {
			addCard(doc, {
				author: author(goal.author),
				text: goal.text[language],
				colour: 'green',
				fields: { indicator: goal.indicator[language], target: goal.target[language], year: goal.year }
			});
		}
	});

	await sync.write({ doc: parseDocName(`control/${workshopId}`)!, workshopId }, (doc) => setPhase(doc, board(2), 'discuss'));
}

async function seedRound(
	{ sql, voting }: DemoSeedInput,
	input: { workshopId: string; boardId: string; facilitator: string; cardIds: Map<string, string>; language: DemoLanguage; author: (key: DemoAuthor) => Author }
): Promise<void> {
	const facilitator = { memberId: input.facilitator, workshopId: input.workshopId };
	const roundId = await voting.open(facilitator, {
		boardId: input.boardId,
		title: VALUES_ROUND.title[input.language],
		source: 'cards',
		// Named, so that the demo's charts show every organisation; weighted per organisation (DOMAIN.md).
		settings: { ...defaultSettings('dots'), dots: VALUES_ROUND.dots, maxPerOption: VALUES_ROUND.maxPerOption, anonymous: false, weighting: 'organisation' },
		seconds: null,
		chosen: [],
		parentRound: null,
		parentTop: 3
	});
	// The round's options are the cards, each under its card's id.
	const options = new Set((await repo.roundById(sql, roundId))!.options.map((o) => o.id));
	for (const [voter, dots] of Object.entries(VALUES_ROUND.ballots) as [DemoAuthor, Record<string, number>][]) {
		const marks: Mark[] = Object.entries(dots).map(([key, value]) => {
			const option = input.cardIds.get(key);
			if (!option || !options.has(option)) throw new Error(`demo ballot names an unknown card: ${key}`);
			return { option, criterion: 0, value };
		});
		await voting.cast({ memberId: input.author(voter).memberId, workshopId: input.workshopId }, roundId, marks);
	}
	await voting.close(facilitator, roundId);
	await voting.reveal(facilitator, roundId);
}
