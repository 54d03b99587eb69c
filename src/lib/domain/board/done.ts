/** One person present on a board, as presence reports them. */
export interface DoneEntry {
	memberId: string;
	organisation: string;
	role: string;
	/** The phase they marked themselves done in, if any. */
	done: string | null;
}

export interface DoneTally {
	members: number;
	membersDone: number;
	organisations: number;
	organisationsDone: number;
}

/**
 * How much of the room is done with a phase: participants present (once each, however
 * many devices), and organisations whose present participants are all done. Counts
 * only: the facilitator sees how far the room is, not who wrote what.
 */
export function doneTally(entries: readonly DoneEntry[], phase: string): DoneTally {
	const members = new Map<string, { organisation: string; done: boolean }>();
	for (const e of entries) {
		if (e.role !== 'participant') continue;
		const known = members.get(e.memberId);
		const done = e.done === phase;
		members.set(e.memberId, { organisation: e.organisation, done: known ? known.done || done : done });
	}
	const organisations = new Map<string, boolean>();
	for (const { organisation, done } of members.values()) {
		const key = organisation || '—';
		organisations.set(key, (organisations.get(key) ?? true) && done);
	}
	return {
		members: members.size,
		membersDone: [...members.values()].filter((m) => m.done).length,
		organisations: organisations.size,
		organisationsDone: [...organisations.values()].filter(Boolean).length
	};
}
