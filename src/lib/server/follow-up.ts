import { redirect } from '@sveltejs/kit';
import { followUpMeeting, type Language } from '#lib/domain/workshop/validation.js';
import { startSession } from './auth/guard';
import type { Sql, Viewer } from './db/client';
import { formAction } from './form-action';
import { createFollowUp } from './repositories/workshops';
import { getRuntime } from './runtime';
import type { SyncServer } from './sync/sync-server';
import { continueBoards } from './continue-boards';
import { clientAddress, workshopCreations } from './client-address';
import { Refusal } from './refusal';

/**
 * The follow-up of the viewer's workshop (issue #19). The database creates it with this
 * meeting's boards and organisations (`create_follow_up`, which refuses anyone but a facilitator
 * here); then each new board continues its predecessor (`continueBoards`).
 */
export async function startFollowUp(
	sql: Sql,
	sync: SyncServer,
	viewer: Viewer,
	input: { title: string; startsOn: string | null; venue: string; facilitatorName: string }
): Promise<{ workshopId: string; memberId: string }> {
	const made = await createFollowUp(sql, viewer, input);
	const [{ language }] = await sql<{ language: Language }[]>`select language from public.workshops where id = ${made.workshopId}`;
	await continueBoards(sql, sync, { from: viewer.workshopId, to: made.workshopId, language, boards: made.boards });
	return { workshopId: made.workshopId, memberId: made.memberId };
}

/** "Plan the next meeting": the facilitator gets a session for the new meeting and lands on it. */
export const followUpAction = formAction({
	facilitator: true,
	schema: followUpMeeting,
	resolve: async (input, { viewer, event }) => {
		// A follow-up is a new workshop: the same limit per address as /new, counted the same way.
		const address = clientAddress(event);
		const wait = workshopCreations.retryAfter(address);
		if (wait > 0) {
			event.setHeaders({ 'retry-after': String(Math.ceil(wait / 1000)) });
			throw new Refusal('workshops_rate_limited', { status: 429 });
		}
		workshopCreations.record(address);
		const { sql, sync } = await getRuntime();
		const made = await startFollowUp(sql, sync, viewer, input);
		await startSession(event.cookies, event.url, { memberId: made.memberId, workshopId: made.workshopId, role: 'facilitator' });
		redirect(303, `/w/${made.workshopId}`);
	}
});
