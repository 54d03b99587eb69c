import { describe, expect, it } from 'vitest';
import { boardsFromForm, localisedTemplateBoards } from './template-boards';

const en = localisedTemplateBoards('strategy', 'en');
const hu = localisedTemplateBoards('strategy', 'hu');

describe('the Strategy template', () => {
	it('asks questions any organisation can answer, in both languages', () => {
		for (const board of [...en, ...hu]) expect(board.prompt).not.toMatch(/cluster|klaszter|nemzetgazdaság|national economy/i);
		expect(hu.map((b) => b.kind)).toEqual(['values', 'mission', 'vision', 'goals']);
	});
});

describe('boardsFromForm', () => {
	it('takes the template in the workshop language when the form sends no board fields (a form without them, an old client)', () => {
		expect(boardsFromForm('strategy', 'hu', {})).toEqual({ ok: true, boards: hu });
	});

	it('turns fields left as prefilled in the other language into the workshop language', () => {
		const fields = Object.fromEntries(
			en.flatMap((b, i) => [
				[`strategy.${i}.title`, b.title],
				[`strategy.${i}.prompt`, `  ${b.prompt}\n`]
			])
		);
		expect(boardsFromForm('strategy', 'hu', fields)).toEqual({ ok: true, boards: hu });
	});

	it("keeps what the facilitator wrote, cleaned as any board's title and prompt, and reads only the chosen template's fields", () => {
		const result = boardsFromForm('strategy', 'hu', {
			'strategy.0.title': '  Közös   értékeink ',
			'strategy.0.prompt': 'Mit\tképviselünk mi, a kamara?',
			'strategy.3.prompt': '',
			'workgroups.0.title': ''
		});
		expect(result).toEqual({
			ok: true,
			boards: [{ kind: 'values', title: 'Közös értékeink', prompt: 'Mit képviselünk mi, a kamara?' }, hu[1], hu[2], { ...hu[3], prompt: '' }]
		});
	});

	it('refuses an empty title or an overlong prompt, naming the field', () => {
		expect(boardsFromForm('workgroups', 'en', { 'workgroups.1.title': '   ', 'workgroups.5.prompt': 'x'.repeat(501) })).toEqual({
			ok: false,
			errors: { 'workgroups.1.title': 'invalid_board_title', 'workgroups.5.prompt': 'invalid_prompt' }
		});
	});

	it('creates no boards for the blank template, whatever is posted', () => {
		expect(boardsFromForm('blank', 'en', { 'strategy.0.title': 'Values' })).toEqual({ ok: true, boards: [] });
	});
});
