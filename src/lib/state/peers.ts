/** Someone on the board as presence (awareness) reports them; `user` is stamped by the server. */
export interface Peer {
	clientId: number;
	memberId: string;
	name: string;
	organisation: string;
	colour: string;
	role: string;
	/** The card they are writing in, if any. */
	editing: string | null;
	/** The statement variant they are typing in, if any. */
	typing: string | null;
	/** The phase they marked themselves done in ("I'm done"), if any. */
	done: string | null;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** Everyone but this client, from the awareness states; states without a stamped user are skipped. */
export function readPeers(states: Map<number, Record<string, unknown>>, ownClientId: number): Peer[] {
	const peers: Peer[] = [];
	for (const [clientId, state] of states) {
		if (clientId === ownClientId || !state) continue;
		const user = state.user as Record<string, unknown> | undefined;
		if (!user || typeof user !== 'object' || !str(user.memberId)) continue;
		peers.push({
			clientId,
			memberId: str(user.memberId),
			name: str(user.name),
			organisation: str(user.organisation),
			colour: str(user.colour) || '#57534e',
			role: str(user.role),
			editing: strOrNull(state.editing),
			typing: strOrNull(state.typing),
			done: strOrNull(state.done)
		});
	}
	return peers.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

/** One entry per member (a member may have the board open on a laptop and a phone). */
export function uniqueMembers(peers: readonly Peer[]): Peer[] {
	const seen = new Set<string>();
	return peers.filter((p) => !seen.has(p.memberId) && (seen.add(p.memberId), true));
}

/** Up to two letters for an avatar: the first letters of the first and last word. */
export function initials(name: string): string {
	const words = name.trim().split(/\s+/).filter(Boolean);
	if (words.length === 0) return '?';
	const first = Array.from(words[0])[0] ?? '';
	const last = words.length > 1 ? (Array.from(words[words.length - 1])[0] ?? '') : '';
	return (first + last).toLocaleUpperCase();
}
