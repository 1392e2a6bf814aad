/**
 * What a user's page receives live: today's figures (events and sessions), today's minute series,
 * the newest sessions (of today and yesterday, so one crossing midnight stays listed) and, on the
 * page, raw recent events.
 */
import { userDaily } from '@/web/queries/user/user-daily';
import { userMinutes } from '@/web/queries/user/user-minutes';
import { userSessions } from '@/web/queries/user/user-sessions';
import { addDays, todayUtc, startOfDayMs } from '@/lib/days';
import type { UserLiveSnapshot } from '@/lib/contracts/dashboard';

/** How many of the newest sessions a live snapshot carries. */
export const LIVE_SESSIONS = 20;

export async function userLiveSnapshot(userId: string, nowMs = Date.now()): Promise<UserLiveSnapshot> {
  const day = todayUtc(nowMs);
  const [days, minutes, sessions] = await Promise.all([
    userDaily(userId, { from: day, to: day }),
    userMinutes(userId, startOfDayMs(day), nowMs + 3_600_000),
    userSessions(userId, { from: addDays(day, -1), to: day }, LIVE_SESSIONS),
  ]);
  return { userId, at: new Date(nowMs).toISOString(), today: days[0] ?? null, minutes, sessions: sessions.sessions };
}
