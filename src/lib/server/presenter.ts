import QRCode from 'qrcode';
import { getRuntime } from './runtime';
import { parseDocName } from './sync/doc-name';
import { readBoardControl, readRoster, readSession } from '#lib/domain/workshop/control-model.js';
import { readRounds } from '#lib/domain/voting/published.js';
import type { PresenterData } from '#lib/domain/workshop/presenter-data.js';

export type { PresenterData };

/**
 * What the presenter screen starts from; after that it follows the control document live.
 * The caller has already decided the screen may see this workshop (a facilitator, or a valid
 * screen link), so this reads with the server's own connection.
 */
export async function presenterData(input: { workshopId: string; screenToken: string; origin: string }): Promise<PresenterData | null> {
	const { sql, sync } = await getRuntime();
	const [w] = await sql<{ id: string; title: string; join_code: string; joining_open: boolean; venue: string }[]>`
		select id, title, join_code, joining_open, venue from public.workshops where id = ${input.workshopId}`;
	if (!w) return null;
	const boards = await sql<PresenterData['boards']>`
		select id, title, prompt, kind from public.boards where workshop_id = ${w.id} order by position, created_at`;
	const doc = await sync.read({ doc: parseDocName(`control/${w.id}`)!, workshopId: w.id });
	const joinUrl = `${input.origin}/j/${w.join_code}`;
	return {
		workshop: { id: w.id, title: w.title, joinCode: w.join_code, joiningOpen: w.joining_open, venue: w.venue },
		boards: [...boards],
		joinUrl,
		joinQr: await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
		screenToken: input.screenToken,
		control: {
			session: readSession(doc),
			boards: Object.fromEntries(boards.map((b) => [b.id, readBoardControl(doc, b.id)])),
			rounds: boards.flatMap((b) => readRounds(doc, b.id)),
			roster: readRoster(doc)
		}
	};
}
