/**
 * Words too common to name a group by, in lower case. Short and curated: a word missing here
 * at worst proposes a group the facilitator removes; a content word listed here could never
 * name one.
 */
import type { Language } from '#lib/domain/workshop/validation.js';

const HUNGARIAN = `
a az egy és vagy is hogy nem meg de mint már még csak ki be el fel le van volt lesz lett
ez azt ezt ezek azok ennek annak ebben abban erre arra ezzel azzal itt ott
minden mind között által szerint számára stb pl ill illetve valamint például
mert ha akkor így úgy ami amit amely amelyek aki akik ahol amikor mely melyek
nagyon több sok kell lehet legyen vannak lesznek nincs nincsenek sem se pedig tehát azonban
hiszen sőt vagyis mi ti ők én te ő mit mire miért hogyan
során után előtt alatt felett mellett helyett miatt nélkül révén keresztül felé iránt ellen
való egyes néhány más olyan ilyen kb
`;

const ENGLISH = `
a an the and or but nor if then than so as of to in on at by for with from into onto
over under about above below between among across through within without around
is are was were be been being am do does did have has had having
it its this that these those there here we our ours us you your yours they their theirs them
he him his she her hers i me my mine who whom whose which what when where why how
not no yes all any each every both few more most less some such other another own same
can could will would shall should may might must also only just very too again further
once up down out off via per etc eg ie much many one
`;

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

export const STOP_WORDS: Record<Language, ReadonlySet<string>> = {
	hu: words(HUNGARIAN),
	en: words(ENGLISH)
};
