import { describe, expect, it } from 'vitest';
import contentDisposition from 'content-disposition';
import { asciiFileName, attachment, fileStem } from './file-name';

const EVERY_LETTER = 'áéíóöőúüű ÁÉÍÓÖŐÚÜŰ';

describe('asciiFileName', () => {
	it('drops the accents of every Hungarian letter, lower and upper case', () => {
		expect(asciiFileName(EVERY_LETTER)).toBe('aeiooouuu AEIOOOUUU');
		expect(asciiFileName('Együttműködés és bizalom.csv')).toBe('Egyuttmukodes es bizalom.csv');
	});

	it('reads a decomposed ő or ű (o or u followed by a combining double acute) as the letter', () => {
		expect(asciiFileName('jo\u030bvo\u030bke\u0301p-u\u030b.md')).toBe('jovokep-u.md');
	});

	it('turns anything else outside printable ASCII into a dash, one per character', () => {
		expect(asciiFileName('Straße–Łódź 🎯\t.json')).toBe('Stra-e--od- --.json');
		expect(asciiFileName('plain-ascii_1.md')).toBe('plain-ascii_1.md');
	});
});

describe('attachment', () => {
	it('gives an ASCII filename and the real name in filename*, which Node accepts as a header', () => {
		const name = `${fileStem(`Jövőkép ${EVERY_LETTER}`)}.md`;
		const header = attachment(name);
		expect(header).toBe(`attachment; filename="jovokep-aeiooouuu-aeiooouuu.md"; filename*=UTF-8''${encodeURIComponent(name)}`);
		expect(header).toMatch(/^[\x20-\x7e]+$/);
		// What failed before: a header byte string cannot hold ő (U+0151) or ű (U+0171).
		expect(new Headers({ 'content-disposition': header }).get('content-disposition')).toBe(header);
		expect(contentDisposition.parse(header).parameters.filename).toBe(name);
	});

	it('escapes what RFC 5987 reserves and quotes what the quoted string needs', () => {
		const header = attachment(`"Őszinte" (üzleti) kapcsolatok*.csv`);
		expect(header).toBe(
			`attachment; filename="\\"Oszinte\\" (uzleti) kapcsolatok*.csv"; filename*=UTF-8''%22%C5%90szinte%22%20%28%C3%BCzleti%29%20kapcsolatok%2A.csv`
		);
		expect(contentDisposition.parse(header).parameters.filename).toBe(`"Őszinte" (üzleti) kapcsolatok*.csv`);
	});

	it('needs no filename* for a name that is ASCII already', () => {
		expect(attachment('values-after-voting.json')).toBe('attachment; filename="values-after-voting.json"');
	});
});

describe('fileStem', () => {
	it('keeps letters of any script, lower case, with dashes between words', () => {
		expect(fileStem('Nemzeti Klaszterstratégia Műhely – Balatonfüred')).toBe('nemzeti-klaszterstratégia-műhely-balatonfüred');
		expect(fileStem('  ***  ')).toBe('roundtable');
	});
});
