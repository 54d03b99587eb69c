import type { Actions } from './$types';
import { submitJoinCode } from '#lib/server/join-code-action.js';

export const actions: Actions = { default: submitJoinCode };
