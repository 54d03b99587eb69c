import type { Cookies } from '@sveltejs/kit';
import { asUser } from './db/client';
import { getRuntime } from './runtime';
import { sessionCookieName, verifySession } from './auth/session';
import type { MemberRole } from '#lib/domain/workshop/roles.js';

export interface MyWorkshop {
	id: string;
	title: string;
	role: MemberRole;
}

/** The workshops this browser has joined, from its session cookies (at most 12). */
export async function myWorkshops(cookies: Cookies): Promise<MyWorkshop[]> {
	const { sql, sessionKey } = await getRuntime();
	const found: MyWorkshop[] = [];
	for (const { name, value } of cookies
		.getAll()
		.filter((c) => c.name.startsWith('rt_'))
		.slice(0, 12)) {
		const session = await verifySession(sessionKey, value);
		if (!session || name !== sessionCookieName(session.workshopId)) continue;
		const [row] = await asUser(
			sql,
			{ sub: session.memberId, role: 'authenticated' },
			(tx) => tx<{ title: string; role: MemberRole }[]>`
			select w.title, m.role from public.workshops w join public.members m on m.workshop_id = w.id
			where w.id = ${session.workshopId} and m.id = ${session.memberId}`
		);
		if (row) found.push({ id: session.workshopId, title: row.title, role: row.role });
	}
	return found;
}
