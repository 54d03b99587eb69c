import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { addCard, addGroup, applyGrouping, cardsOf, LIMITS, readBoard, type Author } from './board-model';
import { STOP_WORDS } from './stop-words';
import { MAX_SUGGESTED_GROUPS, stemOf, suggestGroups, wordsOf } from './suggest-groups';

const anna: Author = { memberId: 'm-anna', name: 'Kovács Anna', organisation: 'Pannon Klaszter' };

/** A board's ungrouped cards as readBoard gives them: ids c1, c2, … in this order. */
const ungrouped = (texts: string[]) => texts.map((text, i) => ({ id: `c${i + 1}`, text }));

/** The proposal as titles and card texts, to read like the board would. */
function readable(texts: string[], proposal: ReturnType<typeof suggestGroups>) {
	const byId = new Map(ungrouped(texts).map((c) => [c.id, c.text]));
	return proposal.map((g) => ({ title: g.title, cards: g.cardIds.map((id) => byId.get(id)) }));
}

describe('words and stems', () => {
	it('keeps Unicode letters only, lower-cased, without stop words', () => {
		expect(wordsOf('Együttműködés a tagok között!', 'hu').map((w) => w.lower)).toEqual(['együttműködés', 'tagok']);
		expect(wordsOf('ŐSZINTE ÜZLETI kapcsolatok', 'hu').map((w) => w.lower)).toEqual(['őszinte', 'üzleti', 'kapcsolatok']);
		expect(wordsOf('Trust between THE members', 'en').map((w) => w.lower)).toEqual(['trust', 'members']);
	});

	it('leaves out Hungarian endings after a hyphen, not the parts of a hyphenated compound', () => {
		expect(wordsOf('Export duplázása 2030-ig, a kkv-knál és az EU-s piacokon', 'hu').map((w) => w.lower)).toEqual([
			'export',
			'duplázása',
			'kkv',
			'eu',
			'piacokon'
		]);
		expect(wordsOf('Észak-alföldi kutatás-fejlesztés', 'hu').map((w) => w.lower)).toEqual(['észak', 'alföldi', 'kutatás', 'fejlesztés']);
		expect(wordsOf('Year-end review', 'en').map((w) => w.lower)).toEqual(['year', 'end', 'review']);
	});

	it('takes the same word decomposed (o + combining double acute) as the composed one', () => {
		expect(wordsOf('Fejlo\u030Bdés', 'hu')[0].lower).toBe('fejlődés');
	});

	it('stems with Snowball, plus the loanword endings Snowball keeps in Hungarian', () => {
		expect(['együttműködés', 'együttműködési', 'együttműködések'].map((w) => stemOf(w, 'hu'))).toEqual(['együttműködés', 'együttműködés', 'együttműködés']);
		expect(['projektek', 'megoldások', 'klaszterben'].map((w) => stemOf(w, 'hu'))).toEqual(['projekt', 'megoldás', 'klaszter']);
		expect(['innováció', 'innovációs', 'innovatív'].map((w) => stemOf(w, 'hu'))).toEqual(['innov', 'innov', 'innovat']);
		expect(['collaboration', 'collaborative', 'members'].map((w) => stemOf(w, 'en'))).toEqual(['collabor', 'collabor', 'member']);
	});
});

