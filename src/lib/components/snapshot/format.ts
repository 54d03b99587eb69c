/** A moment as the reader's language writes it, e.g. "23 November 2026, 14:05". */
export function formatDateTime(ms: number, locale: string): string {
	return new Intl.DateTimeFormat(locale === 'hu' ? 'hu-HU' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(ms));
}
