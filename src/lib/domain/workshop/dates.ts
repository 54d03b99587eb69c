/** "2021-06-03" as the reader's language writes it: "3 June 2021", "2021. június 3.". */
export function formatDate(iso: string | null | undefined, locale: string): string {
	if (!iso) return '';
	const date = new Date(`${iso}T00:00:00Z`);
	if (Number.isNaN(date.getTime())) return iso;
	return new Intl.DateTimeFormat(locale === 'hu' ? 'hu-HU' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}