describe('suggestGroups', () => {
	const VALUES = [
		'Együttműködés a tagok között',
		'Innováció a kkv-knál',
		'Bizalom',
		'Együttműködési kultúra erősítése',
		'Versenyképesség növelése',
		'Innovációs projektek',
		'Bizalomépítés a klaszterben',
		'Nemzetközi együttműködések',
		'Innovatív megoldások',
		'Versenyképes termékek',
		'Nyitottság és átláthatóság',
		'Átlátható működés',
		'Fenntarthatóság',
		'Minden tag számára',
		'Ez is az, ami van'
	];

	it('groups Hungarian values of clusters by their shared words', () => {
		expect(readable(VALUES, suggestGroups({ board: { groups: [], ungrouped: ungrouped(VALUES) }, language: 'hu' }))).toEqual([
			{ title: 'Együttműködés', cards: ['Együttműködés a tagok között', 'Együttműködési kultúra erősítése', 'Nemzetközi együttműködések'] },
			{ title: 'Innováció', cards: ['Innováció a kkv-knál', 'Innovációs projektek', 'Innovatív megoldások'] },
			{ title: 'Bizalom', cards: ['Bizalom', 'Bizalomépítés a klaszterben'] },
			{ title: 'Versenyképesség', cards: ['Versenyképesség növelése', 'Versenyképes termékek'] },
			{ title: 'Átláthatóság', cards: ['Nyitottság és átláthatóság', 'Átlátható működés'] }
		]);
	});

	it('groups English cards the same way', () => {
		const texts = [
			'Trust between members',
			'Innovation in small firms',
			'Building trust across the cluster',
			'Collaboration with universities',
			'Innovative solutions',
			'Collaborative projects',
			'International partnerships',
			'Partners abroad',
			'Competitiveness of products',
			'Competitive products',
			'The future of the cluster',
			'Sustainability'
		];
		expect(readable(texts, suggestGroups({ board: { groups: [], ungrouped: ungrouped(texts) }, language: 'en' }))).toEqual([
			{ title: 'Trust', cards: ['Trust between members', 'Building trust across the cluster'] },
			{ title: 'Innovation', cards: ['Innovation in small firms', 'Innovative solutions'] },
			{ title: 'Collaboration', cards: ['Collaboration with universities', 'Collaborative projects'] },
			{ title: 'Partnerships', cards: ['International partnerships', 'Partners abroad'] },
			{ title: 'Competitiveness', cards: ['Competitiveness of products', 'Competitive products'] }
		]);
	});

	it('names a group by the word most of its cards use, as written', () => {
		const texts = ['Erős KKV-k', 'KKV-k és egyetemek', 'A kkv-k digitalizációja'];
		expect(suggestGroups({ board: { groups: [], ungrouped: ungrouped(texts) }, language: 'hu' })).toEqual([
			{ groupId: null, title: 'KKV', cardIds: ['c1', 'c2', 'c3'] }
		]);
	});

	it('never groups by stop words alone, nor names a group by one', () => {
		const hu = ['Ez is az, ami van', 'Ez is az', 'Minden a tagok számára', 'Minden és mindenki', 'Között, által, szerint'];
		const en = ['The one and the other', 'Between us and them', 'All of them, and more'];
		expect(suggestGroups({ board: { groups: [], ungrouped: ungrouped(hu) }, language: 'hu' })).toEqual([]);
		expect(suggestGroups({ board: { groups: [], ungrouped: ungrouped(en) }, language: 'en' })).toEqual([]);
		const titles = suggestGroups({ board: { groups: [], ungrouped: ungrouped([...VALUES, ...hu]) }, language: 'hu' }).map((g) =>
			g.title.toLocaleLowerCase('hu')
		);
		expect(titles.length).toBeGreaterThan(0);
		for (const title of titles) expect(STOP_WORDS.hu.has(title)).toBe(false);
	});

	it('files cards into an existing group whose title shares the word, one card is enough', () => {
		const board = {
			groups: [
				{ id: 'g-bizalom', title: 'Bizalom és nyitottság' },
				{ id: 'g-innov', title: 'Innováció' }
			],
			ungrouped: ungrouped(['Bizalomépítés a klaszterben', 'Kölcsönös bizalom', 'Innovatív megoldások', 'Új termékek', 'Termékek exportja'])
		};
		expect(suggestGroups({ board, language: 'hu' })).toEqual([
			{ groupId: 'g-bizalom', title: 'Bizalom és nyitottság', cardIds: ['c1', 'c2'] },
			{ groupId: null, title: 'Termékek', cardIds: ['c4', 'c5'] },
			{ groupId: 'g-innov', title: 'Innováció', cardIds: ['c3'] }
		]);
	});

	it('proposes at most the cap, and no more new groups than the board has room for', () => {
		const fruits = ['alma', 'körte', 'szilva', 'barack', 'dinnye', 'eper', 'málna', 'szőlő', 'citrom', 'narancs', 'banán', 'füge', 'datolya', 'mangó'];
		const texts = fruits.flatMap((fruit) => [fruit, `${fruit}!`]);
		const proposal = suggestGroups({ board: { groups: [], ungrouped: ungrouped(texts) }, language: 'hu' });
		expect(proposal).toHaveLength(MAX_SUGGESTED_GROUPS);
		const full = Array.from({ length: LIMITS.groups - 2 }, (_, i) => ({ id: `g${i}`, title: `Csoport ${i}` }));
		expect(suggestGroups({ board: { groups: full, ungrouped: ungrouped(texts) }, language: 'hu' })).toHaveLength(2);
	});

	it('finds nothing to propose on an empty board or among unrelated cards', () => {
		expect(suggestGroups({ board: { groups: [], ungrouped: [] }, language: 'hu' })).toEqual([]);
		expect(suggestGroups({ board: { groups: [], ungrouped: ungrouped(['Export duplázása 2030-ig', 'Új piacok 2030-ig']) }, language: 'hu' })).toEqual([]);
		expect(suggestGroups({ board: { groups: [], ungrouped: ungrouped(['Bizalom', 'Innováció', 'Fenntarthatóság']) }, language: 'hu' })).toEqual([]);
	});
});

