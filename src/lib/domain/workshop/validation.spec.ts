import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { boardInput, formFields, joinCode, joinRequest, memberName, newWorkshop, organisationName, parseForm, workshopSettings } from './validation';

const ok = <S extends v.GenericSchema>(schema: S, input: unknown) => {
	const r = v.safeParse(schema, input);
	if (!r.success) throw new Error(`expected success, got ${r.issues.map((i) => i.message).join(', ')}`);
	return r.output as v.InferOutput<S>;
};
const codes = (schema: v.GenericSchema, input: unknown) => {
	const r = v.safeParse(schema, input);
	return r.success ? [] : r.issues.map((i) => i.message);
};

describe('memberName and organisationName', () => {
	it('collapse whitespace and control characters and trim', () => {
		expect(ok(memberName, '  Anna \n\t  Kovács\u0007 ')).toBe('Anna Kovács');
		expect(ok(organisationName, '\u00a0Pannon   Cluster\r\n')).toBe('Pannon Cluster');
	});

	it('keep script-like text as text (escaping is the renderer’s job)', () => {
		expect(ok(memberName, '<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
	});

	it('take names up to 80 and organisations up to 120 characters, after trimming', () => {
		expect(ok(memberName, 'n'.repeat(80))).toBe('n'.repeat(80));
		expect(ok(memberName, `  ${'n'.repeat(80)}  `)).toBe('n'.repeat(80));
		expect(codes(memberName, 'n'.repeat(81))).toEqual(['invalid_name']);
		expect(ok(organisationName, 'o'.repeat(120))).toHaveLength(120);
		expect(codes(organisationName, 'o'.repeat(121))).toEqual(['invalid_organisation']);
	});

	it.each(['', '   ', '\n\t', '\u0000'])('refuse the empty or blank %j', (input) => {
		expect(codes(memberName, input)).toEqual(['invalid_name']);
		expect(codes(organisationName, input)).toEqual(['invalid_organisation']);
	});

	it('refuse what is not a string, with the field’s code', () => {
		for (const input of [undefined, null, 42, ['Anna'], { name: 'Anna' }]) {
			expect(codes(memberName, input)).toEqual(['invalid_name']);
		}
	});
});

describe('joinCode', () => {
	it('normalises what was typed', () => {
		expect(ok(joinCode, ' bfu-red ')).toBe('BFURED');
	});
	it.each(['', 'BFURE', 'BFURED7', 'OOOOOO', 12345])('refuses %j with wrong_code', (input) => {
		expect(codes(joinCode, input)).toEqual(['wrong_code']);
	});
});

describe('joinRequest', () => {
	it('defaults the role to participant', () => {
		expect(ok(joinRequest, { name: ' Anna ', organisation: 'Org' })).toEqual({ name: 'Anna', organisation: 'Org', role: 'participant' });
		expect(ok(joinRequest, { name: 'Olga', organisation: 'Org', role: 'observer' }).role).toBe('observer');
	});
	it('refuses the facilitator role: that comes only with the facilitator link', () => {
		expect(codes(joinRequest, { name: 'Anna', organisation: 'Org', role: 'facilitator' })).toEqual(['invalid_role']);
	});
});

describe('workshopSettings and newWorkshop', () => {
	const valid = { title: ' Strategy  day ', startsOn: '2021-06-03', venue: '', language: 'hu' };

	it('parse a valid form', () => {
		expect(ok(workshopSettings, valid)).toEqual({ title: 'Strategy day', startsOn: '2021-06-03', venue: '', language: 'hu' });
	});

	it('turn an empty or missing date into null and a missing venue into ""', () => {
		expect(ok(workshopSettings, { ...valid, startsOn: '' }).startsOn).toBeNull();
		const { startsOn: _s, venue: _v, ...rest } = valid;
		expect(ok(workshopSettings, rest)).toMatchObject({ startsOn: null, venue: '' });
	});

	it.each(['03/06/2021', '2021-6-3', '2021-13-01', 'tomorrow', '2021-06-03T10:00'])('refuse the date %j', (startsOn) => {
		expect(codes(workshopSettings, { ...valid, startsOn })).toEqual(['invalid_date']);
	});

	// Postgres refuses these dates ("date/time field value out of range"), so the form must too,
	// or creating the workshop fails with an unexplained server error.
	it.each(['2021-02-30', '2021-04-31', '2023-02-29'])('refuse the impossible date %j', (startsOn) => {
		expect(codes(workshopSettings, { ...valid, startsOn })).toEqual(['invalid_date']);
	});

	it('accept 29 February in a leap year', () => {
		expect(ok(workshopSettings, { ...valid, startsOn: '2024-02-29' }).startsOn).toBe('2024-02-29');
	});

	it('refuse a missing or over-long title, an over-long venue, an unknown language', () => {
		expect(codes(workshopSettings, { ...valid, title: '  ' })).toEqual(['invalid_title']);
		expect(codes(workshopSettings, { ...valid, title: 't'.repeat(121) })).toEqual(['invalid_title']);
		expect(ok(workshopSettings, { ...valid, title: 't'.repeat(120) }).title).toHaveLength(120);
		expect(codes(workshopSettings, { ...valid, venue: 'v'.repeat(121) })).toEqual(['invalid_venue']);
		expect(codes(workshopSettings, { ...valid, language: 'de' })).toEqual(['invalid_language']);
	});

	it('newWorkshop also needs a known template and the facilitator’s name', () => {
		const form = { ...valid, template: 'strategy', facilitatorName: ' Fanni ' };
		expect(ok(newWorkshop, form)).toMatchObject({ template: 'strategy', facilitatorName: 'Fanni' });
		expect(codes(newWorkshop, { ...form, template: 'retro' })).toEqual(['invalid_template']);
		expect(codes(newWorkshop, { ...form, facilitatorName: '' })).toEqual(['invalid_name']);
	});
});

describe('boardInput', () => {
	it('defaults kind to free and prompt to ""', () => {
		expect(ok(boardInput, { title: 'Parking lot' })).toEqual({ title: 'Parking lot', prompt: '', kind: 'free' });
	});
	it('refuses an unknown kind, an empty title, a prompt over 500 characters', () => {
		expect(codes(boardInput, { title: 'x', kind: 'poll' })).toEqual(['invalid_board_kind']);
		expect(codes(boardInput, { title: ' ' })).toEqual(['invalid_board_title']);
		expect(codes(boardInput, { title: 'x', prompt: 'p'.repeat(501) })).toEqual(['invalid_prompt']);
		expect(ok(boardInput, { title: 'x', prompt: 'p'.repeat(500) }).prompt).toHaveLength(500);
	});
});

describe('parseForm', () => {
	it('returns the parsed value', () => {
		expect(parseForm(joinRequest, { name: 'Anna', organisation: 'Org' })).toEqual({
			ok: true,
			value: { name: 'Anna', organisation: 'Org', role: 'participant' }
		});
	});

	it('returns the first error code of each field, keyed by field', () => {
		const result = parseForm(joinRequest, { name: ' ', organisation: 'o'.repeat(121), role: 'facilitator' });
		expect(result).toEqual({
			ok: false,
			errors: { name: 'invalid_name', organisation: 'invalid_organisation', role: 'invalid_role' }
		});
	});

	it('puts errors about the whole input under "form"', () => {
		const result = parseForm(joinRequest, 'not an object');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(Object.keys(result.errors)).toEqual(['form']);
	});
});

describe('formFields', () => {
	it('takes the first value of each text field and skips files', () => {
		const data = new FormData();
		data.append('name', 'Anna');
		data.append('name', 'Second');
		data.append('upload', new Blob(['x']), 'x.txt');
		data.append('organisation', '');
		expect(formFields(data)).toEqual({ name: 'Anna', organisation: '' });
	});
});
