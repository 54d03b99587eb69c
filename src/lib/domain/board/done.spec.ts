import { describe, expect, test } from 'vitest';
import { doneTally } from './done';

const p = (memberId: string, organisation: string, done: string | null, role = 'participant') => ({ memberId, organisation, done, role });

describe('doneTally', () => {
	test('counts participants and organisations done with the current phase', () => {
		const tally = doneTally([p('a', 'NOHAC', 'cluster'), p('b', 'NOHAC', null), p('c', 'Innoskart', 'cluster'), p('d', 'IQ', 'brainstorm')], 'cluster');
		// NOHAC has one member not done yet; IQ's member is done with an earlier phase only.
		expect(tally).toEqual({ members: 4, membersDone: 2, organisations: 3, organisationsDone: 1 });
	});

	test('a member on two devices counts once; facilitators and observers do not count', () => {
		const tally = doneTally([p('a', 'NOHAC', 'vote'), p('a', 'NOHAC', null), p('f', '', 'vote', 'facilitator'), p('o', 'Ministry', null, 'observer')], 'vote');
		expect(tally).toEqual({ members: 1, membersDone: 1, organisations: 1, organisationsDone: 1 });
	});

	test('an empty room is nobody done', () => {
		expect(doneTally([], 'brainstorm')).toEqual({ members: 0, membersDone: 0, organisations: 0, organisationsDone: 0 });
	});
});
