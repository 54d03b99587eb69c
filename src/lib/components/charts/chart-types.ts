/** What a chart frame hands to the chart it wraps. */
export interface ChartContext {
	/** the container's width in px (a default before it has been measured, e.g. on the server) */
	width: number;
	/** ids for the svg's aria-labelledby / aria-describedby */
	labelledby: string;
	describedby: string;
	/** a document-unique prefix for ids inside the svg (patterns, gradients) */
	uid: string;
	/** the chart's base font size in px (see chart-frame-layout's chartFontSize) */
	fontSize: number;
	/** drawn for a projector (the presenter screen): larger type throughout */
	large: boolean;
}

/** The numbers behind a chart, as an accessible table: the first cell of each row is its header. */
export interface ChartTable {
	head: string[];
	rows: string[][];
	/** columns (by index) that hold numbers and align right; by default all but the first */
	numeric?: number[];
}

/** A line under a chart; `pooled`: it explains the pooled bucket, and shows its hatch before it. */
export type ChartNote = string | { text: string; pooled: true };

/** Width assumed before the container has been measured (server rendering). */
export const DEFAULT_CHART_WIDTH = 720;

/** The attributes every chart's <svg> carries: labelled by the frame's title and summary, scaled to its box. */
export function chartSvg(ctx: Pick<ChartContext, 'width' | 'labelledby' | 'describedby'>, height: number, fontSize: number) {
	return {
		'data-chart': '',
		role: 'img' as const,
		'aria-labelledby': ctx.labelledby,
		'aria-describedby': ctx.describedby,
		viewBox: `0 0 ${ctx.width} ${height}`,
		width: ctx.width,
		height,
		class: 'block h-auto w-full font-sans',
		'font-size': fontSize
	};
}
