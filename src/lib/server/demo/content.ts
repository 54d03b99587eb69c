/**
 * What the demo's boards hold (DOMAIN.md: the national cluster strategy workshop, Balatonfüred,
 * 3–4 June 2021), in Hungarian as it was held and in English for the twin. Authors are member
 * rows of supabase/seed.sql, named by the last part of their id; the texts are ours, built on
 * the facts of the seeds (the strategy's two goals and four groups of tools).
 */

export type DemoLanguage = 'hu' | 'en';

/** Member ids end in these (…0000000000c1 in Hungarian, …0000000002c1 in English). */
export type DemoAuthor = 'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c8';

export interface DemoWorkshop {
	id: string;
	/** the id's prefix of the workshop's boards and members: …0000000000 or …0000000002 */
	idPrefix: string;
}

export const DEMO_WORKSHOPS: Record<DemoLanguage, DemoWorkshop> = {
	hu: { id: '00000000-0000-4000-8000-000000000001', idPrefix: '00000000-0000-4000-8000-0000000000' },
	en: { id: '00000000-0000-4000-8000-000000000002', idPrefix: '00000000-0000-4000-8000-0000000002' }
};

/** Each demo's follow-up meeting (Debrecen, 8–9 July 2021): boards and members end in 03… / 04…. */
export const DEMO_FOLLOW_UPS: Record<DemoLanguage, DemoWorkshop> = {
	hu: { id: '00000000-0000-4000-8000-000000000003', idPrefix: '00000000-0000-4000-8000-0000000003' },
	en: { id: '00000000-0000-4000-8000-000000000004', idPrefix: '00000000-0000-4000-8000-0000000004' }
};

/** The join code and facilitator link of each demo (the start page links the visitor's). */
export const DEMO_LINKS: Record<DemoLanguage, { code: string; facilitatorKey: string }> = {
	hu: { code: 'BFURED', facilitatorKey: 'demo-facilitator-balatonfured-2021-roundtable' },
	en: { code: 'BFUREN', facilitatorKey: 'demo-facilitator-balatonfured-2021-roundtable-en' }
};

type Text = Record<DemoLanguage, string>;

export interface DemoCard {
	key: string;
	author: DemoAuthor;
	text: Text;
}

export interface DemoGroup {
	title: Text;
	cards: DemoCard[];
}

const card = (key: string, author: DemoAuthor, hu: string, en: string): DemoCard => ({ key, author, text: { hu, en } });

/** The Values board: sixteen cards from the six organisations, fifteen of them in four groups. */
export const VALUES_GROUPS: DemoGroup[] = [
	{
		title: { hu: 'Együttműködés és bizalom', en: 'Cooperation and trust' },
		cards: [
			card('rivals', 'c1', 'A versenytársak is együtt dolgoznak közös projekteken', 'Competitors work together on joint projects'),
			card(
				'management',
				'c5',
				'Klasztermenedzsment, amely összefogja és mozgósítja a tagokat',
				'Cluster management that brings members together and gets them moving'
			),
			card('trust', 'c4', 'Bizalmi hálózat, amelyben a kkv-k megosztják a tudásukat', 'A network of trust in which SMEs share what they know'),
			card(
				'language',
				'c8',
				'Közös nyelv a cégek, az egyetemek és a közszféra között',
				'A common language between companies, universities and the public sector'
			)
		]
	},
	{
		title: { hu: 'Piacra jutás és üzleti együttműködés', en: 'Markets and business cooperation' },
		cards: [
			card('export', 'c2', 'Kaput nyit a külföldi piacokra a kkv-k előtt', 'Opens foreign markets to SMEs'),
			card('cluster2cluster', 'c5', 'Klaszterek közötti együttműködés itthon és külföldön', 'Cluster-to-cluster cooperation at home and abroad'),
			card('suppliers', 'c3', 'Beszállítói láncokba juttatja a kisebb cégeket', 'Brings smaller firms into supplier chains'),
			card('fairs', 'c4', 'Közös megjelenés vásárokon és üzletember-találkozókon', 'Joint presence at trade fairs and matchmaking events')
		]
	},
	{
		title: { hu: 'Innováció', en: 'Innovation' },
		cards: [
			card('rdi', 'c8', 'Konzorciumok nemzetközi K+F+I projektekhez', 'Consortia for international RDI projects'),
			card('product', 'c6', 'Rövidebb út az ötlettől a termékig', 'A shorter path from idea to product'),
			card('digital', 'c1', 'Digitalizáció és ipar 4.0 a kisebb cégeknél is', 'Digitalisation and Industry 4.0 in smaller firms too'),
			card('transfer', 'c8', 'Tudásátadás az egyetemek és a vállalatok között', 'Knowledge transfer between universities and companies')
		]
	},
	{
		title: { hu: 'Szakpolitika és térség', en: 'Policy and regions' },
		cards: [
			card(
				'voice',
				'c6',
				'Hiteles partner a szakpolitikának: a szektor egy hangon szól',
				'A credible partner for policy makers: the sector speaks with one voice'
			),
			card('regions', 'c3', 'Helyben tartja a tudást és a munkahelyeket a régiókban', 'Keeps knowledge and jobs in the regions'),
			card('investors', 'c6', 'Láthatóvá teszi a térség erősségeit a befektetők előtt', 'Shows investors what a region is good at')
		]
	}
];

