import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { boardCsv, csvDialect, csvField, csvText, reportCsv } from './csv';
import { compileReport } from './report';
import { card, goals, group, mission, rendering, round, values, vision, workshop } from './fixtures';
import type { ExportLocale } from './markdown';

const BOM = '\uFEFF';
const lines = (csv: string) => {
	expect(csv.startsWith(BOM)).toBe(true);
	return csv.slice(BOM.length).split('\r\n');
};
const en = csvDialect('en');
const hu = csvDialect('hu');

/** A CSV export read back as a spreadsheet in `locale` would: its separator, the byte order mark. */
const readBack = (csv: string, locale: ExportLocale): string[][] => parse(csv, { delimiter: csvDialect(locale).delimiter, bom: true });
/** A number cell back to a number, as a spreadsheet in `locale` reads it. */
const numberOf = (cell: string, locale: ExportLocale) => Number(locale === 'hu' ? cell.replace(',', '.') : cell);

describe('csvDialect', () => {
	it('separates with ; where the decimal separator is a comma (Hungarian), with , elsewhere', () => {
		expect(hu.delimiter).toBe(';');
		expect(en.delimiter).toBe(',');
	});

	it('writes numbers as the locale does, without grouping', () => {
		expect([20.5, 2.5, 3, 12345.25].map(hu.number)).toEqual(['20,5', '2,5', '3', '12345,25']);
		expect([20.5, 2.5, 3, 12345.25].map(en.number)).toEqual(['20.5', '2.5', '3', '12345.25']);
	});

	it('keeps every digit of a weighted total, so it reads back as the same number', () => {
		expect(hu.number(1 / 3)).toBe('0,3333333333333333');
		// Weighted totals are sums of count / voters: any such fraction survives the round trip.
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
				expect(numberOf(hu.number(a / b), 'hu')).toBe(a / b);
				expect(numberOf(en.number(a / b), 'en')).toBe(a / b);
			})
		);
	});
});

describe('csvField', () => {
	it('quotes a field holding the separator, a quote or a line break, doubling the quotes', () => {
		expect(csvField('plain text', en)).toBe('plain text');
		expect(csvField('a, b', en)).toBe('"a, b"');
		expect(csvField('a; b', en)).toBe('a; b');
		expect(csvField('a; b', hu)).toBe('"a; b"');
		expect(csvField('a, b', hu)).toBe('a, b');
		expect(csvField('say "hi"', en)).toBe('"say ""hi"""');
		expect(csvField('one\ntwo', hu)).toBe('"one\ntwo"');
		expect(csvField('one\r\ntwo', en)).toBe('"one\r\ntwo"');
		expect(csvField('', en)).toBe('');
		expect(csvField(null, hu)).toBe('');
	});

	it('defuses text a spreadsheet would run as a formula', () => {
		expect(csvField('=1+1', en)).toBe("'=1+1");
		expect(csvField('+36 1 234 5678', en)).toBe("'+36 1 234 5678");
		expect(csvField('-2', en)).toBe("'-2");
		expect(csvField('@SUM(A1:A9)', en)).toBe("'@SUM(A1:A9)");
		expect(csvField('\tx', en)).toBe("'\tx");
		// a carriage return both defuses and quotes
		expect(csvField('\rx', en)).toBe('"\'\rx"');
		expect(csvField('=HYPERLINK("http://evil.example","click")', en)).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"');
		expect(csvField('=ÖSSZEG(A1;A9)', hu)).toBe('"\'=ÖSSZEG(A1;A9)"');
	});

	it('leaves text with those characters further in as it is, and writes numbers as the locale does', () => {
		expect(csvField('a=b+c-d@e', en)).toBe('a=b+c-d@e');
		expect(csvField(3.5, en)).toBe('3.5');
		expect(csvField(3.5, hu)).toBe('3,5');
		expect(csvField(0, hu)).toBe('0');
	});

	it('starts with a byte order mark and ends every record, the last one too, with CRLF', () => {
		expect(
			csvText(
				[
					['a', 'b'],
					['c', null]
				],
				en
			)
		).toBe('\uFEFFa,b\r\nc,\r\n');
		expect(
			csvText(
				[
					['a', 2.5],
					['c', null]
				],
				hu
			)
		).toBe('\uFEFFa;2,5\r\nc;\r\n');
	});
});

