/**
 * Chart downloads, in the browser only (called from click handlers): the chart's <svg> as a
 * standalone SVG file with its computed colours and fonts inlined, or as a PNG at twice the size.
 */

/** Presentation properties copied from the computed style, so the file looks as on screen. */
const PROPERTIES = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-opacity',
	'stroke-dasharray',
	'stroke-linecap',
	'stroke-linejoin',
	'opacity',
	'font-family',
	'font-size',
	'font-weight',
	'font-style',
	'font-variant-numeric',
	'text-anchor',
	'dominant-baseline',
	'paint-order',
	'stop-color',
	'stop-opacity',
	'letter-spacing',
	'visibility',
	'display'
];

/** Properties that are not inherited, with their initial computed values. */
const NOT_INHERITED: Record<string, string> = {
	opacity: '1',
	'stop-color': 'rgb(0, 0, 0)',
	'stop-opacity': '1',
	display: 'inline'
};

export interface SvgText {
	text: string;
	width: number;
	height: number;
}

/**
 * Serialises `svg` with inline styles, an explicit size, the xmlns and a background rectangle
 * (the page's background is not part of the chart otherwise).
 */
export function serialiseSvg(svg: SVGSVGElement, options: { background: string; title?: string; description?: string }): SvgText {
	const clone = svg.cloneNode(true) as SVGSVGElement;
	const from = [svg, ...svg.querySelectorAll('*')];
	const to = [clone, ...clone.querySelectorAll('*')];
	const computed = new Map<Element, CSSStyleDeclaration>();
	from.forEach((el, i) => {
		const style = getComputedStyle(el);
		computed.set(el, style);
		const parent = el === svg ? null : computed.get(el.parentElement as Element);
		// Only what differs from what the element would inherit or start with anyway.
		const declarations = PROPERTIES.filter((p) => {
			const value = style.getPropertyValue(p);
			if (!parent) return true;
			if (NOT_INHERITED[p] !== undefined) return value !== NOT_INHERITED[p];
			return value !== parent.getPropertyValue(p);
		}).map((p) => `${p}:${style.getPropertyValue(p)}`);
		const target = to[i] as Element;
		if (declarations.length) target.setAttribute('style', declarations.join(';'));
		else target.removeAttribute('style');
		target.removeAttribute('class');
	});
	// A margin around the chart, which on the page has the card's padding around it.
	const pad = 16;
	const box = svg.viewBox.baseVal;
	const x = (box?.x ?? 0) - pad;
	const y = (box?.y ?? 0) - pad;
	const width = Math.round((box?.width || svg.clientWidth || 800) + 2 * pad);
	const height = Math.round((box?.height || svg.clientHeight || 600) + 2 * pad);
	const ns = 'http://www.w3.org/2000/svg';
	clone.setAttribute('xmlns', ns);
	clone.setAttribute('viewBox', `${x} ${y} ${width} ${height}`);
	clone.setAttribute('width', String(width));
	clone.setAttribute('height', String(height));
	for (const a of ['aria-labelledby', 'aria-describedby', 'class']) clone.removeAttribute(a);
	const background = document.createElementNS(ns, 'rect');
	background.setAttribute('x', String(x));
	background.setAttribute('y', String(y));
	background.setAttribute('width', String(width));
	background.setAttribute('height', String(height));
	background.setAttribute('fill', options.background);
	clone.insertBefore(background, clone.firstChild);
	if (options.description) {
		const desc = document.createElementNS(ns, 'desc');
		desc.textContent = options.description;
		clone.insertBefore(desc, clone.firstChild);
	}
	if (options.title) {
		const title = document.createElementNS(ns, 'title');
		title.textContent = options.title;
		clone.insertBefore(title, clone.firstChild);
	}
	const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
	return { text, width, height };
}

/** The serialised SVG drawn onto a canvas at `scale`× and encoded as PNG. */
export async function svgToPng(svg: SvgText, scale = 2): Promise<Blob> {
	const image = new Image();
	image.width = svg.width;
	image.height = svg.height;
	image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg.text);
	await image.decode();
	const canvas = document.createElement('canvas');
	canvas.width = Math.round(svg.width * scale);
	canvas.height = Math.round(svg.height * scale);
	const context = canvas.getContext('2d');
	if (!context) throw new Error('no 2d canvas');
	context.scale(scale, scale);
	context.drawImage(image, 0, 0, svg.width, svg.height);
	return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/png'));
}

/** Saves `blob` under `filename` through a temporary <a download>. */
export function saveBlob(blob: Blob, filename: string): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	link.rel = 'noopener';
	link.style.display = 'none';
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
