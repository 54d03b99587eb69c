/**
 * A rule of the app said no: `code` says which (`not_allowed`, `round_closed`,
 * `anonymous_has_cards`, …) and goes back to the form as it is, for the page to word. `field`
 * names the form field it is about (the form as a whole by default); `status` overrides the
 * HTTP status the code would get (`statusOf` in form-action.ts).
 */
export class Refusal extends Error {
	constructor(
		readonly code: string,
		readonly options: { field?: string; status?: number } = {}
	) {
		super(code);
	}
}