describe('boardCsv', () => {
	it('has a header, each group followed by its cards, the loose cards, then the revealed results', () => {
		expect(lines(boardCsv(values, 'en'))).toEqual([
			'Row type,Group,Card ID,Text,Organisation,Indicator,Target,Year,Round,Option,Rank,Total',
			'group,Cooperation,,,,,,,,,,',
			'card,Cooperation,c1,Trust between members,Alpha Cluster,,,,,,,',
			'card,Cooperation,c2,Shared labs,Beta Cluster,,,,,,,',
			'group,Innovation,,,,,,,,,,',
			'card,Innovation,c3,Fast prototyping,Gamma Cluster,,,,,,,',
			'card,,c4,<img src=x onerror=alert(1)>,Alpha Cluster,,,,,,,',
			'card,,c5,[x](javascript:alert(1)),,,,,,,,',
			// round 1 (dots), tied first place; round 2 was never revealed
			'result,,,,,,,,1,Trust between members,1,5',
			'result,,,,,,,,1,Fast prototyping,1,5',
			'result,,,,,,,,1,Shared labs,3,3',
			''
		]);
	});

	it('gives goal cards their fields', () => {
		expect(lines(boardCsv(goals, 'en')).slice(1, 3)).toEqual([
			'card,,gc1,More joint R&D projects,Delta Cluster,joint projects per year,40,2030,,,,',
			'card,,gc2,Export growth,Delta Cluster,,,2028,,,,'
		]);
	});

	it('lists every revealed round in order, and leaves the total of an unscored option empty', () => {
		expect(lines(boardCsv(mission, 'en')).filter((l) => l.startsWith('result'))).toEqual([
			'result,,,,,,,,1,Alternative 2,1,2',
			'result,,,,,,,,1,Main wording,2,1',
			'result,,,,,,,,2,Mentoring,1,4',
			'result,,,,,,,,2,Shared purchasing,2,3',
			'result,,,,,,,,2,Export desk,3,'
		]);
	});

	it('quotes and defuses card text and organisations', () => {
		const r = rendering({}, { ungrouped: [card('c', '=cmd|"/c calc"!A0', '-Org, Ltd.'), card('d', 'two\nlines', '@home')] });
		expect(lines(boardCsv(r, 'en')).slice(1, -1)).toEqual(['card,,c,"\'=cmd|""/c calc""!A0","\'-Org, Ltd.",,,,,,,', 'card,,d,"two\nlines",\'@home,,,,,,,']);
	});
});

describe('reportCsv', () => {
	it('gives each board, its statement, its top items with their round, and its organisations', () => {
		const csv = reportCsv(compileReport({ workshop, boards: [mission, vision] }), 'en');
		expect(lines(csv)).toEqual([
			'Board,Exercise,Phase,Row type,Label,Text,Statement source,Round,Method,Weighting,Voters,Rank,Total',
			'Our mission,mission,decided,board,Our mission,Why do we exist?,,,,,,,',
			'Our mission,mission,decided,statement,Alternative 2,We connect small firms with research centres.,vote,,,,,,',
			'Our mission,mission,decided,top,Mentoring,,,2,score,person,2,1,4',
			'Our mission,mission,decided,top,Shared purchasing,,,2,score,person,2,2,3',
			'Our mission,mission,decided,top,Export desk,,,2,score,person,2,3,',
			'Our mission,mission,decided,organisation,Alpha Cluster,,,,,,,,',
			'Our mission,mission,decided,organisation,Beta Cluster,,,,,,,,',
			'Our mission,mission,decided,organisation,Gamma Cluster,,,,,,,,',
			'Our vision,vision,discuss,board,Our vision,Where should we be in ten years?,,,,,,,',
			'Our vision,vision,discuss,statement,Alternative 2,A region where every firm innovates.,draft,,,,,,',
			'Our vision,vision,discuss,organisation,Alpha Cluster,,,,,,,,',
			'Our vision,vision,discuss,organisation,Beta Cluster,,,,,,,,',
			'Our vision,vision,discuss,organisation,Epsilon Cluster,,,,,,,,',
			''
		]);
	});

	it('defuses a board title that looks like a formula', () => {
		const csv = reportCsv(compileReport({ workshop, boards: [rendering({ title: '=2+2', prompt: '' })] }), 'en');
		expect(lines(csv)[1]).toBe("'=2+2,free,brainstorm,board,'=2+2,,,,,,,,");
	});
});

// A Hungarian workshop's board: every accented letter in both cases, text holding both
// separators, quotes and line breaks, a cell that looks like a formula, and a dot vote weighted
// per organisation, so that totals are fractions (2.5 and 1/3).
const LETTERS = 'áéíóöőúüű ÁÉÍÓÖŐÚÜŰ';
const ORG_A = 'ŐSZINTE ÜZLETI KAPCSOLATOK Kft.';
const ORG_B = 'Észak-alföldi Építőipari Klaszter';
const ORG_C = 'Dél-dunántúli Fűtéstechnikai Egyesület';
const TITLE = `Jövőkép – ${LETTERS}`;
const GROUP = `Együttműködés és bizalom – ${LETTERS}`;
const TRUST = 'Együttműködés és bizalom; "nyitott" párbeszéd,\nminden szinten';
const SHARING = `Tudásmegosztás, közös fejlesztés – ${LETTERS}`;
const FORMULA = '=ÖSSZEG(A1:A9)';
const PROMPT = 'Hol tartson a klaszter tíz év múlva?';
const STATEMENT = 'Együttműködő, innovatív régió;\n"határokon" átívelő partnerségekkel.';
const vote = (organisation: string, option?: string, value = 1) => ({ organisation, marks: option ? [{ option, criterion: 0, value }] : [] });

