import { carryItems, carryStatement } from '#lib/domain/board/board-model.js';
import type { Language } from '#lib/domain/workshop/validation.js';
import { compileReport } from '#lib/exports/report.js';
import { m } from '#lib/paraglide/messages.js';
import type { Sql } from './db/client';
import { renderWorkshop } from './snapshots';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';

/**
 * Each board of a follow-up meeting starts where its predecessor ended, as the report has it:
 * the decided wording (the one a statement vote chose, else the main one) as its statement,
 * the other wordings after it, and the items that came out on top in a group of their own.
 * Written through the sync server like any edit.
 */
export async function continueBoards(
	sql: Sql,
	sync: SyncServer,
	input: { from: string; to: string; language: Language; boards: { from: string; to: string }[] }
): Promise<void> {
	const renderings = await renderWorkshop(sql, sync, input.from);
	if (renderings.length === 0) return;
	const report = compileReport({ workshop: renderings[0].workshop, boards: renderings });
	for (const pair of input.boards) {
		// The rendering already holds the board's wordings, in order: no second read of its document.
		const previous = renderings.find((r) => r.board.id === pair.from);
		const decided = report.boards.find((b) => b.id === pair.from);
		if (!previous || !decided) continue;
		const chosen = decided.statement ? previous.variants.find((v) => v.text === decided.statement!.text)?.id : undefined;
		const top = decided.top.map((t) => t.label).filter((label) => label.trim());
		if (previous.variants.length === 0 && top.length === 0) continue;
		await sync.write({ doc: parseDocName(`board/${pair.to}`)!, workshopId: input.to }, (doc) => {
			carryStatement(doc, previous.variants, chosen);
			carryItems(doc, m.followup_previous_items({}, { locale: input.language }), top);
		});
	}
}
