import * as v from 'valibot';
import { TEMPLATES, BOARD_KINDS } from './templates';
import { normaliseJoinCode } from './join-code';

export const LANGUAGES = ['en', 'hu'] as const;
export type Language = (typeof LANGUAGES)[number];

// Issue messages are error codes; the interface translates them.
const text = (max: number, code: string) =>
	v.pipe(
		v.string(code),
		v.transform((s) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim()),
		v.minLength(1, code),
		v.maxLength(max, code)
	);

const optionalText = (max: number, code: string) =>
	v.pipe(
		v.optional(v.string(code), ''),
		v.transform((s) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim()),
		v.maxLength(max, code)
	);

export const NAME_MAX = 80;
export const ORGANISATION_MAX = 120;
export const TITLE_MAX = 120;
export const PROMPT_MAX = 500;

export const memberName = text(NAME_MAX, 'invalid_name');
export const organisationName = text(ORGANISATION_MAX, 'invalid_organisation');

const isoDate = v.pipe(
	v.optional(v.string('invalid_date'), ''),
	// Date.parse rolls 2021-02-30 over to March; a real date prints back as itself.
	v.check((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().slice(0, 10) === s), 'invalid_date'),
	v.transform((s) => (s === '' ? null : s))
);

export const workshopSettings = v.object({
	title: text(TITLE_MAX, 'invalid_title'),
	startsOn: isoDate,
	venue: optionalText(120, 'invalid_venue'),
	language: v.picklist(LANGUAGES, 'invalid_language')
});

export const newWorkshop = v.object({
	...workshopSettings.entries,
	template: v.picklist(TEMPLATES, 'invalid_template'),
	facilitatorName: memberName
});

/** A follow-up meeting: its own title, date and venue, and its facilitator's name (language and boards are the previous meeting's). */
export const followUpMeeting = v.object({
	title: workshopSettings.entries.title,
	startsOn: isoDate,
	venue: workshopSettings.entries.venue,
	facilitatorName: memberName
});

export const joinCode = v.pipe(
	v.string('wrong_code'),
	v.transform((s) => normaliseJoinCode(s)),
	v.string('wrong_code')
);

export const joinRequest = v.object({
	name: memberName,
	organisation: organisationName,
	role: v.optional(v.picklist(['participant', 'observer'], 'invalid_role'), 'participant')
});

export const boardInput = v.object({
	title: text(TITLE_MAX, 'invalid_board_title'),
	prompt: optionalText(PROMPT_MAX, 'invalid_prompt'),
	kind: v.optional(v.picklist(BOARD_KINDS, 'invalid_board_kind'), 'free')
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** Parses form fields; on failure, the first error code of each field. */
export function parseForm<S extends v.GenericSchema>(schema: S, input: unknown): ParseResult<v.InferOutput<S>> {
	const result = v.safeParse(schema, withMissingFieldsEmpty(schema, input));
	if (result.success) return { ok: true, value: result.output };
	const errors: Record<string, string> = {};
	for (const issue of result.issues) {
		const key = issue.path?.map((p) => String(p.key)).join('.') || 'form';
		// Only codes leave here: anything else (a valibot default message) is invalid_input.
		errors[key] ??= /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid_input';
	}
	return { ok: false, errors };
}

/** A required field missing from the form is checked as if it were empty, so it fails with its own code. */
function withMissingFieldsEmpty(schema: v.GenericSchema, input: unknown): unknown {
	const entries = (schema as { entries?: Record<string, v.GenericSchema> }).entries;
	if (!entries || !input || typeof input !== 'object') return input;
	const filled: Record<string, unknown> = { ...(input as Record<string, unknown>) };
	for (const [key, field] of Object.entries(entries)) if (!(key in filled) && field.type !== 'optional') filled[key] = '';
	return filled;
}

/** A form's fields as strings (files and repeated fields are not expected anywhere). */
export function formFields(data: FormData): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const [key, value] of data) if (typeof value === 'string' && !(key in fields)) fields[key] = value;
	return fields;
}

/** An e-mail address as Supabase Auth takes it, lowercased: what invites are matched by. */
export const emailAddress = v.pipe(
	v.string('invalid_email'),
	v.transform((s) => s.trim().toLowerCase()),
	v.maxLength(254, 'invalid_email'),
	v.email('invalid_email')
);

export const passwordSignIn = v.object({
	email: emailAddress,
	password: v.pipe(v.string('invalid_password'), v.minLength(1, 'invalid_password'), v.maxLength(200, 'invalid_password'))
});

export const linkSignIn = v.object({ email: emailAddress });
