import type { Sql } from './db/client';
import type { SyncServer } from './sync/sync-server';
import { parseDocName } from './sync/doc-name';
import type { Viewer } from './db/client';
import * as repo from './repositories/voting';
import { publishRound, type PublishedRound } from '#lib/domain/voting/published.js';
import { tally, topOptions } from '#lib/domain/voting/tally.js';
import type { Mark, OptionSource, RoundSettings } from '#lib/domain/voting/types.js';
import { readBoard } from '#lib/domain/board/board-model.js';
import { boardOptions } from '#lib/domain/voting/board-options.js';
import { readBoardControl, setPhase } from '#lib/domain/workshop/control-model.js';
import { Refusal } from './refusal';

export interface OpenInput {
	boardId: string;
	title: string;
	source: OptionSource;
	settings: RoundSettings;
	seconds: number | null;
	/** source 'chosen': the card ids; source 'previous': the closed round and how many of its best */
	chosen: string[];
	parentRound: string | null;
	parentTop: number;
}

/** A voting rule said no (a closed round, a second ballot, marks out of range, …). */
export class VotingError extends Refusal {}

/**
 * Voting rounds, live: the database decides (rights, rules, secrecy) and the server
 * publishes each round's state, turnout and — once everyone may see them — results into the
 * workshop's control document, so every screen follows without reloading.
 */
