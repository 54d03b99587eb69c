/**
 * How results read as text, in one place for the charts and the exports (Markdown, CSV): numbers
 * per locale, an option's total and an organisation's part of it, shares, ranks, lists and the
 * unit a method counts in. A total reads the same on a chart, in its data table and in a report.
 *
 * Every function takes the locale explicitly (components pass `getLocale()`, exports the
 * workshop's language), so the same text comes out on the server, in the browser and in tests.
 */
import { m } from '#lib/paraglide/messages.js';
import type { Locale } from '#lib/paraglide/runtime.js';
import type { Method, OptionResult } from '#lib/domain/voting/types.js';

/** The BCP 47 tag Intl should use for an app locale. */
export function intlLocale(locale: Locale): string {
	return locale === 'hu' ? 'hu-HU' : 'en-GB';
}

/** A number in the locale's notation with at most `maxDigits` decimals (integers stay integers). */
export function formatNumber(value: number, locale: Locale, maxDigits = 1): string {
	return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: maxDigits }).format(value);
}

/**
 * An option's total as the charts label it: a mean score always with one decimal ("3.0"),
 * anything else as an integer when it is one and with one decimal when weighting made it a
 * fraction ("2.3").
 */
export function formatTotal(value: number, method: Method, locale: Locale): string {
	const digits = method === 'score' || !Number.isInteger(Math.round(value * 1000) / 1000) ? 1 : 0;
	return new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * One organisation's part of an option's total: for scores a share of a mean (two decimals,
 * "0.85"), otherwise as `formatTotal`.
 */
export function formatContribution(value: number, method: Method, locale: Locale): string {
	if (method !== 'score') return formatTotal(value, method, locale);
	return new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** A share (0..1) as a whole percentage in the locale's notation. */
export function formatPercent(share: number, locale: Locale): string {
	return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** "2", or "=2" when the option shares its rank with another. */
export function rankText(option: Pick<OptionResult, 'rank' | 'tied'>): string {
	return option.tied ? `=${option.rank}` : String(option.rank);
}

/** "a, b and c" in the locale's words. */
export function listText(items: string[], locale: Locale): string {
	return new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' }).format(items);
}

/** What an option's total counts, as an axis title or a column heading. */
export function unitLabel(method: Method, locale: Locale): string {
	const o = { locale };
	switch (method) {
		case 'dots':
			return m.chart_unit_dots({}, o);
		case 'approval':
			return m.chart_unit_approval({}, o);
		case 'score':
			return m.chart_unit_score({}, o);
		case 'ranking':
			return m.chart_unit_ranking({}, o);
		case 'budget':
			return m.chart_unit_budget({}, o);
	}
}
