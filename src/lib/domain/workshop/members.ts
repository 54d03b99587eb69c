import type { MemberRole } from './roles';

export interface MemberView {
	id: string;
	name: string;
	role: MemberRole;
	organisation: string | null;
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
