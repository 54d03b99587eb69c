import { json } from '@sveltejs/kit';

/** Server time, so every device counts a timer down from the same clock (±1 s). */
export const GET = () => json({ now: Date.now() }, { headers: { 'cache-control': 'no-store' } });
