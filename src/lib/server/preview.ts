/**
 * A facilitator's "see it as a participant" switch, scoped to one workshop's pages. It
 * changes what is drawn, never what the server allows.
 */
export const PREVIEW_COOKIE = 'rt_preview';
