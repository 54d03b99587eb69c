import { describe, it, expect } from 'vitest';
import { marked } from 'marked';
import { boardMarkdown, escapeMarkdown, reportMarkdown } from './markdown';
import { compileReport } from './report';
import { XSS_IMG, XSS_LINK, card, goals, group, meta, mission, rendering, round, values, vision, workshop } from './fixtures';

const html = (md: string) => marked.parse(md, { async: false, gfm: true });

/** The text of rendered HTML with the five entities marked writes turned back into characters. */
const decode = (s: string) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&');

const PAYLOADS = [
	XSS_IMG,
	XSS_LINK,
	'<script>alert(1)</script>',
	'<javascript:alert(1)>',
	'![i](data:image/svg+xml,x)',
	'# not a heading #',
	'## also not',
	'- not a list',
	'+ not a list',
	'1. not a list',
	'2) not a list',
	'> not a quote',
	'`code` and ```fence```',
	'**bold** __bold__ *em* _em_ ~~gone~~',
	'a | b | c',
	'&lt;b&gt; &amp; &#60;i&#62;',
	'back\\slash \\* not em',
	'    four spaces: not code',
	'===',
	'---',
	'[ref]: javascript:alert(1)',
	'{: .class} <!-- comment -->'
];

describe('escapeMarkdown', () => {
	it.each(PAYLOADS)('renders %j as exactly its own text', (payload) => {
		const out = html(escapeMarkdown(payload));
		expect(out.startsWith('<p>') && out.endsWith('</p>\n')).toBe(true);
		const inner = out.slice(3, -5);
		expect(inner).not.toContain('<');
		expect(decode(inner)).toBe(payload.trim());
	});

	it('turns line breaks into spaces, so a cell or list item stays one line', () => {
		expect(escapeMarkdown('one\r\ntwo\n\nthree')).toBe('one two three');
	});

	it('leaves ordinary prose alone apart from what must be escaped', () => {
		expect(escapeMarkdown('Trust, openness and re-use: 40% by 2030.')).toBe('Trust, openness and re-use: 40% by 2030.');
		expect(escapeMarkdown('Research & development (R&D)')).toBe('Research \\& development \\(R\\&D\\)');
	});
});

