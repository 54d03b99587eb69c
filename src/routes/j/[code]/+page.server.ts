import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { normaliseJoinCode } from '#lib/domain/workshop/join-code.js';
import { formFields, joinRequest, parseForm } from '#lib/domain/workshop/validation.js';
import { getRuntime } from '#lib/server/runtime.js';
import { findByCode, joinWorkshop } from '#lib/server/repositories/workshops.js';
import { errorCode } from '#lib/server/db/client.js';
import { currentMember, startSession } from '#lib/server/auth/guard.js';
import { clientAddress, joinFailures } from '#lib/server/client-address.js';
import { formData } from '#lib/server/form-body.js';

// Only wrong codes are limited: a correct one always gets in, even from an address that a room
// full of people mistyping (one venue, one address) has pushed past the limit.
export const load: PageServerLoad = async (event) => {
	const address = clientAddress(event);
	const code = normaliseJoinCode(event.params.code);
	const { sql } = await getRuntime();
	const workshop = code ? await findByCode(sql, code) : null;
	if (!workshop || !code) {
		if (joinFailures.retryAfter(address) > 0) error(429, 'rate_limited', { code: 'rate_limited' });
		joinFailures.fail(address);
		return { status: 'wrong_code' as const, code: event.params.code.slice(0, 12) };
	}
	// The same browser coming back is the same member.
	if (await currentMember(event.cookies, workshop.id)) redirect(303, `/w/${workshop.id}`);
	if (code !== event.params.code) redirect(308, `/j/${code}`);
	return { status: workshop.joiningOpen ? ('open' as const) : ('closed' as const), code, workshop };
};

export const actions: Actions = {
	default: async (event) => {
		const address = clientAddress(event);
		const fields = formFields(await formData(event.request));
		fields.role = fields.observer === 'on' ? 'observer' : 'participant';
		const parsed = parseForm(joinRequest, fields);
		if (!parsed.ok) return fail(400, { fields, errors: parsed.errors });
		const { sql } = await getRuntime();
		let joined;
		try {
			joined = await joinWorkshop(sql, { code: event.params.code, ...parsed.value });
		} catch (e) {
			const code = errorCode(e);
			if (!code) throw e;
			if (code === 'wrong_code') {
				if (joinFailures.retryAfter(address) > 0) return fail(429, { fields, errors: { form: 'rate_limited' } });
				joinFailures.fail(address);
			}
			return fail(400, { fields, errors: { form: code } });
		}
		await startSession(event.cookies, event.url, { ...joined, role: parsed.value.role });
		// Every screen in the room counts the newcomer now, not at its next reload.
		await (await getRuntime()).control.publishRoster(joined.workshopId);
		redirect(303, `/w/${joined.workshopId}`);
	}
};
