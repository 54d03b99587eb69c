import { getRuntime } from './runtime';
import { renderWorkshop } from './snapshots';
import { compileReport, type Report } from '#lib/exports/report.js';

/** The workshop report as the boards stand now (results: what the room was shown). */
export async function workshopReport(workshopId: string): Promise<Report | null> {
	const { sql, sync } = await getRuntime();
	const boards = await renderWorkshop(sql, sync, workshopId);
	const [w] = await sql<{ title: string; language: 'en' | 'hu'; starts_on: string | null; venue: string }[]>`
		select title, language, starts_on, venue from public.workshops where id = ${workshopId}`;
	if (!w) return null;
	return compileReport({ workshop: { title: w.title, language: w.language, startsOn: w.starts_on, venue: w.venue }, boards });
}
