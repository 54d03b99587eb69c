import type { SubmitFunction } from '$app/forms';

/**
 * `use:enhance` for forms that keep what was typed when the server answers with errors:
 * `set(true)` while the request is under way (the button shows it), the fields not reset.
 */
export function keepingFields(set: (pending: boolean) => void): SubmitFunction {
	return () => {
		set(true);
		return async ({ update }) => {
			await update({ reset: false });
			set(false);
		};
	};
}