describe('suggestGroups, for any board', () => {
	const vocabulary = [
		'együttműködés',
		'együttműködési',
		'innováció',
		'innovatív',
		'bizalom',
		'bizalomépítés',
		'a',
		'az',
		'és',
		'között',
		'trust',
		'the',
		'of',
		'members',
		'member',
		'Ő',
		'ŐSZINTE',
		'kkv-k',
		'2030',
		''
	];
	const text = fc.array(fc.constantFrom(...vocabulary), { maxLength: 5 }).map((words) => words.join(' '));
	const boards = fc.record({
		groups: fc.array(text, { maxLength: 4 }),
		cards: fc.array(fc.record({ text, group: fc.nat({ max: 5 }) }), { maxLength: 30 }),
		language: fc.constantFrom('hu' as const, 'en' as const)
	});

	it('files each card at most once, only ungrouped ones, and applying it moves only those', () => {
		fc.assert(
			fc.property(boards, ({ groups, cards, language }) => {
				const doc = new Y.Doc();
				const groupIds = groups.map((title) => addGroup(doc, title));
				// group index past the groups: ungrouped
				for (const card of cards) addCard(doc, { author: anna, text: card.text, group: groupIds[card.group] ?? '' });
				const before = readBoard(doc);
				const proposal = suggestGroups({ board: before, language });

				const filed = proposal.flatMap((g) => g.cardIds);
				expect(new Set(filed).size).toBe(filed.length);
				const free = new Set(before.ungrouped.map((c) => c.id));
				for (const id of filed) expect(free.has(id)).toBe(true);
				for (const g of proposal) {
					expect(g.cardIds.length).toBeGreaterThanOrEqual(g.groupId === null ? 2 : 1);
					expect(STOP_WORDS[language].has(g.title.toLocaleLowerCase())).toBe(false);
				}

				applyGrouping(doc, proposal, 'test');
				const groupOf = new Map([...cardsOf(doc).entries()].map(([id, card]) => [id, card.get('group')]));
				for (const group of before.groups) for (const card of group.cards) expect(groupOf.get(card.id)).toBe(group.id);
				const after = readBoard(doc);
				expect(after.ungrouped.map((c) => c.id).sort()).toEqual(
					before.ungrouped
						.map((c) => c.id)
						.filter((id) => !filed.includes(id))
						.sort()
				);
				expect(after.cardCount).toBe(before.cardCount);
			}),
			{ seed: 14, numRuns: 300 }
		);
	});
});
