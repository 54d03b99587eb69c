import { describe, expect, test } from 'vitest';
import { badgeKind, PROBE_EVERY_MS, saveStage, SAVING_AFTER_MS, shouldProbe, UNANSWERED_AFTER_MS, WAITING_AFTER_MS } from './save-stage';

describe('saveStage', () => {
	test('nothing unsaved is saved, whatever the connection', () => {
		expect(saveStage(10_000, null, null, null)).toBe('saved');
		expect(saveStage(10_000, null, 0, 0)).toBe('saved');
	});

	test('connected all along, the server answering: an unsaved change is "saving" after 1 s and "waiting" after 3 s', () => {
		const synced = 0;
		const made = 5000;
		const stage = (now: number) => saveStage(now, made, synced, now - 100);
		expect(stage(made + SAVING_AFTER_MS - 1)).toBe('saved');
		expect(stage(made + SAVING_AFTER_MS)).toBe('saving');
		expect(stage(made + WAITING_AFTER_MS - 1)).toBe('saving');
		expect(stage(made + WAITING_AFTER_MS)).toBe('waiting');
	});

	test('late, and nothing from the server for 3 s: "unanswered" (the network, not the database)', () => {
		const made = 5000;
		const now = made + 10_000;
		expect(saveStage(now, made, 0, now - UNANSWERED_AFTER_MS + 1)).toBe('waiting');
		expect(saveStage(now, made, 0, now - UNANSWERED_AFTER_MS)).toBe('unanswered');
		expect(saveStage(now, made, 0, null)).toBe('unanswered');
		// Not late yet: silence alone says nothing.
		expect(saveStage(made + SAVING_AFTER_MS, made, 0, null)).toBe('saving');
	});

	test('a change made offline is late only from the moment the connection synced and sent it', () => {
		const made = 0;
		const back = 120_000;
		// Two minutes old, but the server has had it for a moment only.
		expect(saveStage(back + 20, made, back, back + 10)).toBe('saved');
		expect(saveStage(back + SAVING_AFTER_MS, made, back, back + 10)).toBe('saving');
		// The server had it for 3 s, answers, and did not save it: that is worth saying.
		expect(saveStage(back + WAITING_AFTER_MS, made, back, back + WAITING_AFTER_MS - 500)).toBe('waiting');
	});
});

describe('shouldProbe', () => {
	test('only while connected with a late change, at most once a second', () => {
		const made = 1000;
		const late = made + SAVING_AFTER_MS;
		expect(shouldProbe(late - 1, made, 0, null)).toBe(false);
		expect(shouldProbe(late, made, 0, null)).toBe(true);
		expect(shouldProbe(late + PROBE_EVERY_MS - 1, made, 0, late)).toBe(false);
		expect(shouldProbe(late + PROBE_EVERY_MS, made, 0, late)).toBe(true);
		// Nothing unsaved, or not connected: nothing to ask.
		expect(shouldProbe(late, null, 0, null)).toBe(false);
		expect(shouldProbe(late, made, null, null)).toBe(false);
		// Just reconnected: the change is not late yet.
		expect(shouldProbe(late, made, late - 10, null)).toBe(false);
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
		expect(badgeKind('online', 'unanswered', true)).toBe('unanswered');
	});

	test('connecting never blames the database: the server does not have the edits yet', () => {
		expect(badgeKind('connecting', 'waiting', true)).toBe('connecting');
		expect(badgeKind('connecting', 'saved', false)).toBe('connecting');
	});
});
