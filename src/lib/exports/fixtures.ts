/**
 * Hand-built board renderings shared by the export tests (imported only by `*.spec.ts`).
 * Aggregates come from the ballots written out below, so the expected totals in the tests can
 * be worked out by reading them.
 */
import { aggregate } from '#lib/domain/voting/tally.js';
import { defaultSettings } from '#lib/domain/voting/rules.js';
import { SNAPSHOT_FORMAT } from '#lib/domain/snapshot/types.js';
import type { BoardRendering, SnapshotCard, SnapshotGroup, SnapshotMeta, SnapshotRound } from '#lib/domain/snapshot/types.js';
import type { Mark, Method, RoundSettings, TallyBallot } from '#lib/domain/voting/types.js';

export const workshop: BoardRendering['workshop'] = { title: 'Cluster Strategy 2030', language: 'en', startsOn: '2026-11-23', venue: 'Budapest' };

export const meta: SnapshotMeta = { id: 's1', title: 'After voting', takenAt: Date.UTC(2026, 10, 23, 14, 5) };

export function card(id: string, text: string, organisation: string, more: Partial<SnapshotCard> = {}): SnapshotCard {
	return { id, text, organisation, colour: 'yellow', indicator: '', target: '', year: '', ...more };
}

export const group = (id: string, title: string, cards: SnapshotCard[]): SnapshotGroup => ({ id, title, cards });

const mark = (option: string, value: number, criterion = 0): Mark => ({ option, criterion, value });
const ballot = (organisation: string, ...marks: Mark[]): TallyBallot => ({ organisation, marks });

export function round(
	id: string,
	seq: number,
	title: string,
	method: Method,
	options: [id: string, label: string][],
	ballots: TallyBallot[] | null,
	settings: Partial<RoundSettings> = {}
): SnapshotRound {
	return {
		id,
		seq,
		title,
		settings: { ...defaultSettings(method), ...settings },
		status: ballots ? 'revealed' : 'closed',
		options: options.map(([oid, label], position) => ({ id: oid, label, position })),
		aggregate: ballots ? aggregate(ballots) : null,
		voters: ballots?.length ?? 0
	};
}

export function rendering(board: Partial<BoardRendering['board']>, rest: Partial<Omit<BoardRendering, 'board' | 'format'>> = {}): BoardRendering {
	return {
		format: SNAPSHOT_FORMAT,
		workshop,
		board: { id: 'b', kind: 'free', title: 'Board', prompt: '', phase: 'brainstorm', ...board },
		groups: [],
		ungrouped: [],
		variants: [],
		rounds: [],
		organisations: [],
		...rest
	};
}

export const XSS_IMG = '<img src=x onerror=alert(1)>';
export const XSS_LINK = '[x](javascript:alert(1))';

/**
 * Values: two groups and two loose cards (script payloads), a revealed dot round where the
 * first place is shared (5, 5, 3), and a later score round whose results were never shown.
 */
export const values = rendering(
	{ id: 'b-values', kind: 'values', title: 'Our values', prompt: 'What value do clusters give the economy?', phase: 'vote' },
	{
		groups: [
			group('g1', 'Cooperation', [card('c1', 'Trust between members', 'Alpha Cluster'), card('c2', 'Shared labs', 'Beta Cluster')]),
			group('g2', 'Innovation', [card('c3', 'Fast prototyping', 'Gamma Cluster')])
		],
		ungrouped: [card('c4', XSS_IMG, 'Alpha Cluster'), card('c5', XSS_LINK, '')],
		rounds: [
			round(
				'r1',
				1,
				'Which values define us?',
				'dots',
				[
					['c1', 'Trust between members'],
					['c2', 'Shared labs'],
					['c3', 'Fast prototyping']
				],
				// c1 = 3 + 2 = 5; c2 = 2 + 1 = 3; c3 = 4 + 1 = 5
				[
					ballot('Alpha Cluster', mark('c1', 3), mark('c2', 2)),
					ballot('Beta Cluster', mark('c2', 1), mark('c3', 4)),
					ballot('Gamma Cluster', mark('c1', 2), mark('c3', 1))
				]
			),
			round('r2', 2, 'Second look', 'score', [['c1', 'Trust between members']], null)
		],
		organisations: ['Alpha Cluster', 'Beta Cluster', 'Gamma Cluster']
	}
);

