/**
 * Download file names. The `filename` parameter of Content-Disposition is a header byte
 * string: Node refuses any character past U+00FF (ő and ű are U+0151 and U+0171, so a board
 * called "Jövőkép" failed with a 500), and Latin-1 letters reach browsers garbled. So the
 * header carries the real name percent-encoded in `filename*` (RFC 6266, which every current
 * browser prefers) and a plain ASCII stand-in in `filename` for the clients that read only it.
 */
import contentDisposition from 'content-disposition';

/** A file name from a title: letters and digits of any script, dashes between. */
export function fileStem(title: string): string {
	return (
		title
			.toLowerCase()
			.replace(/[^\p{L}\p{N}]+/gu, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 80) || 'roundtable'
	);
}

const ACCENTED = 'áéíóöőúüűÁÉÍÓÖŐÚÜŰ';
const PLAIN = 'aeiooouuuAEIOOOUUU';

/**
 * `name` in printable ASCII: Hungarian accented letters lose their accents, anything else
 * outside ASCII (and control characters) becomes `-`. NFC first, since a name typed on a Mac
 * may spell ő as o followed by a combining double acute.
 */
export function asciiFileName(name: string): string {
	return name.normalize('NFC').replace(/[^\x20-\x7e]/gu, (ch) => PLAIN[ACCENTED.indexOf(ch)] ?? '-');
}

/** The Content-Disposition value that downloads a file as `fileName`. */
export function attachment(fileName: string): string {
	return contentDisposition(fileName, { fallback: asciiFileName(fileName) });
}
