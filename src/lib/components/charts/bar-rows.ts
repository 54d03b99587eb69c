/** Where one labelled bar row sits, and its label and bar within it. */
export interface BarRowPlace {
	/** Its top. */
	y: number;
	height: number;
	/** The bar's top within the row. */
	barY: number;
	/** The first label line's middle within the row. */
	labelY: number;
}

/**
 * Rows of labelled bars (ranked bars, score distributions) stacked down from `top`. On a narrow
 * chart a row's label sits above its bar; otherwise beside it, the two centred on each other.
 * Returns the rows `make` builds from each place, and where the plot ends.
 */
export function stackBarRows<T, R>(
	items: readonly T[],
	size: { top: number; fs: number; narrow: boolean; lineHeight: number; barHeight: number },
	lineCount: (item: T, index: number) => number,
	make: (item: T, index: number, place: BarRowPlace) => R
): { rows: R[]; plotBottom: number } {
	const { fs, narrow, lineHeight, barHeight } = size;
	let y = size.top;
	const rows = items.map((item, i) => {
		const lines = lineCount(item, i);
		const labelHeight = lines * lineHeight;
		const height = narrow ? labelHeight + 6 + barHeight : Math.max(barHeight, labelHeight);
		const place = {
			y,
			height,
			barY: narrow ? labelHeight + 6 : (height - barHeight) / 2,
			labelY: narrow ? lineHeight / 2 : height / 2 - ((lines - 1) * lineHeight) / 2
		};
		y += height + Math.round(fs * (narrow ? 1.1 : 0.75));
		return make(item, i, place);
	});
	return { rows, plotBottom: y - Math.round(fs * 0.4) };
}