/**
 * Mission: two wordings put to an approval vote (Alternative 2 wins 2 to 1), then a
 * two-criteria score round on the cards (Mentoring 4.0, Shared purchasing 3.0, Export desk
 * not scored).
 */
export const mission = rendering(
	{ id: 'b-mission', kind: 'mission', title: 'Our mission', prompt: 'Why do we exist?', phase: 'decided' },
	{
		ungrouped: [card('c6', 'Mentoring', 'Alpha Cluster'), card('c7', 'Shared purchasing', 'Beta Cluster'), card('c8', 'Export desk', 'Gamma Cluster')],
		variants: [
			{ id: 'v1', label: 'Main wording', text: 'We connect firms and research.' },
			{ id: 'v2', label: 'Alternative 2', text: 'We connect small firms with research centres.' }
		],
		rounds: [
			round(
				'r3',
				1,
				'Which wording?',
				'approval',
				[
					['v1', 'Main wording'],
					['v2', 'Alternative 2']
				],
				[ballot('Alpha Cluster', mark('v2', 1)), ballot('Beta Cluster', mark('v2', 1)), ballot('Gamma Cluster', mark('v1', 1))]
			),
			round(
				'r4',
				2,
				'How useful is each service?',
				'score',
				[
					['c6', 'Mentoring'],
					['c7', 'Shared purchasing'],
					['c8', 'Export desk']
				],
				// Mentoring: impact (5+4)/2 = 4.5, feasibility (3+4)/2 = 3.5, total 4.0
				// Shared purchasing: impact (2+4)/2 = 3, feasibility (2+4)/2 = 3, total 3.0
				[
					ballot('Alpha Cluster', mark('c6', 5, 0), mark('c6', 3, 1), mark('c7', 2, 0), mark('c7', 2, 1)),
					ballot('Beta Cluster', mark('c6', 4, 0), mark('c6', 4, 1), mark('c7', 4, 0), mark('c7', 4, 1))
				],
				{ criteria: ['Impact', 'Feasibility'] }
			)
		],
		organisations: ['Alpha Cluster', 'Beta Cluster', 'Gamma Cluster']
	}
);

/**
 * Vision: the first wording is blank, the vote between the two ended 1 to 1 (decides nothing),
 * and the only card round was never revealed.
 */
export const vision = rendering(
	{ id: 'b-vision', kind: 'vision', title: 'Our vision', prompt: 'Where should we be in ten years?', phase: 'discuss' },
	{
		ungrouped: [card('c9', 'Green industry', 'Epsilon Cluster')],
		variants: [
			{ id: 'v3', label: 'Main wording', text: '   ' },
			{ id: 'v4', label: 'Alternative 2', text: 'A region where every firm innovates.' }
		],
		rounds: [
			round(
				'r5',
				1,
				'',
				'approval',
				[
					['v3', 'Main wording'],
					['v4', 'Alternative 2']
				],
				[ballot('Alpha Cluster', mark('v3', 1)), ballot('Beta Cluster', mark('v4', 1))]
			),
			round('r6', 2, 'Priorities', 'dots', [['c9', 'Green industry']], null)
		],
		organisations: ['Epsilon Cluster']
	}
);

/** Goals: goal cards, and one voter's dots on seven options: 9, 7, 5, 4, 3, 3, 1 (fifth place shared). */
export const goals = rendering(
	{ id: 'b-goals', kind: 'goals', title: 'Long-term goals', prompt: '', phase: 'vote' },
	{
		ungrouped: [
			card('gc1', 'More joint R&D projects', 'Delta Cluster', { indicator: 'joint projects per year', target: '40', year: '2030' }),
			card('gc2', 'Export growth', 'Delta Cluster', { year: '2028' })
		],
		rounds: [
			round(
				'r7',
				1,
				'Which goals first?',
				'dots',
				[
					['o1', 'One'],
					['o2', 'Two'],
					['o3', 'Three'],
					['o4', 'Four'],
					['o5', 'Five'],
					['o6', 'Six'],
					['o7', 'Seven']
				],
				[ballot('Delta Cluster', mark('o1', 9), mark('o2', 7), mark('o3', 5), mark('o4', 4), mark('o5', 3), mark('o6', 3), mark('o7', 1))],
				{ dots: 40, maxPerOption: 10 }
			)
		],
		organisations: ['Delta Cluster']
	}
);
