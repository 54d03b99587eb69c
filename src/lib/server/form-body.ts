import { error } from '@sveltejs/kit';

/**
 * The request's form data. A body that is no readable form (a multipart body that never reaches
 * its boundary, say) is the client's mistake: 400, not the 500 of an uncaught parse failure.
 * Errors that carry their own status, like the body-size limit's 413, pass through.
 */
export async function formData(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch (e) {
		if (typeof (e as { status?: unknown } | null)?.status === 'number') throw e;
		error(400, 'invalid_input', { code: 'invalid_input' });
	}
}
