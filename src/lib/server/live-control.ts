import type { Sql } from './db/client';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';
import * as control from '#lib/domain/workshop/control-model.js';
import type { Phase } from '#lib/domain/workshop/phases.js';
import { LIMITS, NO_AUTHOR, cardAuthor, cardCount, deleteCards, draftCards, revealDraft } from '#lib/domain/board/board-model.js';
import { setBoardLocked } from './repositories/boards';
import type { Viewer } from './db/client';
import type { MemberView } from '#lib/domain/workshop/members.js';

/**
 * The facilitator's controls, written by the server into the workshop's control document
 * after the caller's role was checked; every screen in the room reads it live.
 */
export class LiveControl {
	constructor(
		private readonly sql: Sql,
		private readonly sync: SyncServer
	) {
		// Several instances: a countdown started on another one locks its board here too, should
		// that instance be gone at zero (the control document says whether it still runs).
		sync.onControl((message) => {
			if (message.type !== 'lock-timer' || !Number.isFinite(message.end)) return;
			if (![message.memberId, message.workshopId, message.boardId].every((x) => typeof x === 'string')) return;
			this.#armLock({ memberId: message.memberId, workshopId: message.workshopId }, message.boardId, message.end);
		});
		// Private brainstorming: the room sees how many cards wait for the reveal, never their text.
		sync.onCommitted((room) => {
			if (room.name.kind === 'draft') this.#countDraft(room.workshopId, room.name.boardId, room.name.memberId, cardCount(room.doc));
		});
	}

	readonly #draftCounts = new Map<string, { count: number; writing: boolean }>();

