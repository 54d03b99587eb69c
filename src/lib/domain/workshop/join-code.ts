/** No 0/O and no 1/I/L: a code read off a projector must not be misread. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

const CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

/**
 * The code as typed (any case, spaces or dashes) in canonical form, or null when it
 * cannot be a join code at all.
 */
export function normaliseJoinCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s-]+/g, '');
	return CODE.test(code) ? code : null;
}

/** "BFURED" → "BFU RED": easier to read aloud and off a wall. */
export function formatJoinCode(code: string): string {
	return `${code.slice(0, 3)} ${code.slice(3)}`;
}
