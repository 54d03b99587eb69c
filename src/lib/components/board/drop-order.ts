/** The order a card gets when dropped before `before` (null: at the end) among `cards`, the dragged one left out. */
export function dropOrder(cards: readonly { id: string; order: number }[], dragged: string, before: string | null): number {
	const others = cards.filter((c) => c.id !== dragged);
	const at = before === null ? others.length : Math.max(0, others.findIndex((c) => c.id === before));
	const previous = others[at - 1];
	const next = others[at];
	if (previous && next) return (previous.order + next.order) / 2;
	if (previous) return previous.order + 1;
	if (next) return next.order - 1;
	return 1;
}

/** The card a pointer at `y` would drop before: the first card whose middle is below it. */
export function dropBefore(list: HTMLElement, dragged: string, y: number): string | null {
	for (const el of list.querySelectorAll<HTMLElement>('[data-card-id]')) {
		if (el.dataset.cardId === dragged) continue;
		const box = el.getBoundingClientRect();
		if (y < box.top + box.height / 2) return el.dataset.cardId ?? null;
	}
	return null;
}
