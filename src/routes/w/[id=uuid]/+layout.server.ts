import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import type { LayoutServerLoad } from './$types';
import { requireMember } from '#lib/server/auth/guard.js';
import { getRuntime } from '#lib/server/runtime.js';
import { loadWorkshopPage } from '#lib/server/repositories/workshops.js';
import { PREVIEW_COOKIE } from '#lib/server/preview.js';
import { parseDocName } from '#lib/server/sync/doc-name.js';
import { readBoardControl, readRoster, readSession, sameRoster } from '#lib/domain/workshop/control-model.js';
import { accountRole, pendingInvites } from '#lib/server/repositories/accounts.js';
import { screenToken } from '#lib/server/screen-links.js';

export const load: LayoutServerLoad = async ({ params, cookies, url, locals }) => {
	const { viewer } = await requireMember(cookies, params.id);
	const { sql, sync, control: live } = await getRuntime();
	const page = await loadWorkshopPage(sql, viewer);
	if (!page) error(404, 'not_found');
	// The live state as it stands now; pages that follow it live connect to the document.
	const controlDoc = await sync.read({ doc: parseDocName(`control/${params.id}`)!, workshopId: params.id });
	// The live member list comes from the control document; one that lags the database (a
	// workshop from before it existed, a publish that failed) is brought up to date here.
	if (!sameRoster(readRoster(controlDoc), page.members)) await live.publishRoster(params.id);
	const control = {
		boards: Object.fromEntries(page.boards.map((b) => [b.id, readBoardControl(controlDoc, b.id)])),
		session: readSession(controlDoc)
	};
	const joinUrl = `${url.origin}/j/${page.workshop.joinCode}`;
	const facilitator = page.me.role === 'facilitator';
	// The preview changes what is drawn, not what the server allows: it shows the page
	// exactly as a participant gets it, with the facilitator's own identity.
	const previewing = facilitator && cookies.get(PREVIEW_COOKIE) === params.id;
	// Co-facilitator invites: for the workshop's own accounts (RLS decides again on every write).
	const account = facilitator && !previewing ? locals.account : null;
	const role = account ? await accountRole(sql, account, params.id) : null;
	const inviting = account && role ? await pendingInvites(sql, account, params.id) : null;
	// A facilitator whose workshop is not (yet) their account's: offer to sign in, or to add it.
	const accountOffer = facilitator && !previewing && locals.supabase && !role ? (locals.account ? 'claim' : 'sign-in') : null;
	return {
		...page,
		me: previewing ? { ...page.me, role: 'participant' as const } : page.me,
		previewing,
		facilitatorKey: previewing ? null : page.facilitatorKey,
		control,
		invites: inviting,
		accountOffer: accountOffer as 'claim' | 'sign-in' | null,
		joinUrl,
		// The presenter's link for a venue laptop, once the screen was opened (facilitators only).
		screenUrl: facilitator && !previewing ? await screenToken(sql, viewer, { create: false }).then((t) => (t ? `${url.origin}/p/${t}` : null)) : null,
		// The QR code is drawn here from our own URL; the page inlines the SVG.
		joinQr: facilitator && !previewing ? await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null,
		facilitatorUrl: page.facilitatorKey && !previewing ? `${url.origin}/f/${page.facilitatorKey}` : null
	};
};
