import { describe, expect, it, test } from 'vitest';
import { groupByOrganisation, roomCounts, type MemberView } from './members';

const m = (id: string, name: string, organisation: string | null, role: MemberView['role'] = 'participant'): MemberView => ({
	id,
	name,
	role,
	organisation
});

describe('groupByOrganisation', () => {
	const members = [
		m('1', 'Varga László', 'IQ Kecskemét'),
		m('2', 'Demo facilitator', null, 'facilitator'),
		m('3', 'Tóth Eszter', 'NOHAC'),
		m('4', 'Szabó Péter', 'NOHAC'),
		m('5', 'Kiss Zsófia', 'Innoskart', 'observer'),
		m('6', 'Anna', null, 'facilitator')
	];

	it('groups by organisation, organisations alphabetically, people without one last', () => {
		const groups = groupByOrganisation(members);
		expect(groups.map((g) => g.organisation)).toEqual(['Innoskart', 'IQ Kecskemét', 'NOHAC', null]);
	});

	it('sorts the people within each group by name', () => {
		const groups = groupByOrganisation(members);
		expect(groups.find((g) => g.organisation === 'NOHAC')?.members.map((x) => x.name)).toEqual(['Szabó Péter', 'Tóth Eszter']);
		expect(groups.at(-1)?.members.map((x) => x.id)).toEqual(['6', '2']);
	});

	it('keeps every member exactly once and does not reorder the input', () => {
		const input = [...members];
		const groups = groupByOrganisation(input);
		expect(groups.flatMap((g) => g.members.map((x) => x.id)).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
		expect(input).toEqual(members);
	});

	it('uses the locale: Hungarian sorts "cs" after "cz", English before', () => {
		const people = [m('a', 'Czifra', 'X'), m('b', 'Csaba', 'X')];
		const orgs = [m('c', 'x', 'Czech Cluster'), m('d', 'y', 'Csongrád Cluster')];
		expect(groupByOrganisation(people, 'hu')[0].members.map((x) => x.name)).toEqual(['Czifra', 'Csaba']);
		expect(groupByOrganisation(people, 'en')[0].members.map((x) => x.name)).toEqual(['Csaba', 'Czifra']);
		expect(groupByOrganisation(orgs, 'hu').map((g) => g.organisation)).toEqual(['Czech Cluster', 'Csongrád Cluster']);
		expect(groupByOrganisation(orgs, 'en').map((g) => g.organisation)).toEqual(['Csongrád Cluster', 'Czech Cluster']);
	});

	it('handles no members, and only members without an organisation', () => {
		expect(groupByOrganisation([])).toEqual([]);
		const groups = groupByOrganisation([m('1', 'B', null), m('2', 'A', null)]);
		expect(groups).toEqual([{ organisation: null, members: [m('2', 'A', null), m('1', 'B', null)] }]);
	});
});

describe('who is in the room', () => {
	test('participants and observers count, facilitators do not; organisations once each, whatever the case', () => {
		const counts = roomCounts(
			[
				{ id: '1', name: 'Fanni', role: 'facilitator', organisation: 'IFKA' },
				{ id: '2', name: 'Anna', role: 'participant', organisation: 'Innoskart' },
				{ id: '3', name: 'Ödön', role: 'participant', organisation: 'innoskart ' },
				{ id: '4', name: 'Béla', role: 'observer', organisation: 'Ügyfélkapu Kft.' },
				{ id: '5', name: 'Cili', role: 'participant', organisation: null }
			],
			'hu'
		);
		expect(counts).toEqual({ people: 4, participants: 3, organisations: ['Innoskart', 'Ügyfélkapu Kft.'] });
	});
});
