import { isUuid } from '#lib/domain/ids.js';
import { getRuntime } from './runtime';

const cache = new Map<string, { language: string | undefined; at: number }>();
const TTL_MS = 10_000;

/**
 * The language of the workshop a URL belongs to (/w/<id>, /j/<code>, /f/<key>, shared /s/ and /r/ links, the presenter's /p/ link). The
 * language is not secret (the join page shows it to anyone with the code or link), so this
 * reads it with the server's own connection rather than as a member.
 */
export async function workshopLanguageFor(url: URL): Promise<string | undefined> {
	const [, section, value] = url.pathname.split('/');
	if (!value || !['w', 'j', 'f', 's', 'r', 'p'].includes(section)) return undefined;
	if (section === 'w' && !isUuid(value)) return undefined;
	if (value.length > 128) return undefined;
	const cacheKey = `${section}/${value}`;
	const hit = cache.get(cacheKey);
	if (hit && Date.now() - hit.at < TTL_MS) return hit.language;
	const { sql } = await getRuntime();
	const rows =
		section === 'w'
			? await sql<{ language: string }[]>`select language from public.workshops where id = ${value}`
			: section === 'j'
				? await sql<{ language: string }[]>`select language from public.workshops where join_code = ${value.toUpperCase()}`
				: section === 's'
					? await sql<{ language: string }[]>`select w.language from public.workshops w
							join public.snapshots s on s.workshop_id = w.id where s.share_token = ${value}`
					: section === 'r'
						? await sql<{ language: string }[]>`select w.language from public.workshops w
								join public.report_shares r on r.workshop_id = w.id where r.share_token = ${value}`
						: section === 'p'
							? await sql<{ language: string }[]>`select w.language from public.workshops w
									join public.screen_links s on s.workshop_id = w.id where s.token = ${value}`
							: await sql<{ language: string }[]>`select w.language from public.workshops w
									join public.workshop_secrets s on s.workshop_id = w.id where s.facilitator_key = ${value}`;
	const language = rows[0]?.language;
	if (cache.size > 5_000) cache.clear();
	cache.set(cacheKey, { language, at: Date.now() });
	return language;
}
