import { describe, expect, test } from 'vitest';
import { initials, readPeers, uniqueMembers } from './peers';

const user = (memberId: string, name: string) => ({ memberId, name, organisation: 'Org', colour: '#0f766e', role: 'participant' });

describe('peers', () => {
	test('reads stamped states, skips this client and states without a user', () => {
		const states = new Map<number, Record<string, unknown>>([
			[1, { user: user('m1', 'Anna'), editing: 'c1' }],
			[2, { editing: 'c2' }],
			[3, { user: user('m3', 'Béla'), typing: 'main' }],
			[4, { user: user('m4', 'Me') }]
		]);
		const peers = readPeers(states, 4);
		expect(peers.map((p) => [p.name, p.editing, p.typing])).toEqual([
			['Anna', 'c1', null],
			['Béla', null, 'main']
		]);
	});

	test('one avatar per member', () => {
		const states = new Map<number, Record<string, unknown>>([
			[1, { user: user('m1', 'Anna') }],
			[2, { user: user('m1', 'Anna') }]
		]);
		expect(uniqueMembers(readPeers(states, 9))).toHaveLength(1);
	});

	test('initials of first and last word', () => {
		expect(initials('Kovács Anna')).toBe('KA');
		expect(initials('Szabó-Kiss Erzsébet Katalin')).toBe('SK');
		expect(initials('ágnes')).toBe('Á');
		expect(initials('  ')).toBe('?');
	});
});
