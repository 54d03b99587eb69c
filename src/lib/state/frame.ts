/**
 * Redraws a view at most once a frame, however many updates arrive in it. Frames stop in a
 * hidden tab, so a timer makes sure the view still catches up there. `now` draws at once (after
 * this member added something, the next keystroke must find it on screen).
 */
export function frameScheduler(draw: () => void): { schedule: () => void; now: () => void; cancel: () => void } {
	let frame = 0;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const cancel = () => {
		cancelAnimationFrame(frame);
		if (timer) clearTimeout(timer);
		frame = 0;
		timer = null;
	};
	const now = () => {
		cancel();
		draw();
	};
	return {
		schedule: () => {
			if (frame || timer) return;
			frame = requestAnimationFrame(now);
			timer = setTimeout(now, 250);
		},
		now,
		cancel
	};
}
