import { m } from '#lib/paraglide/messages.js';
import { templateBoards, type BoardKind, type Template } from '#lib/domain/workshop/templates.js';
import { boardInput, LANGUAGES, parseForm, type Language } from '#lib/domain/workshop/validation.js';

type Text = (inputs?: object, options?: { locale?: Language }) => string;
const messages = m as unknown as Record<string, Text>;

export interface BoardDraft {
	kind: BoardKind;
	title: string;
	prompt: string;
}

/** A template's boards with titles and prompts in the workshop's language. */
export function localisedTemplateBoards(template: Template, language: Language): BoardDraft[] {
	return templateBoards(template).map(({ kind, key }) => ({
		kind,
		title: messages[`template_${key}_title`]({}, { locale: language }),
		prompt: messages[`template_${key}_prompt`]({}, { locale: language })
	}));
}

/** The /new form's field of a template's board: `strategy.0.title`, `strategy.0.prompt`. */
export const boardField = (template: Template, index: number, field: 'title' | 'prompt') => `${template}.${index}.${field}`;

const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/**
 * The boards a new workshop starts with: the template's, as the facilitator edited them on the
 * form, each through the same schema as a board added later. A field left as the template wrote
 * it — in either language, since the form is prefilled in the page's language and the workshop
 * may be in the other — or missing altogether becomes the template's text in the workshop's
 * language; only what the facilitator actually wrote is kept as written.
 */
export function boardsFromForm(
	template: Template,
	language: Language,
	fields: Record<string, string | undefined>
): { ok: true; boards: BoardDraft[] } | { ok: false; errors: Record<string, string> } {
	const defaults = Object.fromEntries(LANGUAGES.map((l) => [l, localisedTemplateBoards(template, l)])) as Record<Language, BoardDraft[]>;
	const boards: BoardDraft[] = [];
	const errors: Record<string, string> = {};
	defaults[language].forEach((fallback, i) => {
		const pick = (field: 'title' | 'prompt') => {
			const posted = fields[boardField(template, i, field)];
			return posted === undefined || LANGUAGES.some((l) => same(posted, defaults[l][i][field])) ? fallback[field] : posted;
		};
		const parsed = parseForm(boardInput, { kind: fallback.kind, title: pick('title'), prompt: pick('prompt') });
		if (parsed.ok) boards.push(parsed.value);
		else for (const [field, code] of Object.entries(parsed.errors)) errors[boardField(template, i, field as 'title' | 'prompt')] = code;
	});
	return Object.keys(errors).length ? { ok: false, errors } : { ok: true, boards };
}
