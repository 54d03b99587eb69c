import { m } from '$lib/paraglide/messages';
import { templateBoards, type BoardKind, type Template } from '$lib/domain/workshop/templates';
import type { Language } from '$lib/domain/workshop/validation';

type Text = (inputs?: object, options?: { locale?: Language }) => string;
const messages = m as unknown as Record<string, Text>;

/** A template's boards with titles and prompts in the workshop's language. */
export function localisedTemplateBoards(template: Template, language: Language): { kind: BoardKind; title: string; prompt: string }[] {
	return templateBoards(template).map(({ kind, key }) => ({
		kind,
		title: messages[`template_${key}_title`]({}, { locale: language }),
		prompt: messages[`template_${key}_prompt`]({}, { locale: language })
	}));
}
