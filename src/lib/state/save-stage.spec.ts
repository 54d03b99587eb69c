import { describe, expect, test } from 'vitest';
import { badgeKind, saveStage, SAVING_AFTER_MS, WAITING_AFTER_MS } from './save-stage';

describe('saveStage', () => {
	test('nothing unsaved is saved, whatever the connection', () => {
		expect(saveStage(10_000, null, null)).toBe('saved');
		expect(saveStage(10_000, null, 0)).toBe('saved');
	});

	test('connected all along: an unsaved change is "saving" after 1 s and "waiting" after 3 s', () => {
		const synced = 0;
		const made = 5000;
		expect(saveStage(made + SAVING_AFTER_MS - 1, made, synced)).toBe('saved');
		expect(saveStage(made + SAVING_AFTER_MS, made, synced)).toBe('saving');
		expect(saveStage(made + WAITING_AFTER_MS - 1, made, synced)).toBe('saving');
		expect(saveStage(made + WAITING_AFTER_MS, made, synced)).toBe('waiting');
	});

	test('not synced: the change is counted from when it was made (it is not saved)', () => {
		expect(saveStage(1000 + WAITING_AFTER_MS, 1000, null)).toBe('waiting');
	});

	test('a change made offline is late only from the moment the connection synced and sent it', () => {
		const made = 0;
		const back = 120_000;
		// Two minutes old, but the server has had it for a moment only.
		expect(saveStage(back + 20, made, back)).toBe('saved');
		expect(saveStage(back + SAVING_AFTER_MS, made, back)).toBe('saving');
		// The server had it for 3 s and did not save it: that is worth saying.
		expect(saveStage(back + WAITING_AFTER_MS, made, back)).toBe('waiting');
	});
});

describe('badgeKind', () => {
	test('offline says whether this member has edits only this device holds', () => {
		expect(badgeKind('offline', 'waiting', true)).toBe('offline_unsaved');
		expect(badgeKind('offline', 'saved', true)).toBe('offline_unsaved');
		expect(badgeKind('offline', 'saved', false)).toBe('offline');
	});

	test('online, it is about saving', () => {
		expect(badgeKind('online', 'saved', false)).toBe('live');
		expect(badgeKind('online', 'saved', true)).toBe('live');
		expect(badgeKind('online', 'saving', true)).toBe('saving');
		expect(badgeKind('online', 'waiting', true)).toBe('waiting');
	});

	test('connecting never blames the database: the server does not have the edits yet', () => {
		expect(badgeKind('connecting', 'waiting', true)).toBe('connecting');
		expect(badgeKind('connecting', 'saved', false)).toBe('connecting');
	});
});
