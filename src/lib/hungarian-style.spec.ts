import { describe, expect, it } from 'vitest';
import hu from '../../messages/hu.json';
import en from '../../messages/en.json';
import { checkMessages, styleViolations } from './hungarian-style';

const found = (text: string) => styleViolations(text).map((v) => v.found);

describe('the Hungarian style checker', () => {
	// Each of these was in messages/hu.json before issue #16.
	it.each([
		['Tedd a pontjaidat a kedvenc lehetőségeidre.', ['Tedd', 'pontjaidat']],
		['Oszd szét a pontjaidat tetszésed szerint.', ['Oszd', 'pontjaidat', 'tetszésed']],
		['Állítsd sorrendbe a kedvenceidet.', ['Állítsd', 'kedvenceidet']],
		['Jelölj be minden lehetőséget, amelyet támogatni tudsz.', ['Jelölj', 'tudsz']],
		['Értékelj minden lehetőséget 1-től 5-ig.', ['Értékelj']],
		['Amíg meg nem mutatod a teremnek.', ['mutatod']],
		['Szavazatod rögzítettük. A forduló lezárásáig módosíthatod.', ['módosíthatod', 'Szavazatod']],
		['Válassz ki legfeljebb 3 lehetőséget, a preferenciád sorrendjében.', ['Válassz', 'preferenciád']],
		['A rangsorodban két lehetőség ugyanazon a helyen áll.', ['rangsorodban']],
		['Többet használtál fel, mint amennyi rendelkezésedre áll.', ['rendelkezésedre', 'használtál']],
		['A megengedettnél több lehetőséget választottál.', ['választottál']],
		['Készíts pillanatképet, hogy később összevethesd a táblával.', ['Készíts', 'összevethesd']],
		['Előbb zárd le.', ['zárd']],
		['Nem vagy tagja ennek a workshopnak.', ['Nem vagy', 'workshopnak']],
		['Pöttyök', ['Pöttyök']],
		['Pontozás matricákkal', ['matricákkal']],
		['Csoporton kívül', ['Csoporton kívül']],
		['A jelen lévő 3 tagból 2 szavazott', ['jelen lévő']],
		['Moderátori hivatkozás', ['Moderátori', 'hivatkozás']],
		['Pillanatkép minden fázisváltáskor', ['fázisváltáskor']],
		['Workshop-összefoglaló', ['Workshop', 'összefoglaló']],
		['Névtelen forduló', ['Névtelen forduló']],
		['{n}. alternatíva', ['alternatíva']],
		['Szavazatom módosítása', ['Szavazatom']],
		['Ezt csak ön látja.', ['ön']]
	])('flags %j', (text, words) => {
		expect(found(text).sort()).toEqual([...words].sort());
	});

	// Legitimate words that look like ruled-out ones.
	it.each([
		'Tegye a pontjait a kedvenc lehetőségeire; a legfontosabbra akár többet is.',
		'Jelöljön be minden lehetőséget, amelyet támogatni tud.',
		'Zöld', // ends like "töröld"
		'Laptopról vagy telefonról', // "vagy" is also "or"
		'{count} szavazólapot a facilitátor rögzített egy eszköz nélküli résztvevő nevében.', // "nevében" is not "neved"
		'Minden szervezet egy szavazatot ér, amely megoszlik a szervezet szavazói között.', // a weight, not a ballot
		'A {present} jelenlévő tagból {voted} szavazott',
		'Csoport nélkül',
		'Az ítélet és a tél', // "ítél", "tél" are not past tense
		'Gyakran facilitál?', // present tense, third person
		'Pontosan úgy látja, ahogy egy résztvevő.',
		'A szavazólapja üres.',
		'Önnel együtt vezetheti a műhelyt.',
		'Pontszavazás',
		'Mátrix',
		'Ellenőrizze a kivetített kódot, és próbálja újra.',
		'Adja meg a szervezetét.',
		'Válasszon szavazási módot.',
		'Az első hely ér a legtöbb pontot.',
		'Kérjük, próbálja újra.',
		'Eldöntve; százados pontosság, nyomda, kard, föld'
	])('passes %j', (text) => {
		expect(found(text)).toEqual([]);
	});

	it('ignores placeholders and reads every variant of a plural message', () => {
		expect(checkMessages({ a: 'Szia, {te}!', b: [{ match: { 'n=one': 'Egy pötty', 'n=*': '{n} pont' } }] })).toEqual([
			{ key: 'b', text: 'Egy pötty', found: 'pötty', use: expect.any(String) }
		]);
	});
});

describe('messages/hu.json', () => {
	it('uses the formal register and the glossary of messages/STYLE-hu.md', () => {
		expect(checkMessages(hu).map((v) => `${v.key}: “${v.found}” → ${v.use}`)).toEqual([]);
	});

	it('has exactly the messages of messages/en.json', () => {
		expect(Object.keys(hu).sort()).toEqual(Object.keys(en).sort());
	});
});
