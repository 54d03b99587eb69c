import type { BoardControl, SessionControl } from './control-model';
import type { PublishedRound } from '#lib/domain/voting/published.js';
import type { MemberView } from './members';
import type { BoardKind } from './templates';

/** What the presenter screen starts from; after that it follows the control document live. */
export interface PresenterData {
	workshop: { id: string; title: string; joinCode: string; joiningOpen: boolean; venue: string };
	boards: { id: string; title: string; prompt: string; kind: BoardKind }[];
	joinUrl: string;
	joinQr: string;
	/** The presenter connects with this token: read-only, whoever's browser it runs in. */
	screenToken: string;
	control: { session: SessionControl; boards: Record<string, BoardControl>; rounds: PublishedRound[]; roster: MemberView[] };
}
