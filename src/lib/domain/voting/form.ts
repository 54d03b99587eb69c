/**
 * What the voting forms send, checked before anything reaches the database (which checks
 * again and decides). Issue messages are error codes; the interface translates them.
 */
import * as v from 'valibot';
import { METHODS, OPTION_SOURCES, type Mark } from './types';

const uuid = v.pipe(v.string(), v.uuid());
const int = (min: number, max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.transform((s) => (s === '' ? undefined : Number(s))),
		v.optional(v.pipe(v.number('invalid_settings'), v.integer('invalid_settings'), v.minValue(min, 'invalid_settings'), v.maxValue(max, 'invalid_settings')))
	);
const label = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.transform((s) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim()),
		v.maxLength(max, 'invalid_settings')
	);
const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((s) => s === 'on' || s === 'true')
);

export const openRoundForm = v.object({
	title: label(120),
	method: v.picklist(METHODS, 'invalid_method'),
	source: v.picklist(OPTION_SOURCES, 'invalid_settings'),
	dots: int(1, 50),
	maxPerOption: int(1, 50),
	choices: int(1, 200),
	top: int(1, 10),
	budget: int(10, 1000),
	criterion1: label(60),
	criterion2: label(60),
	anonymous: checkbox,
	resultsLive: checkbox,
	weighting: v.optional(v.picklist(['person', 'organisation'], 'invalid_settings'), 'person'),
	minutes: v.pipe(
		v.optional(v.string(), ''),
		v.transform((s) => (s.trim() === '' ? null : Number(s))),
		v.nullable(v.pipe(v.number('invalid_settings'), v.minValue(0.25, 'invalid_settings'), v.maxValue(240, 'invalid_settings')))
	),
	parent: v.optional(v.union([uuid, v.literal('')]), ''),
	parentTop: int(1, 50)
});

export const MAX_MARKS = 400;

const mark = v.object({
	option: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
	criterion: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1)),
	value: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))
});

/** The ballot's marks, sent as JSON in one form field. */
export function parseMarks(json: string | undefined): Mark[] | null {
	if (!json || json.length > 64 * 1024) return null;
	let raw: unknown;
	try {
		raw = JSON.parse(json);
	} catch {
		return null;
	}
	const parsed = v.safeParse(v.pipe(v.array(mark), v.maxLength(MAX_MARKS)), raw);
	return parsed.success ? parsed.output : null;
}

export const roundRef = v.object({ round: uuid });
export const proxyVoter = v.object({
	round: uuid,
	name: v.pipe(
		v.string('invalid_name'),
		v.transform((s) => s.trim()),
		v.minLength(1, 'invalid_name'),
		v.maxLength(80, 'invalid_name')
	),
	organisation: v.pipe(
		v.string('invalid_organisation'),
		v.transform((s) => s.trim()),
		v.minLength(1, 'invalid_organisation'),
		v.maxLength(120, 'invalid_organisation')
	)
});
