/** Colours for people on a board, distinguishable on light and dark backgrounds. */
export const PRESENCE_COLOURS = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#1d4ed8', '#15803d', '#a21caf', '#c2410c', '#0369a1', '#4d7c0f'];

/** A member's colour, the same on every device and in every session. */
export function memberColour(memberId: string): string {
	let hash = 0;
	for (const ch of memberId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
	return PRESENCE_COLOURS[hash % PRESENCE_COLOURS.length];
}
