import { page } from '$app/state';

/** `code`: the form's error, else the first field's; `errors`: every field's, by name. */
export type ActionResult = { ok: true; data: Record<string, unknown> } | { ok: false; code: string; errors: Record<string, string> };

/**
 * What the workshop's form action `?/name` answered, as the page holds it: after an enhanced
 * submit (`update()` applies the result to `page.form`) and after a plain one, when the page was
 * rendered with it. A form used before the page's script has arrived (a slow phone, a busy
 * laptop) still says how it went. Actions answer `{ action, … }` (`server/form-action.ts`);
 * `null` when the page holds another action's answer or none.
 */
export function actionResult(name: string): ActionResult | null {
	const form = page.form as { action?: unknown; errors?: Record<string, string> } | null;
	if (form?.action !== `?/${name}`) return null;
	if (form.errors) return { ok: false, code: form.errors.form ?? Object.values(form.errors)[0] ?? 'unexpected', errors: form.errors };
	return { ok: true, data: form };
}
