import { m } from '$lib/paraglide/messages';

const ERRORS: Record<string, () => string> = {
	wrong_code: m.error_wrong_code,
	joining_closed: m.error_joining_closed,
	wrong_key: m.error_wrong_key,
	invalid_name: m.error_invalid_name,
	invalid_organisation: m.error_invalid_organisation,
	invalid_role: m.error_invalid_role,
	invalid_title: m.error_invalid_title,
	invalid_venue: m.error_invalid_venue,
	invalid_date: m.error_invalid_date,
	invalid_language: m.error_invalid_language,
	invalid_template: m.error_invalid_template,
	invalid_board_title: m.error_invalid_board_title,
	invalid_prompt: m.error_invalid_prompt,
	invalid_board_kind: m.error_invalid_board_kind,
	invalid_input: m.error_invalid_input,
	last_facilitator: m.error_last_facilitator,
	not_allowed: m.error_not_allowed,
	not_found: m.error_not_found,
	rate_limited: m.error_rate_limited
};

/** The interface's sentence for an error code from the server or the database. */
export function errorMessage(code: string | undefined | null): string {
	return (code && ERRORS[code]?.()) || m.error_unexpected();
}
