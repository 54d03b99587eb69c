/**
 * What the chart frame decides for the chart inside it (pure: no DOM, no Svelte): the width to
 * draw at (a default until the container has been measured, as on the server) and the base font
 * size that every chart's layout scales from.
 */
import { DEFAULT_CHART_WIDTH, type ChartContext } from './chart-types';

/**
 * The base font size for a chart `width` px wide: 14 px on a phone, up to 20 px on a wide
 * screen. `large` (a projector seen from the back of the room): 30 to 36 px, so that even the
 * small print (0.85 of it) stays at 25 px or more.
 */
export function chartFontSize(width: number, large = false): number {
	if (large) return Math.round(Math.min(36, Math.max(30, width / 50)));
	return Math.round(Math.min(20, Math.max(14, width / 55)));
}

export interface ChartContextOptions extends Pick<ChartContext, 'labelledby' | 'describedby' | 'uid' | 'large'> {
	/** the container's measured width, 0 before it has been measured */
	measured: number;
}

/** The width and font size the frame hands to the chart it wraps, with the ids it labels it by. */
export function chartContext({ measured, large, ...ids }: ChartContextOptions): ChartContext {
	const width = measured || DEFAULT_CHART_WIDTH;
	return { width, ...ids, fontSize: chartFontSize(width, large), large };
}
