/**
 * Suggests groups for a board's ungrouped cards by the words they share, in Hungarian or
 * English, on the device: no service, no model. The facilitator edits the proposal before
 * anything is written (board-model's applyGrouping does that).
 *
 * Words are runs of Unicode letters, lower-cased in the language, stop words dropped, then
 * reduced by the language's Snowball stemmer. Snowball's Hungarian stemmer removes case and
 * plural endings but keeps derivations and compounds, so two more steps join what a reader
 * would: Latin loanwords' endings (innováció, innovációs, innovatív) and a stem that begins
 * another (bizalom → bizalomépítés, versenyképes → versenyképesség).
 *
 * The result depends only on the input, in its order, so the same board always gets the same
 * proposal (on every device, and in tests).
 */
import { newStemmer } from 'snowball-stemmers';
import type { Language } from '#lib/domain/workshop/validation.js';
import { LIMITS, type Grouping } from './board-model';
import { STOP_WORDS } from './stop-words';

export const MAX_SUGGESTED_GROUPS = 12;
/** A shorter stem is too ambiguous to stand for every word it begins (hely → helyzet). */
const MIN_PREFIX = 5;
/** Hungarian endings of Latin loanwords that Snowball keeps, longest first. */
const LOANWORD_ENDINGS = ['ációs', 'áció', 'ív'];
/** The longest Hungarian ending written after a hyphen (-ig, -ra, -knál) that is dropped. */
const HYPHENATED_ENDING = 4;
const LOCALES: Record<Language, string> = { hu: 'hu-HU', en: 'en-GB' };
const stemmers = { hu: newStemmer('hungarian'), en: newStemmer('english') };

export interface SuggestInput {
	board: { groups: readonly { id: string; title: string }[]; ungrouped: readonly { id: string; text: string }[] };
	language: Language;
	/** At most this many groups are proposed (joining existing groups included). */
	max?: number;
}

interface Word {
	/** as written */
	surface: string;
	lower: string;
}

/** The words of a text that can name a group: letters only, no stop words. */
export function wordsOf(text: string, language: Language): Word[] {
	const words: Word[] = [];
	text = text.normalize('NFC');
	for (const { 0: surface, index } of text.matchAll(/[\p{L}\p{M}]+/gu)) {
		// Hungarian puts endings on numbers and abbreviations after a hyphen (2030-ig, kkv-knál):
		// they are not words, and would otherwise group every "…-ig" card together.
		if (language === 'hu' && surface.length <= HYPHENATED_ENDING && /[\p{L}\p{N}]-$/u.test(text.slice(Math.max(0, index - 2), index))) continue;
		const lower = surface.toLocaleLowerCase(LOCALES[language]);
		if (lower.length >= 2 && !STOP_WORDS[language].has(lower)) words.push({ surface, lower });
	}
	return words;
}

export function stemOf(word: string, language: Language): string {
	const stem = stemmers[language].stem(word);
	if (language === 'hu') {
		for (const ending of LOANWORD_ENDINGS) if (stem.endsWith(ending) && stem.length - ending.length >= 4) return stem.slice(0, -ending.length);
	}
	return stem;
}

/** Each stem's key: the shortest stem present (of at least MIN_PREFIX letters) that begins it, or itself. */
function keysOf(stems: Set<string>): Map<string, string> {
	const keys = new Map<string, string>();
	for (const stem of stems) {
		let key = stem;
		for (let length = MIN_PREFIX; length < stem.length; length++) {
			if (stems.has(stem.slice(0, length))) {
				key = stem.slice(0, length);
				break;
			}
		}
		keys.set(stem, key);
	}
	return keys;
}

interface Shared {
	/** indices of the cards with the key, in board order, each once */
	cards: number[];
	/** the first word with the key in each of those cards */
	words: Word[];
}

export function suggestGroups({ board, language, max = MAX_SUGGESTED_GROUPS }: SuggestInput): Grouping[] {
	const cards = board.ungrouped.map((card) => wordsOf(card.text, language));
	const titles = board.groups.map((group) => wordsOf(group.title, language));
	const stems = new Map<string, string>();
	for (const word of [...cards, ...titles].flat()) if (!stems.has(word.lower)) stems.set(word.lower, stemOf(word.lower, language));
	const keys = keysOf(new Set(stems.values()));
	const keyOf = (word: Word) => keys.get(stems.get(word.lower)!)!;

	// Map order is first appearance in reading order: the tie-break that keeps this stable.
	const shared = new Map<string, Shared>();
	cards.forEach((words, card) => {
		for (const word of words) {
			const entry = shared.get(keyOf(word)) ?? { cards: [], words: [] };
			if (entry.cards.at(-1) === card) continue;
			entry.cards.push(card);
			entry.words.push(word);
			shared.set(keyOf(word), entry);
		}
	});
	// A key in an existing group's title: its cards join that group (the first such, in board order).
	const existing = new Map<string, number>();
	titles.forEach((words, group) => {
		for (const word of words) if (!existing.has(keyOf(word))) existing.set(keyOf(word), group);
	});

	const taken = new Set<number>();
	const joined = new Set<number>();
	const room = Math.max(0, LIMITS.groups - board.groups.length);
	const proposal: Grouping[] = [];
	let created = 0;
	while (proposal.length < max) {
		let best: { key: string; group: number | null; cards: number[]; words: Word[] } | null = null;
		for (const [key, entry] of shared) {
			const join = existing.get(key);
			const group = join !== undefined && !joined.has(join) ? join : null;
			if (group === null && created >= room) continue;
			const free = entry.cards.flatMap((card, i) => (taken.has(card) ? [] : [{ card, word: entry.words[i] }]));
			if (free.length < (group === null ? 2 : 1)) continue;
			// more cards first; joining an existing group before making a new one; then first seen
			if (best && (free.length < best.cards.length || (free.length === best.cards.length && (best.group !== null || group === null)))) continue;
			best = { key, group, cards: free.map((f) => f.card), words: free.map((f) => f.word) };
		}
		if (!best) break;
		for (const card of best.cards) taken.add(card);
		const cardIds = best.cards.map((card) => board.ungrouped[card].id);
		if (best.group === null) {
			created++;
			proposal.push({ groupId: null, title: titleOf(best.words, language), cardIds });
		} else {
			joined.add(best.group);
			proposal.push({ groupId: board.groups[best.group].id, title: board.groups[best.group].title, cardIds });
		}
	}
	return proposal;
}

/** The word most cards use, as first written, with a capital; on a tie the one read first. */
function titleOf(words: Word[], language: Language): string {
	const counts = new Map<string, { count: number; surface: string }>();
	for (const word of words) {
		const entry = counts.get(word.lower) ?? { count: 0, surface: word.surface };
		entry.count++;
		counts.set(word.lower, entry);
	}
	let best = { count: 0, surface: '' };
	for (const entry of counts.values()) if (entry.count > best.count) best = entry;
	const [first = '', ...rest] = best.surface;
	return first.toLocaleUpperCase(LOCALES[language]) + rest.join('');
}
