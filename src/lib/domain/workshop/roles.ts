export const MEMBER_ROLES = ['facilitator', 'participant', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export function isRole(value: unknown): value is MemberRole {
	return typeof value === 'string' && (MEMBER_ROLES as readonly string[]).includes(value);
}
