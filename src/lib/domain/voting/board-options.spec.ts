import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addGroup,
	addVariant,
	editVariantText,
	ensureVariant,
	MAIN_VARIANT,
	readBoard,
	renameVariant,
	type Author
} from '#lib/domain/board/board-model.js';
import { boardOptions } from './board-options';

const ada: Author = { memberId: 'm-ada', name: 'Ada', organisation: 'Engines Ltd' };

function board() {
	const doc = new Y.Doc();
	const second = addGroup(doc, 'Second');
	const first = addGroup(doc, '  First  ');
	addGroup(doc, '   ');
	const loose = addCard(doc, { author: ada, text: 'loose' });
	const b = addCard(doc, { author: ada, text: 'in second', group: second });
	const a = addCard(doc, { author: ada, text: ' in first ', group: first });
	addCard(doc, { author: ada, text: '   ', group: first });
	return { doc, loose, a, b, first, second };
}

describe('round options from the board', () => {
	it('takes cards in reading order (groups in order, then ungrouped), without empty ones', () => {
		const { doc, loose, a, b } = board();
		expect(boardOptions(readBoard(doc), 'cards')).toEqual([
			{ id: b, label: 'in second' },
			{ id: a, label: 'in first' },
			{ id: loose, label: 'loose' }
		]);
	});

	it('takes groups in order, and wordings as "label: text"', () => {
		const { doc, first, second } = board();
		expect(boardOptions(readBoard(doc), 'groups')).toEqual([
			{ id: second, label: 'Second' },
			{ id: first, label: 'First' }
		]);
		editVariantText(doc, MAIN_VARIANT, 'Main text');
		const alt = addVariant(doc, 'Bold', MAIN_VARIANT);
		renameVariant(doc, MAIN_VARIANT, '');
		ensureVariant(doc, 'empty', '');
		expect(boardOptions(readBoard(doc), 'variants')).toEqual([
			{ id: MAIN_VARIANT, label: 'Main text' },
			{ id: alt, label: 'Bold: Main text' }
		]);
	});

	it('clips long labels', () => {
		const doc = new Y.Doc();
		addCard(doc, { author: ada, text: 'x'.repeat(800) });
		const [option] = boardOptions(readBoard(doc), 'cards');
		expect(option.label).toHaveLength(500);
		expect(option.label.endsWith('…')).toBe(true);
	});
});
