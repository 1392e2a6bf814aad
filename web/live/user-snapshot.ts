/** What a user's page receives live: today's totals, today's minute series and raw recent events. */
import { userDaily } from '@/web/queries/user/user-daily';
import { userMinutes } from '@/web/queries/user/user-minutes';
import { todayUtc, startOfDayMs } from '@/lib/days';
import type { UserLiveSnapshot } from '@/lib/contracts/dashboard';

export async function userLiveSnapshot(userId: string, nowMs = Date.now()): Promise<UserLiveSnapshot> {
  const day = todayUtc(nowMs);
  const [days, minutes] = await Promise.all([userDaily(userId, { from: day, to: day }), userMinutes(userId, startOfDayMs(day), nowMs + 3_600_000)]);
  return { userId, at: new Date(nowMs).toISOString(), today: days[0] ?? null, minutes };
}
