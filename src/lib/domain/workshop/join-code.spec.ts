import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normaliseJoinCode } from './join-code';

describe('JOIN_CODE_ALPHABET', () => {
	it('has 31 distinct characters and none that are misread off a projector', () => {
		expect(JOIN_CODE_ALPHABET.length).toBe(31);
		expect(new Set(JOIN_CODE_ALPHABET).size).toBe(31);
		for (const c of '01OIL') expect(JOIN_CODE_ALPHABET).not.toContain(c);
		expect(JOIN_CODE_ALPHABET).toMatch(/^[A-Z2-9]+$/);
		expect(JOIN_CODE_LENGTH).toBe(6);
	});

	it('agrees with the database: the workshops check constraint and new_join_code()', () => {
		const migration = readFileSync(new URL('../../../../supabase/migrations/20261123020000_create_workshops.sql', import.meta.url), 'utf8');
		const check = /join_code ~ '(\^\[[^\]]+\]\{6\}\$)'/.exec(migration);
		expect(check, 'check constraint on join_code').not.toBeNull();
		const dbPattern = new RegExp(check![1]);
		for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
			expect(dbPattern.test(c.repeat(6)), c).toBe(JOIN_CODE_ALPHABET.includes(c));
		}
		const generator = /alphabet constant text := '([^']+)'/.exec(migration);
		expect(generator?.[1]).toBe(JOIN_CODE_ALPHABET);
	});
});

describe('normaliseJoinCode', () => {
	it.each([
		['BFURED', 'BFURED'],
		['bfured', 'BFURED'],
		['bFu ReD', 'BFURED'],
		['  bfu-red  ', 'BFURED'],
		['BFU\tRED\n', 'BFURED'],
		['b-f-u r-e-d', 'BFURED'],
		['234789', '234789']
	])('%j → %j', (input, expected) => {
		expect(normaliseJoinCode(input)).toBe(expected);
	});

	it.each([
		'',
		'   ',
		'BFURE', // too short
		'BFUREDX', // too long
		'BFURE0', // zero
		'BFUREO', // letter O
		'BFURE1',
		'BFUREI',
		'BFUREL',
		'BFU_RED',
		'BFU.RED',
		'BFURÉD',
		"' or 1=1"
	])('rejects %j', (input) => {
		expect(normaliseJoinCode(input)).toBeNull();
	});
});

describe('formatJoinCode', () => {
	it('splits the code in two halves', () => {
		expect(formatJoinCode('BFURED')).toBe('BFU RED');
		expect(normaliseJoinCode(formatJoinCode('X7K2MQ'))).toBe('X7K2MQ');
	});
});
