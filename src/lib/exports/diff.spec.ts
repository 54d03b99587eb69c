import { describe, it, expect } from 'vitest';
import { diffRenderings, diffText, type Change } from './diff';
import { card, group, rendering } from './fixtures';

/** The earlier and the later text a word diff describes. */
const before = (changes: Change[]) =>
	changes
		.filter((c) => c.kind !== 'added')
		.map((c) => c.text)
		.join('');
const after = (changes: Change[]) =>
	changes
		.filter((c) => c.kind !== 'removed')
		.map((c) => c.text)
		.join('');
const words = (changes: Change[], kind: Change['kind']) => changes.filter((c) => c.kind === kind).map((c) => c.text.trim());

const earlier = rendering(
	{ id: 'b', kind: 'values' },
	{
		groups: [
			group('g0', 'Parking lot', []),
			group('g1', 'Cooperation', [card('c1', 'Trust between members', 'Alpha'), card('c2', 'Shared labs', 'Beta')]),
			group('g2', 'Innovation', [card('c3', 'Fast prototyping', 'Gamma')])
		],
		ungrouped: [card('c4', 'Open data', 'Alpha'), card('c5', 'Mentoring', '')],
		variants: [
			{ id: 'v1', label: 'Main wording', text: 'We connect firms and research.' },
			{ id: 'v8', label: 'Short', text: 'Together.' },
			{ id: 'v9', label: 'Old', text: 'Remove me' }
		]
	}
);

/**
 * From `earlier`: Parking lot deleted, Cooperation renamed, Skills added; c2 deleted; c1
 * reworded; c3 moved out of its group; c4 only recoloured; c5 given an organisation; c6 new;
 * v1 reworded, v8 untouched, v9 deleted, v10 new.
 */
const later = rendering(
	{ id: 'b', kind: 'values' },
	{
		groups: [
			group('g1', 'Working together', [card('c1', 'Trust among all members', 'Alpha')]),
			group('g2', 'Innovation', [card('c6', 'New idea', 'Delta')]),
			group('g3', 'Skills', [])
		],
		ungrouped: [card('c3', 'Fast prototyping', 'Gamma'), card('c4', 'Open data', 'Alpha', { colour: 'pink' }), card('c5', 'Mentoring', 'Delta')],
		variants: [
			{ id: 'v1', label: 'Main wording', text: 'We connect small firms with research.' },
			{ id: 'v10', label: 'New', text: 'Fresh text' },
			{ id: 'v8', label: 'Short', text: 'Together.' }
		]
	}
);

describe('diffText', () => {
	it('marks the words added and removed and keeps both texts recoverable', () => {
		const changes = diffText('We connect firms and research.', 'We connect small firms with research.');
		expect(before(changes)).toBe('We connect firms and research.');
		expect(after(changes)).toBe('We connect small firms with research.');
		expect(words(changes, 'added')).toEqual(['small', 'with']);
		expect(words(changes, 'removed')).toEqual(['and']);
	});

	it('of equal texts is one unchanged run, and of two empty texts nothing', () => {
		expect(diffText('Same words', 'Same words')).toEqual([{ kind: 'same', text: 'Same words' }]);
		expect(diffText('', '')).toEqual([]);
	});
});

describe('diffRenderings', () => {
	const d = diffRenderings(earlier, later);

	it('lists cards added and removed, matched by id', () => {
		expect(d.added).toEqual([card('c6', 'New idea', 'Delta')]);
		expect(d.removed).toEqual([card('c2', 'Shared labs', 'Beta')]);
	});

	it('lists cards whose content changed, with a word diff of the text; a new colour is not an edit', () => {
		expect(d.edited.map((e) => e.id)).toEqual(['c1', 'c5']);
		const [reworded, attributed] = d.edited;
		expect(reworded.before.text).toBe('Trust between members');
		expect(reworded.after.text).toBe('Trust among all members');
		expect(words(reworded.text, 'removed')).toEqual(['between']);
		expect(words(reworded.text, 'added')).toEqual(['among all']);
		expect(attributed.before.organisation).toBe('');
		expect(attributed.after.organisation).toBe('Delta');
		expect(attributed.text).toEqual([{ kind: 'same', text: 'Mentoring' }]);
	});

	it('lists cards that changed group, by group title (null = ungrouped)', () => {
		expect(d.moved).toEqual([{ id: 'c3', text: 'Fast prototyping', fromGroup: 'Innovation', toGroup: null }]);
	});

	it('does not count a renamed group as a move for its cards', () => {
		expect(d.moved.map((m) => m.id)).not.toContain('c1');
	});

	it('lists groups added, removed and renamed', () => {
		expect(d.groups).toEqual({ added: ['Skills'], removed: ['Parking lot'], renamed: [{ from: 'Cooperation', to: 'Working together' }] });
	});

	it('compares the statement’s wordings in the later order, dropped ones last', () => {
		expect(d.variants.map((v) => [v.id, v.label, v.status])).toEqual([
			['v1', 'Main wording', 'changed'],
			['v10', 'New', 'added'],
			['v8', 'Short', 'same'],
			['v9', 'Old', 'removed']
		]);
		const [reworded, added, same, removed] = d.variants;
		expect(words(reworded.text, 'added')).toEqual(['small', 'with']);
		expect(words(reworded.text, 'removed')).toEqual(['and']);
		expect(added.text).toEqual([{ kind: 'added', text: 'Fresh text' }]);
		expect(same.text).toEqual([{ kind: 'same', text: 'Together.' }]);
		expect(removed.text).toEqual([{ kind: 'removed', text: 'Remove me' }]);
	});

	it('a relabelled wording with the same text is changed', () => {
		const relabelled = { ...earlier, variants: [{ ...earlier.variants[0], label: 'Preferred' }, ...earlier.variants.slice(1)] };
		const v = diffRenderings(earlier, relabelled).variants[0];
		expect(v).toEqual({ id: 'v1', label: 'Preferred', status: 'changed', text: [{ kind: 'same', text: 'We connect firms and research.' }] });
	});

	it('of a board with itself finds nothing', () => {
		const same = diffRenderings(earlier, earlier);
		expect([same.added, same.removed, same.edited, same.moved]).toEqual([[], [], [], []]);
		expect(same.groups).toEqual({ added: [], removed: [], renamed: [] });
		expect(same.variants.every((v) => v.status === 'same')).toBe(true);
	});
});
