import { describe, it, expect } from 'vitest';
import { compileBoard, compileReport } from './report';
import { goals, mission, round, values, vision, workshop } from './fixtures';
import type { BoardRendering } from '#lib/domain/snapshot/types.js';

const withRounds = (r: BoardRendering, ...rounds: BoardRendering['rounds']): BoardRendering => ({ ...r, rounds: [...r.rounds, ...rounds] });

describe('compileBoard: the statement', () => {
	it('is the winner of the statement vote, with its current text', () => {
		const b = compileBoard(mission);
		expect(b.statement).toEqual({ label: 'Alternative 2', text: 'We connect small firms with research centres.' });
		expect(b.statementFrom).toBe('vote');
	});

	it('takes the wording as it reads now, not as it read when voted on', () => {
		const edited = { ...mission, variants: [mission.variants[0], { ...mission.variants[1], text: 'Polished after the vote.' }] };
		expect(compileBoard(edited).statement?.text).toBe('Polished after the vote.');
	});

	it('follows the latest statement round, not an earlier one', () => {
		// a later vote (seq 3) where Main wording wins 2 to 0
		const later = round(
			'r9',
			3,
			'Run-off',
			'approval',
			[
				['v1', 'Main wording'],
				['v2', 'Alternative 2']
			],
			[
				{ organisation: 'Alpha Cluster', marks: [{ option: 'v1', criterion: 0, value: 1 }] },
				{ organisation: 'Beta Cluster', marks: [{ option: 'v1', criterion: 0, value: 1 }] }
			]
		);
		const b = compileBoard(withRounds(mission, later));
		expect(b.statement).toEqual({ label: 'Main wording', text: 'We connect firms and research.' });
		expect(b.statementFrom).toBe('vote');
		// the later statement round is not a "top items" round: the score round still is
		expect(b.round?.seq).toBe(2);
	});

	it('is the first written wording, as a draft, when the vote ended in a tie', () => {
		const b = compileBoard(vision);
		// v3 is blank, so the draft is v4
		expect(b.statement).toEqual({ label: 'Alternative 2', text: 'A region where every firm innovates.' });
		expect(b.statementFrom).toBe('draft');
	});

	it('is a draft when the statement round has no results to show', () => {
		const hidden = { ...mission, rounds: mission.rounds.map((r) => (r.id === 'r3' ? { ...r, aggregate: null } : r)) };
		const b = compileBoard(hidden);
		expect(b.statement).toEqual({ label: 'Main wording', text: 'We connect firms and research.' });
		expect(b.statementFrom).toBe('draft');
	});

	it('is null when no wording has text', () => {
		const b = compileBoard(values);
		expect(b.statement).toBeNull();
		expect(b.statementFrom).toBeNull();
	});
});

describe('compileBoard: the top items', () => {
	it('come from the latest revealed round (a hidden later round does not count), ties kept', () => {
		const b = compileBoard(values);
		expect(b.round).toEqual({ seq: 1, title: 'Which values define us?', method: 'dots', voters: 3, weighting: 'person' });
		expect(b.top).toEqual([
			{ label: 'Trust between members', total: 5, rank: 1, tied: true },
			{ label: 'Fast prototyping', total: 5, rank: 1, tied: true },
			{ label: 'Shared labs', total: 3, rank: 3, tied: false }
		]);
	});

	it('are the best five, and six when fifth place is shared', () => {
		const b = compileBoard(goals);
		expect(b.top.map((t) => [t.label, t.rank, t.total])).toEqual([
			['One', 1, 9],
			['Two', 2, 7],
			['Three', 3, 5],
			['Four', 4, 4],
			['Five', 5, 3],
			['Six', 5, 3]
		]);
	});

	it('skip statement rounds: the mission board reports its score round', () => {
		const b = compileBoard(mission);
		expect(b.round).toEqual({ seq: 2, title: 'How useful is each service?', method: 'score', voters: 2, weighting: 'person' });
		expect(b.top).toEqual([
			{ label: 'Mentoring', total: 4, rank: 1, tied: false },
			{ label: 'Shared purchasing', total: 3, rank: 2, tied: false },
			{ label: 'Export desk', total: 0, rank: 3, tied: false }
		]);
	});

	it('are empty, with no round, when no other round was revealed', () => {
		const b = compileBoard(vision);
		expect(b.top).toEqual([]);
		expect(b.round).toBeNull();
	});
});

describe('compileBoard: organisations', () => {
	it('are the card authors’ and the voters’ organisations, without blanks, sorted', () => {
		// cards: Alpha, Beta, Gamma, Alpha, '' ; voters: Alpha, Beta, Gamma
		expect(compileBoard(values).organisations).toEqual(['Alpha Cluster', 'Beta Cluster', 'Gamma Cluster']);
		// cards: Epsilon; voters of the tied vote: Alpha, Beta
		expect(compileBoard(vision).organisations).toEqual(['Alpha Cluster', 'Beta Cluster', 'Epsilon Cluster']);
	});

	it('sort in the workshop’s language', () => {
		// Hungarian puts "cs" after every "c…" word; English sorts letter by letter
		const names = (language: 'en' | 'hu') =>
			compileBoard({
				...values,
				workshop: { ...workshop, language },
				groups: [],
				ungrouped: [],
				rounds: [
					round(
						'x',
						1,
						'',
						'dots',
						[['a', 'A']],
						[
							{ organisation: 'Csongrád', marks: [] },
							{ organisation: 'Cegléd', marks: [] },
							{ organisation: 'Cukor', marks: [] }
						]
					)
				]
			}).organisations;
		expect(names('en')).toEqual(['Cegléd', 'Csongrád', 'Cukor']);
		expect(names('hu')).toEqual(['Cegléd', 'Cukor', 'Csongrád']);
	});
});

describe('compileReport', () => {
	it('keeps the boards in order, with the board fields, and unites the organisations', () => {
		const report = compileReport({ workshop, boards: [values, mission, vision, goals] });
		expect(report.workshop).toEqual(workshop);
		expect(report.boards.map((b) => [b.id, b.kind, b.title, b.prompt, b.phase])).toEqual([
			['b-values', 'values', 'Our values', 'What value do clusters give the economy?', 'vote'],
			['b-mission', 'mission', 'Our mission', 'Why do we exist?', 'decided'],
			['b-vision', 'vision', 'Our vision', 'Where should we be in ten years?', 'discuss'],
			['b-goals', 'goals', 'Long-term goals', '', 'vote']
		]);
		expect(report.organisations).toEqual(['Alpha Cluster', 'Beta Cluster', 'Delta Cluster', 'Epsilon Cluster', 'Gamma Cluster']);
	});

	it('of no boards is empty', () => {
		expect(compileReport({ workshop, boards: [] })).toEqual({ workshop, boards: [], organisations: [] });
	});
});