const hungarian = rendering(
	{ id: 'b-hu', kind: 'vision', title: TITLE, prompt: PROMPT, phase: 'decided' },
	{
		workshop: { title: 'Nemzeti Klaszterstratégia Műhely – Balatonfüred', language: 'hu', startsOn: '2021-06-03', venue: 'Balatonfüred' },
		groups: [
			group('g-hu', GROUP, [card('k1', TRUST, ORG_A), card('k2', SHARING, ORG_B, { indicator: 'közös projektek száma évente', target: '20,5', year: '2030' })])
		],
		ungrouped: [card('k3', FORMULA, ORG_C)],
		variants: [{ id: 'v-hu', label: 'Fő megfogalmazás', text: STATEMENT }],
		rounds: [
			round(
				'r-hu',
				1,
				'Mi a legfontosabb?',
				'dots',
				[
					['k1', TRUST],
					['k2', SHARING],
					['k3', FORMULA]
				],
				// per organisation: k1 = (3 + 2) / 2 = 2.5 (A); k2 = 1 (B); k3 = 1 / 3 (C, one of three voters)
				[vote(ORG_A, 'k1', 3), vote(ORG_A, 'k1', 2), vote(ORG_B, 'k2'), vote(ORG_C, 'k3'), vote(ORG_C), vote(ORG_C)],
				{ weighting: 'organisation' }
			)
		],
		organisations: [ORG_A, ORG_B, ORG_C]
	}
);

/** The tally keeps nine decimals (so that equal totals compare equal): 1/3 is 0.333333333. */
const THIRD = 0.333333333;
const TOTALS = { hu: ['2,5', '1', '0,333333333'], en: ['2.5', '1', '0.333333333'] };

describe.each(['hu', 'en'] as const)('a Hungarian workshop read back by csv-parse as a spreadsheet in %s', (locale) => {
	const [t1, t2, t3] = TOTALS[locale];

	it('board: every cell, the headings in the language, the text and the fractions as they were', () => {
		const headings = {
			hu: ['Sor típusa', 'Csoport', 'Kártyaazonosító', 'Szöveg', 'Szervezet', 'Mutató', 'Célérték', 'Év', 'Forduló', 'Lehetőség', 'Helyezés', 'Összesen'],
			en: ['Row type', 'Group', 'Card ID', 'Text', 'Organisation', 'Indicator', 'Target', 'Year', 'Round', 'Option', 'Rank', 'Total']
		};
		const rows = readBack(boardCsv(hungarian, locale), locale);
		expect(rows).toEqual([
			headings[locale],
			['group', GROUP, '', '', '', '', '', '', '', '', '', ''],
			['card', GROUP, 'k1', TRUST, ORG_A, '', '', '', '', '', '', ''],
			['card', GROUP, 'k2', SHARING, ORG_B, 'közös projektek száma évente', '20,5', '2030', '', '', '', ''],
			['card', '', 'k3', `'${FORMULA}`, ORG_C, '', '', '', '', '', '', ''],
			['result', '', '', '', '', '', '', '', '1', TRUST, '1', t1],
			['result', '', '', '', '', '', '', '', '1', SHARING, '2', t2],
			['result', '', '', '', '', '', '', '', '1', `'${FORMULA}`, '3', t3]
		]);
		expect(rows.slice(5).map((row) => numberOf(row[11], locale))).toEqual([2.5, 1, THIRD]);
	});

	it('report: every cell, the headings in the language, the text and the fractions as they were', () => {
		const headings = {
			hu: [
				'Tábla',
				'Feladat',
				'Szakasz',
				'Sor típusa',
				'Megnevezés',
				'Szöveg',
				'Megfogalmazás forrása',
				'Forduló',
				'Szavazási mód',
				'Súlyozás',
				'Szavazók',
				'Helyezés',
				'Összesen'
			],
			en: ['Board', 'Exercise', 'Phase', 'Row type', 'Label', 'Text', 'Statement source', 'Round', 'Method', 'Weighting', 'Voters', 'Rank', 'Total']
		};
		const board = [TITLE, 'vision', 'decided'];
		const top = ['', '', '1', 'dots', 'organisation', '6'];
		const rows = readBack(reportCsv(compileReport({ workshop: hungarian.workshop, boards: [hungarian] }), locale), locale);
		expect(rows).toEqual([
			headings[locale],
			[...board, 'board', TITLE, PROMPT, '', '', '', '', '', '', ''],
			[...board, 'statement', 'Fő megfogalmazás', STATEMENT, 'draft', '', '', '', '', '', ''],
			[...board, 'top', TRUST, ...top, '1', t1],
			[...board, 'top', SHARING, ...top, '2', t2],
			[...board, 'top', `'${FORMULA}`, ...top, '3', t3],
			// sorted as Hungarian sorts: D, É, Ő
			[...board, 'organisation', ORG_C, '', '', '', '', '', '', '', ''],
			[...board, 'organisation', ORG_B, '', '', '', '', '', '', '', ''],
			[...board, 'organisation', ORG_A, '', '', '', '', '', '', '', '']
		]);
		expect(rows.slice(3, 6).map((row) => numberOf(row[12], locale))).toEqual([2.5, 1, THIRD]);
	});
});
