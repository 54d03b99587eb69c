export const MEMBER_ROLES = ['facilitator', 'participant', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Observers follow along read-only; everyone else may write. */
export function canWrite(role: MemberRole): boolean {
	return role !== 'observer';
}
