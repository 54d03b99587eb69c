import { m } from '#lib/paraglide/messages.js';
import type { CardColour } from '#lib/domain/board/board-model.js';

/** Card colours, light and dark; text on them keeps AA contrast. */
export const CARD_STYLE: Record<CardColour, { card: string; swatch: string; name: () => string }> = {
	yellow: { card: 'border-yellow-300 bg-yellow-50 dark:border-yellow-600/60 dark:bg-yellow-900/30', swatch: 'bg-yellow-300', name: m.live_colour_yellow },
	blue: { card: 'border-sky-300 bg-sky-50 dark:border-sky-700/70 dark:bg-sky-950/60', swatch: 'bg-sky-400', name: m.live_colour_blue },
	green: { card: 'border-emerald-300 bg-emerald-50 dark:border-emerald-700/70 dark:bg-emerald-950/60', swatch: 'bg-emerald-400', name: m.live_colour_green },
	pink: { card: 'border-pink-300 bg-pink-50 dark:border-pink-700/70 dark:bg-pink-950/60', swatch: 'bg-pink-400', name: m.live_colour_pink },
	purple: { card: 'border-violet-300 bg-violet-50 dark:border-violet-700/70 dark:bg-violet-950/60', swatch: 'bg-violet-400', name: m.live_colour_purple },
	orange: { card: 'border-orange-300 bg-orange-50 dark:border-orange-600/70 dark:bg-orange-900/40', swatch: 'bg-orange-400', name: m.live_colour_orange }
};

/** bits-ui menus, dressed like the rest of the app. */
export const MENU = {
	content:
		'z-50 max-h-[min(70vh,var(--bits-floating-available-height,70vh))] min-w-56 overflow-y-auto rounded-xl border border-stone-200 bg-white p-1 shadow-lg outline-none dark:border-stone-700 dark:bg-stone-900',
	heading: 'px-3 pt-2 pb-1 text-xs font-semibold tracking-wider text-stone-500 uppercase dark:text-stone-400',
	item: 'flex min-h-11 cursor-pointer items-center gap-2 rounded-lg px-3 text-sm text-stone-800 outline-none select-none data-highlighted:bg-stone-100 data-disabled:cursor-not-allowed data-disabled:opacity-50 dark:text-stone-100 dark:data-highlighted:bg-stone-800',
	danger: 'text-red-700 dark:text-red-300',
	separator: 'my-1 h-px bg-stone-200 dark:bg-stone-700'
};
