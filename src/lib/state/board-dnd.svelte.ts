import type { Attachment } from 'svelte/attachments';
import { draggable, dropTargetForElements, monitorForElements } from '@atlaskit/pragmatic-drag-and-drop/element/adapter';
import { combine } from '@atlaskit/pragmatic-drag-and-drop/combine';
import { autoScrollForElements, autoScrollWindowForElements } from '@atlaskit/pragmatic-drag-and-drop-auto-scroll/element';
import { attachClosestEdge, extractClosestEdge } from '@atlaskit/pragmatic-drag-and-drop-hitbox/closest-edge';
import { announce } from '@atlaskit/pragmatic-drag-and-drop-live-region';
import type { BoardView } from '#lib/domain/board/board-model.js';
import { boardColumns, keyboardStep, placeAfter, type Place } from '#lib/domain/board/placement.js';

type DropData = { kind: 'card'; id: string; group: string } | { kind: 'column'; group: string };

export interface DndWords {
	picked: (count: number) => string;
	over: (group: string, position: number, of: number) => string;
	dropped: (count: number, group: string) => string;
	cancelled: () => string;
}

/**
 * Moving cards on a board, by pointer, touch or keyboard (Atlassian's pragmatic drag and
 * drop: native drag events, auto-scroll of the page and of the columns, screen-reader
 * announcements). Dragging a selected card moves the whole selection. Where cards would
 * land is `target`, drawn as a line by the columns whichever way the move is made.
 */
export class BoardDnd {
	/** Cards being moved now. */
	moving = $state<readonly string[]>([]);
	target = $state<Place | null>(null);
	selected = $state<ReadonlySet<string>>(new Set());
	/** A move by keyboard in progress: the card picked up with Space. */
	lifted = $state<string | null>(null);

	readonly #view: () => BoardView;
	readonly #move: (ids: readonly string[], place: Place) => void;
	readonly #words: DndWords;
	readonly #groupTitle: (group: string) => string;

	constructor(options: {
		view: () => BoardView;
		move: (ids: readonly string[], place: Place) => void;
		words: DndWords;
		groupTitle: (group: string) => string;
	}) {
		this.#view = options.view;
		this.#move = options.move;
		this.#words = options.words;
		this.#groupTitle = options.groupTitle;
	}

	/** The cards a move of `id` takes along: the selection it is part of, in board order. */
	#takes(id: string): string[] {
		if (!this.selected.has(id) || this.selected.size < 2) return [id];
		return boardColumns(this.#view()).flatMap((c) => c.cards.filter((card) => this.selected.has(card.id)).map((card) => card.id));
	}

	toggleSelected(id: string): void {
		const next = new Set(this.selected);
		if (!next.delete(id)) next.add(id);
		this.selected = next;
	}

	clearSelection(): void {
		this.selected = new Set();
	}

	moveSelection(group: string): void {
		const ids = boardColumns(this.#view()).flatMap((c) => c.cards.filter((card) => this.selected.has(card.id)).map((card) => card.id));
		if (ids.length === 0) return;
		this.#move(ids, { group, before: null });
		announce(this.#words.dropped(ids.length, this.#groupTitle(group)));
		this.clearSelection();
	}

	/** Where a pointer over these drop targets (innermost first) would put the cards. */
	#resolve(targets: readonly { data: Record<string | symbol, unknown> }[]): Place | null {
		const inner = targets[0]?.data as (DropData & Record<string | symbol, unknown>) | undefined;
		if (!inner) return null;
		if (inner.kind === 'column') return { group: inner.group, before: null };
		const edge = extractClosestEdge(inner);
		return edge === 'top' ? { group: inner.group, before: inner.id } : placeAfter(this.#view(), inner.group, inner.id, this.moving);
	}

	/** On the element around the board: follows every drag of a card, scrolls the page near its edges. */
	readonly board: Attachment<HTMLElement> = () =>
		combine(
			monitorForElements({
				canMonitor: ({ source }) => source.data.kind === 'card',
				onDragStart: ({ source }) => {
					this.moving = this.#takes(String(source.data.id));
					announce(this.#words.picked(this.moving.length));
				},
				onDrag: ({ location }) => {
					const place = this.#resolve(location.current.dropTargets);
					if (place?.group !== this.target?.group || place?.before !== this.target?.before) this.target = place;
				},
				onDrop: ({ location }) => {
					const place = this.#resolve(location.current.dropTargets);
					const ids = this.moving;
					this.moving = [];
					this.target = null;
					if (!place) return announce(this.#words.cancelled());
					this.#move(ids, place);
					announce(this.#words.dropped(ids.length, this.#groupTitle(place.group)));
				}
			}),
			autoScrollWindowForElements()
		);

	/** On a container that scrolls (the row of columns). */
	readonly scroller: Attachment<HTMLElement> = (element) => autoScrollForElements({ element, canScroll: ({ source }) => source.data.kind === 'card' });

	/** On a column: cards dropped on it (not on a card) go to its end. */
	column(group: string): Attachment<HTMLElement> {
		return (element) => dropTargetForElements({ element, getData: () => ({ kind: 'column', group }), canDrop: ({ source }) => source.data.kind === 'card' });
	}

	/** On a card: it can be dragged by its handle, and cards dropped on it land above or below it. */
	card(id: string, group: string): Attachment<HTMLElement> {
		return (element) => {
			const handle = element.querySelector<HTMLElement>('[data-drag-handle]');
			if (!handle) return;
			return combine(
				draggable({ element, dragHandle: handle, getInitialData: () => ({ kind: 'card', id, group }) }),
				dropTargetForElements({
					element,
					canDrop: ({ source }) => source.data.kind === 'card',
					getData: ({ input }) => attachClosestEdge({ kind: 'card', id, group }, { input, element, allowedEdges: ['top', 'bottom'] })
				})
			);
		};
	}

	/**
	 * The keyboard route, on a card's handle: Space or Enter picks the card up, arrows move
	 * it (up and down within a column, left and right between columns), Space or Enter drops
	 * it, Escape puts it back. Every step is announced.
	 */
	onkey(event: KeyboardEvent, id: string): void {
		const view = this.#view();
		if (this.lifted !== id) {
			if (event.key !== ' ' && event.key !== 'Enter') return;
			event.preventDefault();
			const column = boardColumns(view).find((c) => c.cards.some((card) => card.id === id));
			if (!column) return;
			this.lifted = id;
			this.moving = this.#takes(id);
			this.target = placeAfter(view, column.group, id, this.moving, true);
			announce(this.#words.picked(this.moving.length));
			return;
		}
		const ids = this.moving;
		if (event.key === 'Escape') {
			event.preventDefault();
			this.#endKeyboard();
			announce(this.#words.cancelled());
		} else if (event.key === ' ' || event.key === 'Enter') {
			event.preventDefault();
			const place = this.target;
			this.#endKeyboard();
			if (place) {
				this.#move(ids, place);
				announce(this.#words.dropped(ids.length, this.#groupTitle(place.group)));
			}
		} else if (['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(event.key) && this.target) {
			event.preventDefault();
			const step = keyboardStep(view, this.target, ids, event.key as 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight');
			this.target = step.place;
			announce(this.#words.over(this.#groupTitle(step.place.group), step.position, step.of));
		}
	}

	/** Focus left the handle mid-move: nothing moves. */
	onblur(id: string): void {
		if (this.lifted === id) this.#endKeyboard();
	}

	#endKeyboard(): void {
		this.lifted = null;
		this.moving = [];
		this.target = null;
	}
}
