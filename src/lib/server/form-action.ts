import { fail, type Cookies, type RequestEvent } from '@sveltejs/kit';
import type * as v from 'valibot';
import { formFields, parseForm } from '#lib/domain/workshop/validation.js';
import type { MemberView } from '#lib/domain/workshop/members.js';
import { errorCode } from './db/client';
import type { Viewer } from './db/client';
import { requireMember } from './auth/guard';
import { formData } from './form-body';
import { Refusal } from './refusal';

/**
 * What every form action answers when it refuses: which action (`?/name`), the fields as sent
 * (to fill the form again) and the errors by field — `form` for the form as a whole. Codes only;
 * the page words them (`errorMessage`).
 */
export interface FormFailure {
	action: string;
	fields: Record<string, string>;
	errors: Record<string, string>;
}

/** A foreign key the row would break (a board of another workshop, one that is gone): nothing to refer to. */
const missingReference = (e: unknown) => (e as { code?: unknown } | null)?.code === '23503';

/** What a failed write goes back with, or null for a failure that is a bug (thrown on: a 500). */
function refusalOf(e: unknown): Refusal | null {
	if (e instanceof Refusal) return e;
	const code = errorCode(e) ?? (missingReference(e) ? 'not_found' : null);
	return code ? new Refusal(code) : null;
}

const statusOf = (code: string) => (code === 'not_allowed' ? 403 : code === 'not_found' ? 404 : 400);

type Who = (cookies: Cookies, workshopId: string) => Promise<{ viewer: Viewer; me?: MemberView }>;

export interface FormContext {
	viewer: Viewer;
	/** The member row, unless `who` reads the session only. */
	me: MemberView | undefined;
	event: RequestEvent;
	/** The form as sent, and its text fields (the first of each name). */
	data: FormData;
	fields: Record<string, string>;
}

/**
 * One form action, read in the order every action runs: who is asking (`who`, the member by
 * default; `facilitator` refuses anyone else before reading the form), is the input well formed
 * (`schema`), then `resolve` — where the database (row-level security) and the services decide.
 *
 * `resolve` answers `false` for a write that was refused (403 `not_allowed`), an object to add to
 * the success (`{ action, saved: true, ...it }`), or throws a `Refusal` or a database error with a
 * code. Anything else it throws is a bug and stays a 500.
 */
export function formAction<S extends v.GenericSchema>(options: {
	who?: Who;
	facilitator?: boolean;
	schema: S;
	resolve: (input: v.InferOutput<S>, context: FormContext) => Promise<unknown>;
}) {
	const who = options.who ?? requireMember;
	return async (event: RequestEvent) => {
		const { viewer, me } = await who(event.cookies, event.params.id ?? '');
		const action = event.url.search;
		const refuse = (fields: Record<string, string>, errors: Record<string, string>, status = statusOf(errors.form ?? 'invalid_input')) =>
			fail(status, { action, fields, errors } satisfies FormFailure);
		if (options.facilitator && me?.role !== 'facilitator') return refuse({}, { form: 'not_allowed' });
		const data = await formData(event.request);
		const fields = formFields(data);
		const parsed = parseForm(options.schema, fields);
		if (!parsed.ok) return refuse(fields, parsed.errors, 400);
		let result: unknown;
		try {
			result = await options.resolve(parsed.value, { viewer, me, event, data, fields });
		} catch (e) {
			const refusal = refusalOf(e);
			if (!refusal) throw e;
			return refuse(fields, { [refusal.options.field ?? 'form']: refusal.code }, refusal.options.status ?? statusOf(refusal.code));
		}
		if (result === false || result === null) return refuse(fields, { form: 'not_allowed' });
		return { action, saved: true as const, ...(typeof result === 'object' ? result : {}) };
	};
}
