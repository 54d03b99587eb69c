import type { Sql } from './db/client';
import { asAnon } from './db/client';
import { asMember, type Viewer } from './db/client';
import { newShareToken } from './repositories/snapshots';
import type { SyncServer } from './sync/sync-server';

/**
 * The presenter screen's link (one per workshop): a venue laptop shows the room through it
 * without a facilitator's session on it. Made, read and revoked by facilitators (RLS).
 */
export async function screenToken(sql: Sql, viewer: Viewer, options: { create: boolean }): Promise<string | null> {
	return asMember(sql, viewer, async (tx) => {
		const [row] = await tx<{ token: string }[]>`select token from public.screen_links where workshop_id = ${viewer.workshopId}`;
		if (row || !options.create) return row?.token ?? null;
		// Two facilitators opening the screen at once: the second finds the first one's link.
		const [made] = await tx<{ token: string }[]>`
			insert into public.screen_links (workshop_id, token) values (${viewer.workshopId}, ${newShareToken()})
			on conflict (workshop_id) do nothing returning token`;
		if (made) return made.token;
		const [again] = await tx<{ token: string }[]>`select token from public.screen_links where workshop_id = ${viewer.workshopId}`;
		return again?.token ?? null;
	}).catch((e) => {
		if ((e as { code?: string }).code === '42501') return null;
		throw e;
	});
}

/** Revokes the link: the laptop showing it gets a plain 404 at its next load, and its websockets are refused. */
export async function revokeScreenLink(sql: Sql, sync: SyncServer, viewer: Viewer): Promise<boolean> {
	const r = await asMember(sql, viewer, (tx) => tx`delete from public.screen_links where workshop_id = ${viewer.workshopId}`);
	if (r.count === 1) sync.disconnect(viewer.workshopId, screenMemberId(viewer.workshopId));
	return r.count === 1;
}

/** Who the presenter screen is to the sync server: nobody's member, one per workshop. */
export const screenMemberId = (workshopId: string) => `screen:${workshopId}`;

export async function workshopByScreenToken(sql: Sql, token: string): Promise<string | null> {
	if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
	const [row] = await asAnon(sql, (tx) => tx<{ w: string | null }[]>`select public.workshop_by_screen_token(${token}) as w`);
	return row?.w ?? null;
}
