/**
 * Layout of the turnout rings (pure: no DOM, no Svelte): two rings side by side, at most 260 px
 * each and centred, the share that voted drawn as an arc over a full track, and a caption of up
 * to three lines under each.
 */
import { arc } from 'd3';
import type { Locale } from '#lib/paraglide/runtime.js';
import { formatPercent } from '#lib/format/index.js';
import { charsFor, share, wrapLines } from './chart-text';

export interface TurnoutRing {
	key: string;
	voted: number;
	present: number;
	/** "18 of 24 members present voted" */
	caption: string;
}

export interface TurnoutLayoutOptions {
	rings: TurnoutRing[];
	locale: Locale;
	width: number;
	/** base font size (chartFontSize) */
	fs: number;
}

export interface TurnoutItem extends TurnoutRing {
	/** the ring's centre */
	cx: number;
	/** svg paths: the full ring, and the arc of those who voted ('' when nobody did) */
	track: string;
	value: string;
	/** the share as a percentage, "–" when nobody is present */
	percent: string;
	lines: string[];
}

export interface TurnoutLayout {
	fs: number;
	/** a ring's diameter */
	size: number;
	outer: number;
	items: TurnoutItem[];
	captionSize: number;
	lineHeight: number;
	captionTop: number;
	height: number;
}

/** voted / present as a percentage, "–" when nobody is present. */
export function turnoutPercent(voted: number, present: number, locale: Locale): string {
	const s = share(voted, present);
	return s == null ? '–' : formatPercent(s, locale);
}

export function turnoutLayout({ rings, locale, width, fs }: TurnoutLayoutOptions): TurnoutLayout {
	const gap = fs * 1.5;
	const size = Math.min(260, (width - gap) / 2);
	const outer = size / 2;
	const inner = outer * 0.8;
	const stroke = arc<{ start: number; end: number }>()
		.innerRadius(inner)
		.outerRadius(outer)
		.cornerRadius((outer - inner) / 2)
		.startAngle((d) => d.start)
		.endAngle((d) => d.end);
	const full = (2 * Math.PI) as number;
	const captionSize = Math.max(14, Math.round(fs * 0.95));
	const captionChars = charsFor(size + gap * 0.8, captionSize);
	const blockWidth = 2 * size + gap;
	const left = (width - blockWidth) / 2;
	const items = rings.map((r, i) => {
		const s = share(r.voted, r.present) ?? 0;
		return {
			...r,
			cx: left + i * (size + gap) + outer,
			track: stroke({ start: 0, end: full }) ?? '',
			value: s > 0 ? (stroke({ start: 0, end: full * s }) ?? '') : '',
			percent: turnoutPercent(r.voted, r.present, locale),
			lines: wrapLines(r.caption, captionChars, 3)
		};
	});
	const lineHeight = Math.round(captionSize * 1.25);
	const captionTop = size + fs * 1.2;
	const height = captionTop + Math.max(...items.map((it) => it.lines.length)) * lineHeight + fs * 0.4;
	return { fs, size, outer, items, captionSize, lineHeight, captionTop, height };
}
