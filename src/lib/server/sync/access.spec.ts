import { describe, expect, it } from 'vitest';
import { writerFor } from './access';

describe('writerFor', () => {
	it('lets only facilitators write the control document', () => {
		expect(writerFor({ kind: 'control' }, 'facilitator')).toBe(true);
		expect(writerFor({ kind: 'control' }, 'participant')).toBe(false);
		expect(writerFor({ kind: 'control' }, 'observer')).toBe(false);
	});

	it('lets everyone but observers write boards and drafts', () => {
		for (const kind of ['board', 'draft'] as const) {
			expect(writerFor({ kind }, 'facilitator')).toBe(true);
			expect(writerFor({ kind }, 'participant')).toBe(true);
			expect(writerFor({ kind }, 'observer')).toBe(false);
		}
	});
});
