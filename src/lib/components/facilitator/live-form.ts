import type { SubmitFunction } from '$app/forms';

/**
 * Live controls post to the workshop's actions from any page (the workshop page, a board's
 * console). What they change arrives through the control document, so nothing is reloaded;
 * a refusal is handed to `onerror` to be shown where the button is.
 */
export function liveSubmit(onerror: (code: string | null) => void, onsuccess?: (data: Record<string, unknown>) => void): SubmitFunction {
	return () => {
		onerror(null);
		return async ({ result, update }) => {
			if (result.type === 'success') onsuccess?.(result.data ?? {});
			else if (result.type === 'failure')
				onerror(
					(result.data?.errors as Record<string, string> | undefined)?.form ??
						Object.values((result.data?.errors as Record<string, string>) ?? {})[0] ??
						'unexpected'
				);
			else if (result.type === 'error') onerror('unexpected');
			else if (result.type === 'redirect') await update();
		};
	};
}
