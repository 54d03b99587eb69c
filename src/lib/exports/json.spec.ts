import { describe, it, expect } from 'vitest';
import { boardJson, reportJson, type BoardExport } from './json';
import { compileReport } from './report';
import { XSS_IMG, card, goals, meta, mission, rendering, values, vision, workshop } from './fixtures';
import type { BoardRendering } from '#lib/domain/snapshot/types.js';

/** The rendering a board export holds, put back together. */
function renderingOf(doc: BoardExport): BoardRendering {
	const { workshop, board, groups, ungrouped, variants, rounds, organisations } = doc;
	return { format: doc.version, workshop, board, groups, ungrouped, variants, rounds, organisations };
}

describe('boardJson', () => {
	it('names its format and version, and carries the snapshot and the export time', () => {
		const doc = JSON.parse(boardJson(values, meta, 1_800_000_000_000));
		expect(doc.format).toBe('roundtable.board');
		expect(doc.version).toBe(1);
		expect(doc.exportedAt).toBe(1_800_000_000_000);
		expect(doc.snapshot).toEqual(meta);
	});

	it.each([values, mission, vision, goals])('parses back to the same rendering ($board.id)', (r) => {
		expect(renderingOf(JSON.parse(boardJson(r, meta)))).toEqual(r);
	});

	it('of the live board has a null snapshot and no export time unless given', () => {
		const doc = JSON.parse(boardJson(values, null));
		expect(doc.snapshot).toBeNull();
		expect('exportedAt' in doc).toBe(false);
	});

	it('is indented with two spaces, header first', () => {
		expect(boardJson(values, null).split('\n').slice(0, 4)).toEqual(['{', '  "format": "roundtable.board",', '  "version": 1,', '  "snapshot": null,']);
	});

	it('writes <, > and & as escapes, so it can be inlined in a page, and still reads back the same', () => {
		const text = boardJson(rendering({ title: '</script><script>alert(1)</script>' }, { ungrouped: [card('c', `${XSS_IMG} & more`, 'A&B')] }), null);
		expect(text).not.toMatch(/[<>&]/);
		expect(text).toContain('\\u003c/script\\u003e');
		const doc = JSON.parse(text);
		expect(doc.board.title).toBe('</script><script>alert(1)</script>');
		expect(doc.ungrouped[0]).toEqual(card('c', `${XSS_IMG} & more`, 'A&B'));
	});

	it('copies only the known fields: a card still carrying its author is exported without', () => {
		const live = { ...values, ungrouped: [{ ...card('c', 'Idea', 'Alpha'), author: 'm-1', authorName: 'Anna Kovács' }], secret: 'x' };
		const text = boardJson(live, null);
		expect(text).not.toContain('Anna');
		expect(text).not.toContain('m-1');
		expect(text).not.toContain('secret');
		expect(JSON.parse(text).ungrouped).toEqual([card('c', 'Idea', 'Alpha')]);
	});
});

describe('reportJson', () => {
	it('parses back to the same report under its own format name', () => {
		const report = compileReport({ workshop, boards: [values, mission, vision, goals] });
		expect(JSON.parse(reportJson(report, 5))).toEqual({ format: 'roundtable.report', version: 1, exportedAt: 5, ...report });
		expect(JSON.parse(reportJson(report))).toEqual({ format: 'roundtable.report', version: 1, ...report });
	});
});