export class Voting {
	readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
	readonly #publishing = new Map<string, { timer: ReturnType<typeof setTimeout> | null; again: boolean }>();
	readonly #presence: ReturnType<typeof setInterval>;
	readonly #presentSeen = new Map<string, string>();
	readonly #settling = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(
		private readonly sql: Sql,
		private readonly sync: SyncServer
	) {
		// Turnout counts who is present: re-publish open rounds when that changes.
		this.#presence = setInterval(() => void this.#refreshPresent(), 5000);
		this.#presence.unref?.();
		// Several instances: a round opened on another one closes at its deadline here too, should
		// that instance be gone by then (whichever closes it first publishes; the other finds nothing).
		sync.onControl((message) => {
			if (message.type === 'round-timer' && typeof message.roundId === 'string' && Number.isFinite(message.closesAt)) {
				this.#scheduleClose(message.roundId, message.closesAt, false);
			}
		});
	}

	#control(workshopId: string) {
		return { doc: parseDocName(`control/${workshopId}`)!, workshopId };
	}

	/**
	 * Timers of rounds that were open when the server stopped, and their published state: the
	 * server may have stopped between a commit (a ballot, a close) and its publication, and
	 * every screen would show the old turnout and results until the next ballot.
	 */
	async resume(): Promise<void> {
		for (const r of await repo.timedOpenRounds(this.sql)) this.#scheduleClose(r.id, r.closesAt, false);
		for (const id of await repo.roundsToRepublish(this.sql)) this.#schedulePublish(id);
	}

	stop(): void {
		clearInterval(this.#presence);
		for (const t of this.#timers.values()) clearTimeout(t);
		for (const p of this.#publishing.values()) if (p.timer) clearTimeout(p.timer);
		for (const t of this.#settling.values()) clearTimeout(t);
	}

	async open(viewer: Viewer, input: OpenInput): Promise<string> {
		const options = await this.#optionsFor(viewer, input);
		if (options.length === 0) throw new VotingError('no_options');
		const id = await repo.openRound(this.sql, viewer, {
			boardId: input.boardId,
			title: input.title,
			source: input.source,
			settings: input.settings,
			seconds: input.seconds,
			parentRound: input.source === 'previous' ? input.parentRound : null,
			options
		});
		const round = await this.publish(id);
		if (round?.closesAt) this.#scheduleClose(id, round.closesAt);
		// A board still collecting or grouping ideas moves to its vote phase with the round.
		await this.sync.write(this.#control(viewer.workshopId), (doc) => {
			if (['brainstorm', 'cluster'].includes(readBoardControl(doc, input.boardId).phase)) setPhase(doc, input.boardId, 'vote');
		});
		return id;
	}

	async close(viewer: Viewer, roundId: string): Promise<void> {
		await repo.closeRound(this.sql, viewer, roundId);
		clearTimeout(this.#timers.get(roundId));
		this.#timers.delete(roundId);
		await this.publish(roundId);
		this.#settle(roundId);
	}

	async reveal(viewer: Viewer, roundId: string): Promise<void> {
		await repo.revealRound(this.sql, viewer, roundId);
		clearTimeout(this.#timers.get(roundId));
		this.#timers.delete(roundId);
		await this.publish(roundId);
		this.#settle(roundId);
	}

	async cast(viewer: Viewer, roundId: string, marks: Mark[]): Promise<void> {
		await repo.castBallot(this.sql, viewer, roundId, marks);
		this.#schedulePublish(roundId);
	}

	async castProxy(viewer: Viewer, roundId: string, voter: { name: string; organisation: string }, marks: Mark[]): Promise<void> {
		await repo.castProxyBallot(this.sql, viewer, roundId, voter, marks);
		this.#schedulePublish(roundId);
	}

	/** Writes the round as it now stands into the control document. */
	async publish(roundId: string): Promise<PublishedRound | null> {
		const round = await repo.roundById(this.sql, roundId);
		if (!round) return null;
		// An anonymous round's live results wait for the close: published after each ballot, every
		// change of the totals would be the ballot of whoever just voted (the database agrees,
		// round_results_visible).
		const live = round.settings.resultsLive && !(round.settings.anonymous && round.status === 'open');
		const visibleToAll = round.status === 'revealed' || live;
		const [turnout, aggregate, present] = await Promise.all([
			repo.turnoutOf(this.sql, roundId),
			visibleToAll ? repo.aggregateOf(this.sql, roundId) : null,
			this.#present(round.workshopId)
		]);
		const published: PublishedRound = {
			id: round.id,
			boardId: round.boardId,
			seq: round.seq,
			title: round.title,
			source: round.source,
			settings: round.settings,
			status: round.status,
			openedAt: round.openedAt,
			closesAt: round.closesAt,
			parentRound: round.parentRound,
			options: round.options,
			// Those who may vote: participants present, and facilitators only once they voted too.
			turnout: {
				voted: turnout.voted,
				organisations: turnout.organisations,
				proxies: turnout.proxies,
				present: present.members + turnout.facilitators + turnout.proxies,
				organisationsPresent: present.organisations
			},
			aggregate
		};
		await this.sync.write(this.#control(round.workshopId), (doc) => publishRound(doc, published));
		if (round.status === 'open') this.#presentSeen.set(roundId, `${round.workshopId} ${present.members} ${present.organisations}`);
		else this.#presentSeen.delete(roundId);
		return published;
	}

	/** At most one publication per round every 250 ms, however many ballots arrive. */
	#schedulePublish(roundId: string): void {
		const entry = this.#publishing.get(roundId);
		if (entry) {
			entry.again = true;
			return;
		}
		const state = { timer: null as ReturnType<typeof setTimeout> | null, again: false };
		this.#publishing.set(roundId, state);
		const run = async () => {
			state.again = false;
			try {
				await this.publish(roundId);
			} catch (error) {
				console.error('[voting] publishing a round failed', error);
			}
			state.timer = setTimeout(() => {
				if (state.again) void run();
				else {
					this.#publishing.delete(roundId);
					this.#settle(roundId);
				}
			}, 250);
		};
		void run();
	}

	/**
	 * Several instances: two of them may publish the same round at the same moment (a ballot
	 * here, the close there), and of two concurrent writes of one key Yjs keeps either. So a
	 * second after the last publication of a round, it is published once more, from the
	 * database as it then stands and after everything the others published meanwhile: the
	 * last word is always the current state.
	 */
	#settle(roundId: string): void {
		if (!this.sync.shared) return;
		clearTimeout(this.#settling.get(roundId));
		const timer = setTimeout(() => {
			this.#settling.delete(roundId);
			if (this.#publishing.has(roundId)) return; // that publication settles it in turn
			this.publish(roundId).catch((error) => console.error('[voting] publishing a round failed', error));
		}, 1000);
		timer.unref?.();
		this.#settling.set(roundId, timer);
	}

	async #present(workshopId: string): Promise<{ members: number; organisations: number }> {
		// Participants: observers do not vote, and facilitators run the room (counted once they vote).
		const online = [...(await this.sync.onlineMembers(workshopId)).values()].filter((u) => u.role === 'participant');
		return { members: online.length, organisations: new Set(online.map((u) => u.organisation.toLowerCase()).filter(Boolean)).size };
	}

	async #refreshPresent(): Promise<void> {
		for (const [roundId, seen] of this.#presentSeen) {
			const workshopId = seen.split(' ')[0];
			const present = await this.#present(workshopId).catch(() => null);
			if (present && seen !== `${workshopId} ${present.members} ${present.organisations}`) this.#schedulePublish(roundId);
		}
	}

	#scheduleClose(roundId: string, closesAt: number, share = true): void {
		clearTimeout(this.#timers.get(roundId));
		if (share) this.sync.publishControl({ type: 'round-timer', roundId, closesAt });
		const timer = setTimeout(
			async () => {
				this.#timers.delete(roundId);
				try {
					// close_due_rounds locks the due rows (FOR UPDATE) and closes only those still open:
					// when two instances run it at the deadline, one closes and publishes, the other gets none.
					for (const due of await repo.closeDueRounds(this.sql)) {
						await this.publish(due.roundId);
						this.#settle(due.roundId);
					}
				} catch (error) {
					console.error('[voting] closing a timed round failed', error);
				}
			},
			Math.max(0, closesAt - Date.now()) + 50
		);
		timer.unref?.();
		this.#timers.set(roundId, timer);
	}

	async #optionsFor(viewer: Viewer, input: OpenInput): Promise<{ id: string; label: string }[]> {
		const [board] = await this.sql<{ workshop_id: string }[]>`select workshop_id from public.boards where id = ${input.boardId}`;
		if (board?.workshop_id !== viewer.workshopId) throw new VotingError('not_found');
		if (input.source === 'previous') {
			if (!input.parentRound) throw new VotingError('not_found');
			const parent = await repo.roundById(this.sql, input.parentRound);
			if (!parent || parent.boardId !== input.boardId || parent.workshopId !== viewer.workshopId) throw new VotingError('not_found');
			// The facilitator's own view of the results: the database says whether they may see them.
			const aggregate = await repo.roundAggregate(this.sql, viewer, parent.id);
			const result = tally(aggregate, parent.options, parent.settings);
			// An anonymous round of one or two ballots shows no results (round_aggregate_of): all its options tie and go on.
			const shown = result.voters === 0 || aggregate.cells.length === 0;
			return topOptions(result, Math.max(1, input.parentTop))
				.filter((o) => o.supporters > 0 || shown)
				.map((o) => ({ id: o.id, label: o.label }));
		}
		const view = readBoard(await this.sync.read({ doc: parseDocName(`board/${input.boardId}`)!, workshopId: viewer.workshopId }));
		if (input.source !== 'chosen') return boardOptions(view, input.source);
		const chosen = new Set(input.chosen);
		return boardOptions(view, 'cards').filter((c) => chosen.has(c.id));
	}
}