	/** One control write at a time per draft, always of its latest count. */
	#countDraft(workshopId: string, boardId: string, memberId: string, count: number): void {
		const key = `${workshopId}/${boardId}/${memberId}`;
		const entry = this.#draftCounts.get(key) ?? { count: -1, writing: false };
		const last = entry.count;
		entry.count = count;
		this.#draftCounts.set(key, entry);
		if (entry.writing || last === count) return;
		entry.writing = true;
		const write = async (): Promise<void> => {
			const wanted = entry.count;
			try {
				await this.sync.write(this.#control(workshopId), (doc) => {
					if (control.readDraftCount(doc, boardId, memberId) !== wanted) control.setDraftCount(doc, boardId, memberId, wanted);
				});
			} catch {
				// The workshop may be gone; the next edit of the draft counts again.
			}
			if (entry.count !== wanted) return write();
			entry.writing = false;
			if (wanted === 0) this.#draftCounts.delete(key);
		};
		void write();
	}

	readonly #rosterRuns = new Map<string, { again: boolean; done: Promise<void> }>();

	/**
	 * Publishes the workshop's members, as the database has them, to every screen: after a
	 * join, a role or workgroup change. Calls that arrive while one runs are folded into one
	 * more run (300 people joining at once cost a handful of writes, not 300).
	 */
	publishRoster(workshopId: string): Promise<void> {
		const running = this.#rosterRuns.get(workshopId);
		if (running) {
			running.again = true;
			return running.done;
		}
		const run = { again: false, done: Promise.resolve() };
		run.done = (async () => {
			try {
				do {
					run.again = false;
					const members = await this.sql<MemberView[]>`
						select m.id, m.name, m.role, o.name as organisation, m.workgroup_board_id as workgroup
						from public.members m left join public.organisations o on o.id = m.organisation_id
						where m.workshop_id = ${workshopId} order by m.created_at, m.id`;
					await this.sync.write(this.#control(workshopId), (doc) => control.writeRoster(doc, [...members]));
				} while (run.again);
			} catch (error) {
				// The page loads reconcile the roster again; a join never fails for this.
				console.error('[roundtable] publishing the members failed', error);
			} finally {
				this.#rosterRuns.delete(workshopId);
			}
		})();
		this.#rosterRuns.set(workshopId, run);
		return run.done;
	}

	/** After the database changed it: the wall says whether joining is open. */
	mirrorJoining(workshopId: string, open: boolean): Promise<void> {
		return this.sync.write(this.#control(workshopId), (doc) => control.setJoiningMirror(doc, open));
	}

	showOnScreen(workshopId: string, target: { mode: control.ScreenMode; boardId?: string | null }): Promise<void> {
		return this.sync.write(this.#control(workshopId), (doc) => control.showOnScreen(doc, target));
	}

	#control(workshopId: string) {
		return { doc: parseDocName(`control/${workshopId}`)!, workshopId };
	}

	setPhase(workshopId: string, boardId: string, phase: Phase): Promise<void> {
		return this.sync.write(this.#control(workshopId), (doc) => control.setPhase(doc, boardId, phase));
	}

	setPrivate(workshopId: string, boardId: string, on: boolean): Promise<void> {
		return this.sync.write(this.#control(workshopId), (doc) => control.setPrivateBrainstorm(doc, boardId, on));
	}

	bringEveryoneTo(workshopId: string, boardId: string | null): Promise<void> {
		return this.sync.write(this.#control(workshopId), (doc) => control.bringEveryoneTo(doc, boardId));
	}

	readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

	/**
	 * Starts the countdown everyone sees. With `lock`, the server locks the board when it
	 * reaches zero, on behalf of the facilitator who started it (their rights are checked
	 * again then), unless the timer was stopped or restarted meanwhile.
	 */
	async startTimer(viewer: Viewer, input: { boardId: string; seconds: number; lock: boolean }): Promise<void> {
		const workshopId = viewer.workshopId;
		let end = 0;
		await this.sync.write(this.#control(workshopId), (doc) => {
			control.startTimer(doc, { ...input, serverNow: Date.now() });
			end = control.readSession(doc).timerEnd ?? 0;
		});
		clearTimeout(this.#timers.get(workshopId));
		this.#timers.delete(workshopId);
		if (!input.lock) return;
		this.sync.publishControl({ type: 'lock-timer', memberId: viewer.memberId, workshopId, boardId: input.boardId, end });
		this.#armLock(viewer, input.boardId, end);
	}

	#armLock(viewer: Viewer, boardId: string, end: number): void {
		const workshopId = viewer.workshopId;
		clearTimeout(this.#timers.get(workshopId));
		const timer = setTimeout(
			async () => {
				this.#timers.delete(workshopId);
				try {
					const session = control.readSession(await this.sync.read(this.#control(workshopId)));
					if (session.timerEnd === end && session.timerLock) await this.lock(viewer, boardId, true);
				} catch {
					// The workshop may be gone; nothing to lock.
				}
			},
			Math.max(0, end - Date.now())
		);
		timer.unref?.();
		this.#timers.set(workshopId, timer);
	}

	/** More time on the running countdown; a lock at zero moves with it. */
	async extendTimer(viewer: Viewer, seconds: number): Promise<boolean> {
		let end: number | null = null;
		let session: control.SessionControl | null = null;
		await this.sync.write(this.#control(viewer.workshopId), (doc) => {
			end = control.extendTimer(doc, { seconds, serverNow: Date.now() });
			session = control.readSession(doc);
		});
		const s = session as control.SessionControl | null;
		if (end === null || !s) return false;
		if (s.timerLock && s.timerBoard) {
			this.sync.publishControl({ type: 'lock-timer', memberId: viewer.memberId, workshopId: viewer.workshopId, boardId: s.timerBoard, end });
			this.#armLock(viewer, s.timerBoard, end);
		}
		return true;
	}

	stopTimer(workshopId: string): Promise<void> {
		clearTimeout(this.#timers.get(workshopId));
		this.#timers.delete(workshopId);
		return this.sync.write(this.#control(workshopId), (doc) => control.stopTimer(doc));
	}

	/** Locks or unlocks a board: the database (as the facilitator, RLS decides), live connections, and every screen. */
	async lock(viewer: Viewer, boardId: string, locked: boolean): Promise<boolean> {
		if (!(await setBoardLocked(this.sql, viewer, boardId, locked))) return false;
		this.sync.setBoardLocked(boardId, locked);
		await this.sync.write(this.#control(viewer.workshopId), (doc) => control.setLockedMirror(doc, boardId, locked));
		return true;
	}

	/**
	 * Reveal after private brainstorming: every member's draft cards move onto the board, the
	 * drafts are emptied, and private mode ends. Until this moment no client but each draft's
	 * author has received a draft's content.
	 *
	 * Private mode ends first: drafts stop taking writes (update-rules.ts), so what is copied is
	 * what is cleared. Each draft's cards then go onto the board as edits of their owner would,
	 * through the board's rules (`SyncServer.writeAs`: the update guard signed as the owner's
	 * member row — whatever the draft's cards say — the 500-card and document size limits), in
	 * chunks that each fit one update, under their draft ids. A card already on the board under
	 * its id and owner was revealed before (a reveal cut short by a crash, between copying and
	 * clearing): it is not copied again, only cleared. What does not fit stays in its draft and
	 * is counted in `notRevealed`, for the facilitator to see; a later reveal can bring it.
	 * On an anonymous board the cards name nobody; their author is recorded privately
	 * (card_authors) before they appear, so that the author can still edit and delete them.
	 */
	async reveal(workshopId: string, boardId: string): Promise<{ revealed: number; notRevealed: number }> {
		await this.setPrivate(workshopId, boardId, false);
		const [settings] = await this.sql<{ anonymous: boolean }[]>`select anonymous from public.boards where id = ${boardId} and workshop_id = ${workshopId}`;
		const anonymous = settings?.anonymous ?? false;
		const drafts = await this.sync.listDocs(`draft/${boardId}/`);
		const board = { doc: parseDocName(`board/${boardId}`)!, workshopId };
		let revealed = 0;
		let notRevealed = 0;
		for (const name of drafts) {
			const draftName = parseDocName(name);
			if (draftName?.kind !== 'draft') continue;
			const draft = { doc: draftName, workshopId };
			const [owner] = await this.sql<{ name: string; organisation: string | null }[]>`
				select m.name, o.name as organisation from public.members m
				left join public.organisations o on o.id = m.organisation_id
				where m.id = ${draftName.memberId} and m.workshop_id = ${workshopId}`;
			// (members are never deleted; a draft whose owner is not a member of this workshop stays where it is)
			if (!owner) continue;
			const author = { memberId: draftName.memberId, name: owner.name, organisation: owner.organisation ?? '' };
			const signer = anonymous ? NO_AUTHOR : author;
			const owned = anonymous
				? new Set(
						(await this.sql<{ card_id: string }[]>`select card_id from public.card_authors where board_id = ${boardId} and member_id = ${author.memberId}`).map(
							(r) => r.card_id
						)
					)
				: null;
			const waiting = draftCards(await this.sync.read(draft));
			if (waiting.length === 0) continue;
			const cleared: string[] = [];
			const onBoard = await this.sync.read(board);
			const toCopy = waiting.filter(({ id }) => {
				const there = cardAuthor(onBoard, id);
				if (there !== undefined && (owned ? owned.has(id) : there === author.memberId)) cleared.push(id);
				// another member's card under this id (a draft may name its cards as it likes): stays in the draft
				else if (there !== undefined) notRevealed++;
				return there === undefined;
			});
			for (let at = 0; at < toCopy.length; at += REVEAL_CHUNK) {
				const free = LIMITS.cards - cardCount(await this.sync.read(board));
				const chunk = toCopy.slice(at, at + REVEAL_CHUNK);
				const fitting = chunk.slice(0, Math.max(0, free));
				notRevealed += chunk.length - fitting.length;
				if (fitting.length === 0) continue;
				if (anonymous) {
					const ids = fitting.map((c) => c.id);
					await this.sql`
						insert into public.card_authors (board_id, card_id, member_id)
						select ${boardId}, c, ${author.memberId} from unnest(${ids}::text[]) as t(c)
						on conflict (board_id, card_id) do update set member_id = excluded.member_id`;
					this.sync.addOwnCards(boardId, author.memberId, ids);
				}
				const verdict = await this.sync.writeAs(board, author, (doc) => revealDraft(doc, fitting, signer), { anonymous });
				if (!verdict.ok) {
					console.error(`[roundtable] revealing ${fitting.length} cards of ${name} refused: ${verdict.reason}`);
					notRevealed += fitting.length;
					continue;
				}
				revealed += fitting.length;
				cleared.push(...fitting.map((c) => c.id));
			}
			if (cleared.length) {
				await this.sync.write(draft, (doc) => deleteCards(doc, cleared));
			}
		}
		return { revealed, notRevealed };
	}
}

/** Cards per update of a reveal: 50 cards of 1,000 four-byte characters stay far below the 1 MiB an update may carry. */
const REVEAL_CHUNK = 50;