describe('boardMarkdown', () => {
	const md = boardMarkdown(values, meta, 'en', { timeZone: 'UTC' });

	it('starts with the title, the workshop, the dates, the exercise and the phase, then the prompt', () => {
		const lines = md.split('\n');
		expect(lines.slice(0, 10)).toEqual([
			'# Our values',
			'',
			'- **Workshop:** Cluster Strategy 2030',
			'- **Venue:** Budapest',
			'- **Date:** 23 November 2026',
			expect.stringMatching(/^- \*\*Snapshot:\*\* After voting, taken 23 November 2026(,| at) 14:05$/),
			'- **Exercise:** Values',
			'- **Phase:** Vote',
			'',
			'> What value do clusters give the economy?'
		]);
	});

	it('says it is the live board when there is no snapshot', () => {
		expect(boardMarkdown(values, null, 'en')).toContain('\n- **Snapshot:** The live board as it stands\n');
	});

	it('lists the groups with their cards, then the ungrouped cards, escaped', () => {
		expect(md).toContain(
			[
				'## Cards',
				'',
				'### Cooperation',
				'',
				'- Trust between members — Alpha Cluster',
				'- Shared labs — Beta Cluster',
				'',
				'### Innovation',
				'',
				'- Fast prototyping — Gamma Cluster',
				'',
				'### Ungrouped',
				'',
				'- \\<img src=x onerror=alert\\(1\\)\\> — Alpha Cluster',
				'- \\[x\\]\\(javascript:alert\\(1\\)\\)',
				''
			].join('\n')
		);
	});

	it('shows each revealed round: method, voters, weighting and the ranked totals with ties marked', () => {
		expect(md).toContain(
			[
				'## Results',
				'',
				'### Round 1 · Which values define us?',
				'',
				'- **Method:** Dot voting',
				'- **Voters:** 3',
				'- **Weighting:** One vote per person',
				'',
				'| Rank | Option | Dots |',
				'| ---: | :--- | ---: |',
				'| =1 | Trust between members | 5 |',
				'| =1 | Fast prototyping | 5 |',
				'| 3 | Shared labs | 3 |',
				'',
				'“=” before a rank marks options that share it.',
				''
			].join('\n')
		);
	});

	it('leaves out rounds whose results were not shown', () => {
		expect(md).not.toContain('Second look');
		expect(md).not.toContain('Round 2');
	});

	it('shows a two-criteria score round with a mean per criterion, and a dash for an unscored option', () => {
		expect(boardMarkdown(mission, null, 'en')).toContain(
			[
				'| Rank | Option | Mean score (0–5) | Impact (mean) | Feasibility (mean) |',
				'| ---: | :--- | ---: | ---: | ---: |',
				'| 1 | Mentoring | 4.0 | 4.5 | 3.5 |',
				'| 2 | Shared purchasing | 3.0 | 3.0 | 3.0 |',
				'| 3 | Export desk | – | – | – |'
			].join('\n')
		);
	});

	it('gives every wording of the statement under its label', () => {
		expect(boardMarkdown(mission, null, 'en')).toContain(
			[
				'## Statement',
				'',
				'### Main wording',
				'',
				'We connect firms and research.',
				'',
				'### Alternative 2',
				'',
				'We connect small firms with research centres.'
			].join('\n')
		);
	});

	it('skips blank wordings; a single wording needs no label', () => {
		expect(boardMarkdown(vision, null, 'en')).toContain('## Statement\n\n### Alternative 2\n\nA region where every firm innovates.\n');
		const one = rendering({ title: 'M' }, { variants: [{ id: 'v', label: 'Main wording', text: 'Line one\nLine two\n\nNew paragraph' }] });
		expect(boardMarkdown(one, null, 'en')).toContain('## Statement\n\nLine one\\\nLine two\n\nNew paragraph\n');
	});

	it('adds the goal fields that are set under a goal card', () => {
		expect(boardMarkdown(goals, null, 'en')).toContain(
			[
				'- More joint R\\&D projects — Delta Cluster',
				'  - Indicator: joint projects per year · Target: 40 · Year: 2030',
				'- Export growth — Delta Cluster',
				'  - Year: 2028'
			].join('\n')
		);
	});

	it('is written in Hungarian for a Hungarian workshop', () => {
		const hu = boardMarkdown(values, meta, 'hu', { timeZone: 'UTC' });
		for (const line of [
			'- **Műhely:** Cluster Strategy 2030',
			'- **Helyszín:** Budapest',
			'- **Dátum:** 2026. november 23.',
			'- **Feladat:** Értékek',
			'- **Szakasz:** Szavazás',
			'## Kártyák',
			'### Csoport nélkül',
			'## Eredmények',
			'### 1. forduló · Which values define us?',
			'- **Szavazási mód:** Pontszavazás',
			'- **Szavazók:** 3',
			'- **Súlyozás:** Fejenként egy szavazat',
			'| Helyezés | Lehetőség | Pontok |',
			'A helyezés előtti „=” jel az azonos helyezésű lehetőségeket jelöli.'
		])
			expect(hu.split('\n')).toContain(line);
		expect(hu).toMatch(/^- \*\*Pillanatkép:\*\* After voting, készült: 2026\. november 23\.,? 14:05$/m);
		expect(boardMarkdown(mission, null, 'hu')).toContain('| 1 | Mentoring | 4,0 | 4,5 | 3,5 |');
	});

	it('never lets user text become markup, anywhere in the document', () => {
		const evil = (i: number) => PAYLOADS[i % PAYLOADS.length];
		const hostile = rendering(
			{ title: XSS_IMG, prompt: `${XSS_LINK}\n<script>alert(1)</script>` },
			{
				workshop: { ...workshop, title: '<script>alert(1)</script>', venue: XSS_LINK },
				groups: PAYLOADS.map((p, i) =>
					group(`g${i}`, p, [card(`c${i}`, evil(i + 1), evil(i + 2), { indicator: evil(i + 3), target: evil(i + 4), year: evil(i + 5) })])
				),
				variants: PAYLOADS.map((p, i) => ({ id: `v${i}`, label: p, text: `${evil(i + 1)}\n${evil(i + 2)}` })),
				rounds: [
					round(
						'r',
						1,
						XSS_LINK,
						'score',
						PAYLOADS.map((p, i): [string, string] => [`o${i}`, p]),
						[{ organisation: XSS_IMG, marks: [{ option: 'o0', criterion: 0, value: 4 }] }],
						{ criteria: [XSS_IMG, 'a | b'] }
					)
				]
			}
		);
		const out = html(boardMarkdown({ ...hostile, format: 1 }, { ...meta, title: XSS_IMG }, 'en'));
		const tags = new Set([...out.matchAll(/<([a-z][a-z0-9]*)/gi)].map((t) => t[1].toLowerCase()));
		// only the document's own structure
		expect([...tags].sort()).toEqual(['blockquote', 'br', 'h1', 'h2', 'h3', 'li', 'p', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul']);
		expect(out).not.toMatch(/href|src=["']|onerror=["']/);
		// every table row keeps its five columns despite the pipes in labels and criteria
		for (const row of out.match(/<tr>[\s\S]*?<\/tr>/g)!) expect(row.match(/<t[dh]/g)).toHaveLength(5);
		expect(out).toContain(`<h1>${'&lt;img src=x onerror=alert(1)&gt;'}</h1>`);
	});
});

describe('reportMarkdown', () => {
	const report = compileReport({ workshop, boards: [values, mission, vision, goals] });
	const md = reportMarkdown(report, 'en');

	it('opens with the workshop and every organisation that took part', () => {
		expect(md.split('\n').slice(0, 5)).toEqual([
			'# Workshop report: Cluster Strategy 2030',
			'',
			'- **Venue:** Budapest',
			'- **Date:** 23 November 2026',
			'- **Organisations taking part:** Alpha Cluster, Beta Cluster, Delta Cluster, Epsilon Cluster, Gamma Cluster'
		]);
	});

	it('gives a board’s decided statement and its top items with their results', () => {
		expect(md).toContain(
			[
				'## Our mission',
				'',
				'- **Exercise:** Mission',
				'- **Phase:** Decided',
				'- **Organisations taking part:** Alpha Cluster, Beta Cluster, Gamma Cluster',
				'',
				'> Why do we exist?',
				'',
				'### Statement',
				'',
				'*Decided by vote* · **Alternative 2**',
				'',
				'We connect small firms with research centres.',
				'',
				'### Top items · Round 2 · How useful is each service?',
				'',
				'- **Method:** Score 1–5',
				'- **Voters:** 2',
				'- **Weighting:** One vote per person',
				'',
				'| Rank | Option | Mean score (0–5) |',
				'| ---: | :--- | ---: |',
				'| 1 | Mentoring | 4.0 |',
				'| 2 | Shared purchasing | 3.0 |',
				'| 3 | Export desk | – |',
				''
			].join('\n')
		);
	});

	it('marks a draft statement as one, and keeps six items when fifth place is shared', () => {
		expect(md).toContain('### Statement\n\n*Draft, not decided by a vote* · **Alternative 2**\n\nA region where every firm innovates.\n');
		expect(md).toContain(['| 4 | Four | 4 |', '| =5 | Five | 3 |', '| =5 | Six | 3 |', '', '“=” before a rank marks options that share it.'].join('\n'));
		expect(md).not.toContain('| Seven |');
	});

	it('says so when a board has nothing decided yet', () => {
		const empty = compileReport({ workshop, boards: [rendering({ title: 'Empty board', kind: 'free' })] });
		expect(reportMarkdown(empty, 'en')).toContain(
			'## Empty board\n\n- **Exercise:** Free board\n- **Phase:** Brainstorm\n\nNothing has been drafted or voted on for this board yet.\n'
		);
	});

	it('is written in Hungarian for a Hungarian workshop', () => {
		const hu = reportMarkdown(compileReport({ workshop: { ...workshop, language: 'hu' }, boards: [mission, vision] }), 'hu');
		for (const line of [
			'# Műhelyjelentés: Cluster Strategy 2030',
			'- **Dátum:** 2026. november 23.',
			'- **Részt vevő szervezetek:** Alpha Cluster, Beta Cluster, Epsilon Cluster, Gamma Cluster',
			'- **Feladat:** Küldetés',
			'- **Szakasz:** Eldöntve',
			'### Megfogalmazás',
			'*Szavazással eldöntve* · **Alternative 2**',
			'*Tervezet, szavazással még nem döntöttek róla* · **Alternative 2**',
			'### Élen álló javaslatok · 2. forduló · How useful is each service?',
			'- **Szavazási mód:** Értékelés 1–5',
			'| Helyezés | Lehetőség | Átlagpontszám (0–5) |',
			'| 1 | Mentoring | 4,0 |'
		])
			expect(hu.split('\n')).toContain(line);
	});

	it('renders user text as text', () => {
		const hostile = compileReport({
			workshop: { ...workshop, title: XSS_IMG },
			boards: [
				rendering(
					{ title: XSS_LINK, prompt: XSS_IMG },
					{ variants: [{ id: 'v', label: XSS_LINK, text: '<script>alert(1)</script>' }], ungrouped: [card('c', 'x', XSS_IMG)] }
				)
			]
		});
		const out = html(reportMarkdown(hostile, 'en'));
		expect(out).not.toMatch(/<(img|script|a)\b/);
		expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
	});
});
