import { error } from '@sveltejs/kit';
import { boardMarkdown, reportMarkdown } from '#lib/exports/markdown.js';
import { boardCsv, reportCsv } from '#lib/exports/csv.js';
import { boardJson, reportJson } from '#lib/exports/json.js';
import { attachment, fileStem } from '#lib/exports/file-name.js';
import type { Report } from '#lib/exports/report.js';
import type { BoardRendering, SnapshotMeta } from '#lib/domain/snapshot/types.js';

const TYPES = { md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;
type Format = keyof typeof TYPES;

function format(value: string): Format {
	if (!(value in TYPES)) error(404, 'not_found');
	return value as Format;
}

function download(body: string, f: Format, stem: string): Response {
	return new Response(body, {
		headers: {
			'content-type': TYPES[f],
			'content-disposition': attachment(`${stem}.${f}`),
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store'
		}
	});
}

/** A board or snapshot as Markdown, CSV or JSON, in the workshop's language. */
export function boardExport(formatParam: string, rendering: BoardRendering, meta: SnapshotMeta | null): Response {
	const f = format(formatParam);
	const locale = rendering.workshop.language;
	const body = f === 'md' ? boardMarkdown(rendering, meta, locale) : f === 'csv' ? boardCsv(rendering, locale) : boardJson(rendering, meta);
	return download(body, f, fileStem(`${rendering.board.title}${meta ? `-${meta.title}` : ''}`));
}

export function reportExport(formatParam: string, report: Report): Response {
	const f = format(formatParam);
	const locale = report.workshop.language;
	const body = f === 'md' ? reportMarkdown(report, locale) : f === 'csv' ? reportCsv(report, locale) : reportJson(report);
	return download(body, f, fileStem(`${report.workshop.title}-report`));
}
