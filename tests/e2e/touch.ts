import type { Page } from 'playwright-core';

/**
 * A finger on a phone, for browsers launched with `TOUCH_DRAG_ARGS`.
 *
 * Chromium's touch emulation turns mouse input into touches and runs the gesture detector, so
 * holding still past the long-press delay is a long press; with touch drag and drop enabled (as
 * Chrome on Android has it) a long press on a draggable element starts a native drag. Headless
 * Chromium has no operating-system drag loop to carry that drag on, so its moves and drop are
 * delivered through DevTools' drag interception — the way Playwright drives mouse drags.
 */
export const TOUCH_DRAG_ARGS = ['--enable-touch-drag-drop'];

export interface Finger {
	/** The dragged item is over this point (the page's drop targets see a dragover). */
	over(x: number, y: number): Promise<void>;
	/** Lets go at this point. */
	drop(x: number, y: number): Promise<void>;
}

/** Long-presses at (x, y) until a drag starts; rejects if none does. */
export async function longPressDrag(page: Page, x: number, y: number): Promise<Finger> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setEmitTouchEventsForMouse', { enabled: true, configuration: 'mobile' });
	await cdp.send('Input.setInterceptDrags', { enabled: true });
	let data: unknown = null;
	cdp.on('Input.dragIntercepted', (event) => (data = event.data));
	const mouse = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', px: number, py: number) =>
		cdp.send('Input.dispatchMouseEvent', { type, x: px, y: py, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1 });
	// The press is acknowledged only when the touch ends: not awaited.
	void mouse('mousePressed', x, y).catch(() => undefined);
	await page.waitForTimeout(900);
	for (let i = 1; i <= 10 && !data; i++) {
		await mouse('mouseMoved', x, y + i * 2);
		await page.waitForTimeout(30);
	}
	if (!data) throw new Error('a long press started no drag');
	let entered = false;
	const drag = (type: 'dragEnter' | 'dragOver' | 'drop', px: number, py: number) =>
		cdp.send('Input.dispatchDragEvent', { type, x: px, y: py, data: data as never });
	const over = async (px: number, py: number) => {
		if (!entered) await drag('dragEnter', px, py);
		entered = true;
		await drag('dragOver', px, py);
	};
	return {
		over,
		async drop(px, py) {
			await over(px, py);
			await drag('drop', px, py);
			// The touch ends; like the press, its acknowledgement is not waited for.
			void mouse('mouseReleased', px, py).catch(() => undefined);
			await page.waitForTimeout(100);
			await cdp.detach().catch(() => undefined);
		}
	};
}