export const VALUES_UNGROUPED: DemoCard[] = [
	card('measured', 'c1', 'Mérhető eredmények: követhető, mit ér el egy klaszter', 'Measurable results: what a cluster achieves can be followed')
];

/** The dot-voting round on the values, closed and revealed: five dots each, at most three on one card. */
export const VALUES_ROUND = {
	title: { hu: 'Mely értékeket emelje ki a stratégia?', en: 'Which values should the strategy put first?' } as Text,
	dots: 5,
	maxPerOption: 3,
	/**
	 * voter → card key → dots; seven members of the six organisations (two from NOHAC, whose dots
	 * count half each): cooperation among rivals comes first (10), then foreign markets (7.5), trust (4).
	 */
	ballots: {
		c1: { rivals: 2, trust: 1, export: 2 },
		c2: { export: 3, suppliers: 2 },
		c3: { export: 2, rivals: 2, regions: 1 },
		c4: { trust: 3, rivals: 2 },
		c5: { rivals: 3, cluster2cluster: 2 },
		c6: { export: 3, voice: 2 },
		c8: { rdi: 3, rivals: 2 }
	} as Record<DemoAuthor, Record<string, number>>
};

/** The Mission board's statement: the main wording and a shorter alternative. */
export const MISSION = {
	main: {
		hu: 'A klaszterek összekötik a vállalkozásokat, a tudásközpontokat és a közszférát, hogy tagjaik együtt versenyképesebbek legyenek itthon és a nemzetközi piacokon.',
		en: 'Clusters connect companies, knowledge centres and the public sector, so that their members become more competitive together, at home and in international markets.'
	} as Text,
	alternative: {
		label: { hu: 'Rövidebb változat', en: 'Shorter wording' } as Text,
		text: {
			hu: 'Együtt erősebbek: a klaszterek az együttműködés révén teszik versenyképessé a tagjaikat.',
			en: 'Stronger together: clusters make their members competitive through cooperation.'
		} as Text
	}
};

/** The mission as reworded in Debrecen, after the draft strategy was presented: the main wording, sharpened. */
export const MISSION_DEBRECEN: Text = {
	hu: 'A klaszterek összekötik a vállalkozásokat, a tudásközpontokat és a közszférát, hogy tagjaik együtt versenyképesebbek és innovatívabbak legyenek itthon és a nemzetközi piacokon, minden kulcsiparágban.',
	en: 'Clusters connect companies, knowledge centres and the public sector, so that their members become more competitive and more innovative together, at home and in international markets, in every key industry.'
};

export interface DemoGoal {
	author: DemoAuthor;
	text: Text;
	indicator: Text;
	target: Text;
	year: string;
}

/** The Long-term goals board: the strategy's two main goals (seed 001). */
export const GOALS: DemoGoal[] = [
	{
		author: 'c5',
		text: {
			hu: 'Minden kulcsiparágban legalább egy kiemelkedő innovációs képességű, nemzetközileg is látható együttműködés',
			en: 'At least one cooperation with outstanding innovation capacity and international visibility in each key industry'
		},
		indicator: { hu: 'ilyen együttműködéssel rendelkező kulcsiparágak', en: 'key industries with such a cooperation' },
		target: { hu: 'mindegyik kulcsiparág', en: 'every key industry' },
		year: ''
	},
	{
		author: 'c1',
		text: {
			hu: 'A bruttó hozzáadott érték 10%-a együttműködő vállalkozásoktól 2030-ra',
			en: '10% of gross value added by cooperating firms by 2030'
		},
		indicator: {
			hu: 'az együttműködő gazdasági szereplők részesedése a teljes bruttó hozzáadott értékből',
			en: 'share of total gross value added generated by cooperating economic players'
		},
		target: { hu: '10%', en: '10%' },
		year: '2030'
	}
];
