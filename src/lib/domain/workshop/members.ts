import type { MemberRole } from './roles';

export interface MemberView {
	id: string;
	name: string;
	role: MemberRole;
	organisation: string | null;
	/** Index of the member's presence colour (PRESENCE_COLOURS), given when they joined. */
	colour?: number;
	/** The theme board the member works on in parallel workgroups, if any. */
	workgroup?: string | null;
}

export interface OrganisationGroup {
	organisation: string | null;
	members: MemberView[];
}

/**
 * Members grouped by organisation, the unit of representation: organisations in
 * alphabetical order, then the people without one (facilitators, mostly).
 */
export function groupByOrganisation(members: MemberView[], locale = 'en'): OrganisationGroup[] {
	const byName = new Map<string | null, MemberView[]>();
	for (const m of members) {
		const list = byName.get(m.organisation) ?? [];
		list.push(m);
		byName.set(m.organisation, list);
	}
	const collator = new Intl.Collator(locale);
	const compare = (a: MemberView, b: MemberView) => collator.compare(a.name, b.name);
	return [...byName.entries()]
		.sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : collator.compare(a, b)))
		.map(([organisation, list]) => ({ organisation, members: list.sort(compare) }));
}

/**
 * Who is in the room, as the wall and the consoles count it: participants and observers
 * (facilitators run the room, they are not part of it), and the organisations they come from.
 */
export function roomCounts(members: readonly MemberView[], locale = 'en'): { people: number; participants: number; organisations: string[] } {
	const present = members.filter((m) => m.role !== 'facilitator');
	const byKey = new Map<string, string>();
	for (const m of present) {
		const name = m.organisation?.trim();
		// the first spelling seen names the organisation
		if (name && !byKey.has(name.toLocaleLowerCase(locale))) byKey.set(name.toLocaleLowerCase(locale), name);
	}
	return {
		people: present.length,
		participants: present.filter((m) => m.role === 'participant').length,
		organisations: [...byKey.values()].sort(new Intl.Collator(locale).compare)
	};
}
