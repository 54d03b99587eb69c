import { m } from '#lib/paraglide/messages.js';
import type { Phase } from '#lib/domain/workshop/phases.js';

const NAMES: Record<Phase, () => string> = {
	brainstorm: m.phase_brainstorm,
	cluster: m.phase_cluster,
	vote: m.phase_vote,
	discuss: m.phase_discuss,
	decided: m.phase_decided
};

export function phaseName(phase: Phase): string {
	return NAMES[phase]();
}
