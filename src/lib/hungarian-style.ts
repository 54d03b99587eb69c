/**
 * The machine-checkable part of messages/STYLE-hu.md: words and forms the Hungarian messages
 * must not use. Each rule is deliberately narrow (whole words, curated lists) so that it never
 * flags a legitimate word: "zöld" ends like "töröld", "vagy" is also "or", "nevében" starts like
 * "neved". What a list cannot catch is left to the style guide and to review.
 */

export interface StyleRule {
	/** Matched against one message text; the `u` flag is required (Hungarian letters). */
	pattern: RegExp;
	/** What to write instead, as the style guide says. */
	use: string;
}

// Hungarian has letters outside \w: word edges must be written with \p{L}.
const word = (alternatives: string, flags = 'iu') => new RegExp(`(?<!\\p{L})(?:${alternatives})(?!\\p{L})`, flags);
const prefix = (alternatives: string, flags = 'iu') => new RegExp(`(?<!\\p{L})(?:${alternatives})\\p{L}*`, flags);

/** Informal (tegező) imperatives the interface might use, second person singular. */
const INFORMAL_IMPERATIVES = [
	'tedd',
	'írd',
	'írj',
	'add',
	'adj',
	'vedd',
	'hagyd',
	'nézd',
	'zárd',
	'nyisd',
	'oszd',
	'töröld',
	'mentsd',
	'húzd',
	'nyomd',
	'használd',
	'állítsd',
	'ellenőrizd',
	'válassz',
	'válaszd',
	'jelölj',
	'jelöld',
	'értékelj',
	'értékeld',
	'készíts',
	'kérj',
	'kattints',
	'koppints',
	'lépj',
	'menj',
	'gyere',
	'próbáld',
	'próbálj',
	'szavazz',
	'csatlakozz',
	'fogalmazd',
	'rendezd',
	'engedd',
	'olvasd',
	'másold',
	'küldd',
	'fogadd',
	'hívd',
	'jelentkezz',
	'adjál'
].join('|');

/** Second person singular verb forms (present, past, conditional, subjunctive) met in interface text. */
const INFORMAL_VERBS = [
	'mutatod',
	'látod',
	'tudod',
	'tudsz',
	'teszed',
	'írod',
	'adod',
	'szeretnéd',
	'szeretnél',
	'kérheted',
	'módosíthatod',
	'módosíthatsz',
	'összevethesd',
	'megnézheted',
	'láthatod',
	'választhatsz',
	'szavazhatsz',
	'csatlakozhatsz',
	'vagy tagja',
	'vagy bejelentkezve',
	'vagy megfigyelő',
	'nem vagy',
	'voltál',
	'lettél'
].join('|');

/**
 * Nouns with a second-person possessive, before any case ending: "a szavazatod", "a pontjaidat",
 * "a rangsorodban". A list, not a pattern: a bare -d/-od/-ed ending also ends "zöld" or "század".
 */
const INFORMAL_POSSESSIVES = [
	'szavazatod',
	'szavazólapod',
	'pontod',
	'pontjaid',
	'kedvenced',
	'kedvenceid',
	'rangsorod',
	'preferenciád',
	'tetszésed',
	'rendelkezésed',
	'szervezeted',
	'neved',
	'kártyád',
	'kártyáid',
	'ötleted',
	'ötleteid',
	'munkacsoportod',
	'fiókod',
	'jelszavad',
	'műhelyed',
	'műhelyeid',
	'csoportod',
	'e-mail-címed',
	'eszközöd',
	'döntésed',
	'véleményed'
].join('|');
const CASE_ENDING = '(?:at|et|ot|öt|t|ban|ben|ba|be|ra|re|on|en|ön|hoz|hez|höz|tól|től|ból|ből|nak|nek|ról|ről|val|vel|ig|ként)?';

export const HUNGARIAN_STYLE_RULES: StyleRule[] = [
	// Register: the formal "Ön" form throughout.
	{ pattern: word(INFORMAL_IMPERATIVES), use: 'the formal imperative (Tegye, Írja, Adja meg, Válasszon, Jelöljön …)' },
	{ pattern: word(INFORMAL_VERBS), use: 'the formal third person (mutatja, módosíthatja, választott, Ön nem tagja …)' },
	{ pattern: word(`(?:${INFORMAL_POSSESSIVES})${CASE_ENDING}`), use: 'the formal possessive (a szavazólapja, a pontjait, a rangsorában …)' },
	// Past tense, second person: a consonant, then -tál/-tél (választottál, használtál; not facilitál, ítél, tél).
	{ pattern: word('\\p{L}*[bcdfghjklmnpqrstvwxyz]t(?:ál|él)'), use: 'the formal past tense (választott, használt)' },
	{ pattern: word('te|téged|neked|veled|tőled|rólad|nálad|hozzád|tiéd|tied|magad|magadnak'), use: 'Ön, Önnek, Önnel …' },
	{ pattern: word('ön|önnek|önt|önnel|öntől|önről|önök|önöknek', 'u'), use: 'Ön with a capital letter' },
	// Glossary: one term per concept.
	{ pattern: prefix('pötty|matric'), use: 'pont (a dot in dot voting)' },
	{ pattern: prefix('moderátor|társmoderátor|moderál'), use: 'facilitátor' },
	{ pattern: prefix('workshop'), use: 'műhely' },
	{ pattern: prefix('hivatkozás'), use: 'link' },
	{ pattern: prefix('fázis'), use: 'szakasz' },
	{ pattern: prefix('összefoglaló|beszámoló|műhelybeszámoló'), use: 'jelentés (the workshop report)' },
	{ pattern: prefix('alternatív'), use: 'változat (a wording of the statement)' },
	{ pattern: word('csoporton kívül'), use: 'Csoport nélkül' },
	{ pattern: word('jelen lévő|jelen levő|jelenlevő'), use: 'jelenlévő' },
	{ pattern: word('névtelen forduló'), use: 'the method or "{n}. forduló" (never a placeholder as a heading)' },
	{ pattern: word('szavazat(?:om|a|át|ai|ait|ok|okat|ban|tal)'), use: 'szavazólap (a ballot); szavazat only as a weight ("egy szavazatot ér")' }
];

export interface StyleViolation {
	key: string;
	text: string;
	found: string;
	use: string;
}

/** The ruled-out words and forms in one text. */
export function styleViolations(text: string): { found: string; use: string }[] {
	const found: { found: string; use: string }[] = [];
	for (const rule of HUNGARIAN_STYLE_RULES) {
		const flags = rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`;
		for (const match of text.matchAll(new RegExp(rule.pattern.source, flags))) found.push({ found: match[0], use: rule.use });
	}
	return found;
}

/** Every text of a message: a plain string, or the variants of a plural or select message. */
function texts(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(texts);
	if (value && typeof value === 'object') {
		const match = (value as { match?: Record<string, unknown> }).match;
		return match ? Object.values(match).flatMap(texts) : [];
	}
	return [];
}

/** Placeholders ({name}) are not words of the message: a member called "Te" is not a violation. */
const withoutPlaceholders = (s: string) => s.replace(/\{[^}]*\}/g, ' ');

/** Every violation in a message catalogue (messages/hu.json as parsed). */
export function checkMessages(messages: Record<string, unknown>): StyleViolation[] {
	const out: StyleViolation[] = [];
	for (const [key, value] of Object.entries(messages)) {
		if (key.startsWith('$')) continue;
		for (const text of texts(value)) for (const v of styleViolations(withoutPlaceholders(text))) out.push({ key, text, ...v });
	}
	return out;
}
