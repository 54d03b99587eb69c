/** A board's phases, in order; the facilitator moves forward and may step back. */
export const PHASES = ['brainstorm', 'cluster', 'vote', 'discuss', 'decided'] as const;
export type Phase = (typeof PHASES)[number];

export function isPhase(value: unknown): value is Phase {
	return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function nextPhase(phase: Phase): Phase | null {
	return PHASES[PHASES.indexOf(phase) + 1] ?? null;
}

export function previousPhase(phase: Phase): Phase | null {
	const i = PHASES.indexOf(phase);
	return i > 0 ? PHASES[i - 1] : null;
}

/** Which actions a phase offers participants (the server's rules are separate and stricter). */
export function phaseAllows(phase: Phase): { addCards: boolean; group: boolean; editStatement: boolean } {
	return {
		addCards: phase === 'brainstorm' || phase === 'cluster',
		group: phase === 'cluster' || phase === 'discuss',
		editStatement: phase !== 'decided'
	};
}
