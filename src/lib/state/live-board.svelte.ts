import { untrack } from 'svelte';
import { goto } from '$app/navigation';
import { phaseAllows } from '#lib/domain/workshop/phases.js';
import { boardTimer, followTarget, type BoardControl, type SessionControl } from '#lib/domain/workshop/control-model.js';
import type { BoardKind } from '#lib/domain/workshop/templates.js';
import type { BoardRights } from '#lib/domain/board/board-rights.js';
import type { PublishedRound } from '#lib/domain/voting/published.js';
import { memberColour } from '#lib/domain/board/presence.js';
import { BoardConnection, type BoardMember } from './board-connection.svelte';
import { ControlConnection } from './control-connection.svelte';
import { uniqueMembers } from './peers';

export interface LiveBoardProps {
	workshopId: string;
	board: { id: string; kind: BoardKind; title: string; prompt: string; locked: boolean; rights: BoardRights; anonymous: boolean; ownCards: string[] };
	me: BoardMember;
	initial: { board: BoardControl; session: SessionControl; rounds?: PublishedRound[] };
}

const SAVE_ORDER = ['unanswered', 'waiting', 'saving'] as const;

/**
 * A board as one member has it open: its live document, the workshop's control document, and —
 * in private brainstorming — the member's own draft; what the phase lets them do; how their
 * edits are saved; where the facilitator calls them; the undo keys. `live-board.svelte` draws it.
 *
 * The connections exist in the browser only (`connect`, from the component's mount); until
 * then everything reads the page's initial data.
 */
export class LiveBoard {
	board = $state.raw<BoardConnection | null>(null);
	control = $state.raw<ControlConnection | null>(null);
	draft = $state.raw<BoardConnection | null>(null);

	readonly #props: () => LiveBoardProps;
	/** The facilitator's last "bring everyone here" this member has followed. */
	#followed: number;

	constructor(props: () => LiveBoardProps) {
		this.#props = props;
		this.#followed = untrack(() => props().initial.session.focusSeq);
	}

	/** The component's props as they are now. */
	get #p(): LiveBoardProps {
		return this.#props();
	}

	get #me() {
		return this.#p.me;
	}

	readonly phase = $derived(this.control?.board.phase ?? this.#p.initial.board.phase);
	readonly facilitator = $derived(this.#me.role === 'facilitator');
	readonly allows = $derived(this.facilitator ? { addCards: true, group: true, editStatement: true } : phaseAllows(this.phase));
	readonly privateMode = $derived((this.control?.board.private ?? this.#p.initial.board.private) && this.phase === 'brainstorm');
	/**
	 * In private brainstorming participants write into their own draft document, which nobody
	 * else receives until the facilitator reveals it.
	 */
	readonly writesPrivately = $derived(this.privateMode && !this.facilitator && this.#me.role !== 'observer');
	readonly canEdit = $derived(this.board?.canEdit ?? false);
	readonly loaded = $derived(!!this.board && (this.board.connection.stored || this.board.connection.synced));
	readonly locked = $derived(this.control?.board.locked ?? this.#p.board.locked);
	/** This member first, then everyone else here. */
	readonly people = $derived.by(() => {
		const me = this.#me;
		if (!this.board) return [];
		return [
			{ memberId: me.id, name: me.name, organisation: me.organisation, colour: memberColour(me.colour) },
			...uniqueMembers(this.board.peers).filter((p) => p.memberId !== me.id)
		];
	});
	/** The worse of the board's and the private draft's save stage: either holds this member's edits. */
	readonly saveStage = $derived.by(() => {
		const stages = this.board?.canEdit ? [this.board.save.stage, this.draft?.save.stage ?? 'saved'] : [];
		return SAVE_ORDER.find((stage) => stages.includes(stage)) ?? 'saved';
	});
	/** When the oldest of this member's changes the server does not have yet was made (either document). */
	readonly unsavedSince = $derived.by(() => {
		if (!this.board?.canEdit) return null;
		const times = [this.board.save.unsavedSince, this.draft?.save.unsavedSince ?? null].filter((t): t is number => t !== null);
		return times.length ? Math.min(...times) : null;
	});
	readonly timer = $derived(boardTimer(this.control?.session ?? this.#p.initial.session, this.#p.board.id, this.phase));
	readonly rounds = $derived(this.control?.rounds ?? this.#p.initial.rounds ?? []);

	/** Opens the board and the control document; returns what closes them (and the draft). */
	connect(): () => void {
		const { workshopId, board: info, me, initial } = this.#p;
		const control = new ControlConnection({ workshopId, boardId: info.id, initial });
		// the settings as last changed live (the control document), else as the page loaded them
		const settings = () => control.board.settings ?? { rights: info.rights, anonymous: info.anonymous };
		const board = new BoardConnection({ docName: `board/${info.id}`, me, locked: () => control.board.locked, settings, ownCards: info.ownCards });
		this.control = control;
		this.board = board;
		return () => {
			board.destroy();
			control.destroy();
			this.draft?.destroy();
		};
	}

	/** For an effect: the draft document opens once this member writes privately. */
	openDraftWhenPrivate(): void {
		const control = this.control;
		if (!this.writesPrivately || this.draft || !control) return;
		const { board: info, me } = this.#p;
		// Created outside the effect, so that it outlives the effect's next run.
		queueMicrotask(() => {
			if (!this.draft && this.board)
				this.draft = new BoardConnection({ docName: `draft/${info.id}/${me.id}`, me, locked: () => control.board.locked, draft: true });
		});
	}

	/** For an effect: "bring everyone here" — participants follow each new call of the facilitator's. */
	followFacilitator(): void {
		const session = this.control?.session;
		if (!session || session.focusSeq <= this.#followed) return;
		this.#followed = session.focusSeq;
		const { workshopId, board: info, me } = this.#p;
		const target = followTarget(session.focusBoard, me.workgroup);
		if (!this.facilitator && target && target !== info.id) void goto(`/w/${workshopId}/b/${target}`);
	}

	/** Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y redoes — in the draft when the focus is in it. */
	undoKeys(event: KeyboardEvent): void {
		if (!(event.ctrlKey || event.metaKey) || event.altKey || !this.board) return;
		const target = event.target as HTMLElement;
		// One-line fields keep the browser's own undo for what is being typed there.
		if (target.tagName === 'INPUT') return;
		const scope = this.draft && target.closest?.('[data-undo-scope=draft]') ? this.draft : this.board;
		const key = event.key.toLowerCase();
		if (key === 'z' && !event.shiftKey) {
			event.preventDefault();
			scope.undo();
		} else if ((key === 'z' && event.shiftKey) || key === 'y') {
			event.preventDefault();
			scope.redo();
		}
	}
}
