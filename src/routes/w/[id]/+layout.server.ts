import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import type { LayoutServerLoad } from './$types';
import { requireMember } from '$lib/server/auth/guard';
import { getRuntime } from '$lib/server/runtime';
import { loadWorkshopPage } from '$lib/server/repositories/workshops';

export const load: LayoutServerLoad = async ({ params, cookies, url }) => {
	const { viewer } = await requireMember(cookies, params.id);
	const { sql } = await getRuntime();
	const page = await loadWorkshopPage(sql, viewer);
	if (!page) error(404, { message: 'not_found' });
	const joinUrl = `${url.origin}/j/${page.workshop.joinCode}`;
	const facilitator = page.me.role === 'facilitator';
	return {
		...page,
		joinUrl,
		// The QR code is drawn here from our own URL; the page inlines the SVG.
		joinQr: facilitator ? await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null,
		facilitatorUrl: page.facilitatorKey ? `${url.origin}/f/${page.facilitatorKey}` : null
	};
};
