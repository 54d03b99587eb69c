/**
 * Colours for people on a board, in the order the database hands them out (a member's
 * `colour` is an index here: supabase/migrations/20261202070000_add_member_colours.sql picks
 * the least-used of the 16 in the workshop). Neighbours differ most, so a small room gets
 * the most distinct ones. Each keeps ≥ 3:1 contrast against white (avatars' initials, the
 * light page) and against the dark page's cards (stone-900): presence.spec.ts checks.
 */
export const PRESENCE_COLOURS = [
	'#0d9488', // teal-600
	'#c2410c', // orange-700
	'#7c3aed', // violet-600
	'#e11d48', // rose-600
	'#2563eb', // blue-600
	'#15803d', // green-700
	'#c026d3', // fuchsia-600
	'#d97706', // amber-600
	'#0284c7', // sky-600
	'#4d7c0f', // lime-700
	'#db2777', // pink-600
	'#0e7490', // cyan-700
	'#a16207', // yellow-700
	'#6366f1', // indigo-500
	'#64748b', // slate-500
	'#a855f7' // purple-500
] as const;

/** A member's colour from the index stored on their member row. */
export function memberColour(index: number): string {
	return PRESENCE_COLOURS[((index % PRESENCE_COLOURS.length) + PRESENCE_COLOURS.length) % PRESENCE_COLOURS.length] ?? PRESENCE_COLOURS[0];
}

function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

/**
 * Text written on a member's colour (initials, "writing…"): white where it reads at 4.5:1,
 * otherwise black — some colours that stand out on the page are too light for white text.
 */
export function inkOn(colour: string): string {
	return contrastRatio('#ffffff', colour) >= 4.5 ? '#ffffff' : '#000000';
}
