import { describe, it, expect } from 'vitest';
import { boardCsv, csvField, csvText, reportCsv } from './csv';
import { compileReport } from './report';
import { card, goals, mission, rendering, values, vision, workshop } from './fixtures';

const lines = (csv: string) => csv.split('\r\n');

describe('csvField', () => {
	it('quotes a field holding a comma, a quote or a line break, doubling the quotes', () => {
		expect(csvField('plain text')).toBe('plain text');
		expect(csvField('a, b')).toBe('"a, b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('one\ntwo')).toBe('"one\ntwo"');
		expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
		expect(csvField('')).toBe('');
		expect(csvField(null)).toBe('');
	});

	it('defuses text a spreadsheet would run as a formula', () => {
		expect(csvField('=1+1')).toBe("'=1+1");
		expect(csvField('+36 1 234 5678')).toBe("'+36 1 234 5678");
		expect(csvField('-2')).toBe("'-2");
		expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
		expect(csvField('\tx')).toBe("'\tx");
		// a carriage return both defuses and quotes
		expect(csvField('\rx')).toBe('"\'\rx"');
		expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"');
	});

	it('leaves text with those characters further in, and numbers, as they are', () => {
		expect(csvField('a=b+c-d@e')).toBe('a=b+c-d@e');
		expect(csvField(3.5)).toBe('3.5');
		expect(csvField(0)).toBe('0');
	});

	it('ends every record, the last one too, with CRLF', () => {
		expect(csvText([['a', 'b'], ['c', null]])).toBe('a,b\r\nc,\r\n');
	});
});

describe('boardCsv', () => {
	it('has a header, each group followed by its cards, the loose cards, then the revealed results', () => {
		expect(lines(boardCsv(values))).toEqual([
			'kind,group,card_id,text,organisation,indicator,target,year,round,option,rank,total',
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
		expect(lines(boardCsv(goals)).slice(1, 3)).toEqual([
			'card,,gc1,More joint R&D projects,Delta Cluster,joint projects per year,40,2030,,,,',
			'card,,gc2,Export growth,Delta Cluster,,,2028,,,,'
		]);
	});

	it('lists every revealed round in order, and leaves the total of an unscored option empty', () => {
		expect(lines(boardCsv(mission)).filter((l) => l.startsWith('result'))).toEqual([
			'result,,,,,,,,1,Alternative 2,1,2',
			'result,,,,,,,,1,Main wording,2,1',
			'result,,,,,,,,2,Mentoring,1,4',
			'result,,,,,,,,2,Shared purchasing,2,3',
			'result,,,,,,,,2,Export desk,3,'
		]);
	});

	it('quotes and defuses card text and organisations', () => {
		const r = rendering({}, { ungrouped: [card('c', '=cmd|"/c calc"!A0', '-Org, Ltd.'), card('d', 'two\nlines', '@home')] });
		expect(lines(boardCsv(r)).slice(1, -1)).toEqual([
			'card,,c,"\'=cmd|""/c calc""!A0","\'-Org, Ltd.",,,,,,,',
			'card,,d,"two\nlines",\'@home,,,,,,,'
		]);
	});
});

describe('reportCsv', () => {
	it('gives each board, its statement, its top items with their round, and its organisations', () => {
		const csv = reportCsv(compileReport({ workshop, boards: [mission, vision] }));
		expect(lines(csv)).toEqual([
			'board,board_kind,phase,kind,label,text,statement_from,round,method,weighting,voters,rank,total',
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
		const csv = reportCsv(compileReport({ workshop, boards: [rendering({ title: '=2+2', prompt: '' })] }));
		expect(lines(csv)[1]).toBe("'=2+2,free,brainstorm,board,'=2+2,,,,,,,,");
	});
});
