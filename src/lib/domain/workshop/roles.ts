export const MEMBER_ROLES = ['facilitator', 'participant', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
