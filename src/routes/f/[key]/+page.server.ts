import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { formFields, memberName, parseForm } from '#lib/domain/workshop/validation.js';
import * as v from 'valibot';
import { getRuntime } from '#lib/server/runtime.js';
import { claimFacilitator, findByFacilitatorKey } from '#lib/server/repositories/workshops.js';
import { errorCode } from '#lib/server/db/client.js';
import { currentMember, startSession } from '#lib/server/auth/guard.js';
import { clientAddress, joinFailures } from '#lib/server/client-address.js';
import { formData } from '#lib/server/form-body.js';

const claim = v.object({ name: memberName });

async function workshopFor(event: RequestEvent) {
	const address = clientAddress(event);
	const { sql } = await getRuntime();
	const key = event.params.key;
	const workshop = key.length <= 128 ? await findByFacilitatorKey(sql, key) : null;
	// As with join codes, only misses are limited: the right link always opens.
	if (!workshop) {
		if (joinFailures.retryAfter(address) > 0) error(429, 'rate_limited', { code: 'rate_limited' });
		joinFailures.fail(address);
		error(404, 'wrong_key', { code: 'wrong_key' });
	}
	return workshop;
}

export const load: PageServerLoad = async (event) => {
	const workshop = await workshopFor(event);
	const member = await currentMember(event.cookies, workshop.id);
	if (member?.me.role === 'facilitator') redirect(303, `/w/${workshop.id}`);
	return { workshop };
};

export const actions: Actions = {
	default: async (event) => {
		await workshopFor(event);
		const fields = formFields(await formData(event.request));
		const parsed = parseForm(claim, fields);
		if (!parsed.ok) return fail(400, { fields, errors: parsed.errors });
		const { sql } = await getRuntime();
		let claimed;
		try {
			claimed = await claimFacilitator(sql, { key: event.params.key, name: parsed.value.name });
		} catch (e) {
			const code = errorCode(e);
			if (!code) throw e;
			return fail(400, { fields, errors: { form: code } });
		}
		await startSession(event.cookies, event.url, { ...claimed, role: 'facilitator' });
		await (await getRuntime()).control.publishRoster(claimed.workshopId);
		redirect(303, `/w/${claimed.workshopId}`);
	}
};
