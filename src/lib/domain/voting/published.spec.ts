import { describe, expect, test } from 'vitest';
import { roundOnScreen, votingState, type PublishedRound } from './published';

const round = (seq: number, status: PublishedRound['status']): PublishedRound =>
	({ id: `r${seq}`, boardId: 'b', seq, status, title: `Forduló ${seq}`, aggregate: null }) as unknown as PublishedRound;

describe('what screens say about voting comes from the newest round', () => {
	test('no round, open, closed, revealed', () => {
		expect(votingState([])).toBe('none');
		expect(votingState([round(1, 'revealed'), round(2, 'open')])).toBe('open');
		expect(votingState([round(2, 'closed'), round(1, 'revealed')])).toBe('closed');
		expect(votingState([round(1, 'open'), round(2, 'revealed')])).toBe('revealed');
	});

	test('the wall shows an open round in any phase, a closed one only while voting or discussing', () => {
		expect(roundOnScreen([], 'vote')).toBeNull();
		expect(roundOnScreen([round(1, 'open')], 'brainstorm')?.id).toBe('r1');
		expect(roundOnScreen([round(1, 'revealed'), round(2, 'closed')], 'vote')?.id).toBe('r2');
		expect(roundOnScreen([round(1, 'revealed')], 'discuss')?.id).toBe('r1');
		expect(roundOnScreen([round(1, 'revealed')], 'decided')).toBeNull();
		expect(roundOnScreen([round(1, 'revealed')], 'cluster')).toBeNull();
	});
});
