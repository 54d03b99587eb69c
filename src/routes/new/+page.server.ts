import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { formFields, newWorkshop, parseForm } from '#lib/domain/workshop/validation.js';
import { getRuntime } from '#lib/server/runtime.js';
import { createWorkshop } from '#lib/server/repositories/workshops.js';
import { errorCode } from '#lib/server/db/client.js';
import { startSession } from '#lib/server/auth/guard.js';
import { boardsFromForm, localisedTemplateBoards } from '#lib/server/template-boards.js';
import { TEMPLATES } from '#lib/domain/workshop/templates.js';
import { LANGUAGES } from '#lib/domain/workshop/validation.js';
import { formData } from '#lib/server/form-body.js';
import { createAccountWorkshop } from '#lib/server/repositories/accounts.js';
import { clientAddress, workshopCreations } from '#lib/server/client-address.js';

export const load: PageServerLoad = ({ locals }) => ({
	language: locals.locale,
	// Each template's boards in both languages: the form is prefilled in the workshop's language.
	templates: Object.fromEntries(TEMPLATES.map((t) => [t, Object.fromEntries(LANGUAGES.map((l) => [l, localisedTemplateBoards(t, l)]))])),
	// With accounts available, say whose workshop this will be.
	signedInAs: locals.account?.email ?? null,
	canSignIn: !!locals.supabase && !locals.account
});

export const actions: Actions = {
	default: async (event) => {
		const { request, cookies, url, locals } = event;
		const fields = formFields(await formData(request));
		const parsed = parseForm(newWorkshop, fields);
		if (!parsed.ok) return fail(400, { fields, errors: parsed.errors });
		const boards = boardsFromForm(parsed.value.template, parsed.value.language, fields);
		if (!boards.ok) return fail(400, { fields, errors: boards.errors });
		const address = clientAddress(event);
		const wait = workshopCreations.retryAfter(address);
		if (wait > 0) {
			event.setHeaders({ 'retry-after': String(Math.ceil(wait / 1000)) });
			return fail(429, { fields, errors: { form: 'workshops_rate_limited' } });
		}
		// Counted before creating, in the same turn as the check: parallel posts cannot all pass it.
		workshopCreations.record(address);
		const input = parsed.value;
		const { sql } = await getRuntime();
		let created;
		try {
			const workshop = { ...input, boards: boards.boards };
			// Signed in: the account owns it. Otherwise as before: the session and the facilitator link.
			created = locals.account ? await createAccountWorkshop(sql, locals.account, workshop) : await createWorkshop(sql, workshop);
		} catch (e) {
			const code = errorCode(e);
			if (!code) throw e;
			return fail(400, { fields, errors: { form: code } });
		}
		await startSession(cookies, url, { memberId: created.memberId, workshopId: created.workshopId, role: 'facilitator' });
		redirect(303, `/w/${created.workshopId}`);
	}
};
