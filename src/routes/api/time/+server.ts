/** Server time, so every device counts a timer down from the same clock (±1 s). */
export const GET = () => Response.json({ now: Date.now() }, { headers: { 'cache-control': 'no-store' } });
