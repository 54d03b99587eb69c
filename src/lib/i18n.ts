import { m } from '#lib/paraglide/messages.js';

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
	anonymous_has_cards: m.error_anonymous_has_cards,
	not_found: m.error_not_found,
	rate_limited: m.error_rate_limited,
	workshops_rate_limited: m.error_workshops_rate_limited,
	round_already_open: m.error_round_already_open,
	no_options: m.error_no_options,
	too_many_options: m.error_too_many_options,
	invalid_settings: m.error_invalid_settings,
	invalid_method: m.error_invalid_method,
	round_closed: m.error_round_closed,
	not_member: m.error_not_member,
	observer: m.error_observer,
	empty_ballot: m.error_empty_ballot,
	unknown_option: m.error_unknown_option,
	duplicate_mark: m.error_duplicate_mark,
	out_of_range: m.error_out_of_range,
	over_max_per_option: m.error_over_max_per_option,
	over_budget: m.error_over_budget,
	too_many_choices: m.error_too_many_choices,
	duplicate_position: m.error_duplicate_position,
	results_hidden: m.error_results_hidden,
	anonymous_round: m.error_anonymous_round,
	invalid_email: m.error_invalid_email,
	invalid_password: m.error_invalid_password,
	login_invalid: m.error_login_invalid,
	login_unconfirmed: m.error_login_unconfirmed,
	login_unknown_email: m.error_login_unknown_email,
	link_invalid: m.error_link_invalid,
	auth_rate_limited: m.error_auth_rate_limited,
	auth_unavailable: m.error_auth_unavailable,
	login_failed: m.error_login_failed,
	invite_not_found: m.error_invite_not_found,
	invite_revoked: m.error_invite_revoked,
	invite_used: m.error_invite_used,
	invite_expired: m.error_invite_expired,
	invite_wrong_account: m.error_invite_wrong_account,
	invite_self: m.error_invite_self,
	invite_no_account: m.error_invite_no_account,
	already_owned: m.error_already_owned
};

/** The interface's sentence for an error code from the server or the database. */
export function errorMessage(code: string | undefined | null): string {
	return (code && ERRORS[code]?.()) || m.error_unexpected();
}

/**
 * The sentence for a refused form (`FormFailure` from `#lib/server/form-action.js`): the error of
 * the form as a whole, else its first field's.
 */
export function formErrorMessage(data: unknown): string {
	const errors = (data as { errors?: Record<string, string> } | null | undefined)?.errors ?? {};
	return errorMessage(errors.form ?? Object.values(errors)[0]);
}
