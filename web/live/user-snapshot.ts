/**
 * What a user's page receives live: today's figures (events and sessions), today's minute series,
 * the newest sessions (of today and yesterday, so one crossing midnight stays listed) and, on the
 * page, raw recent events. Built for any number of watched users at once with three statements
 * (their days, their minutes, their newest sessions), so a flush costs the same three queries
 * whether one user room is stale or a thousand.
 */
import { usersDaily } from '@/web/queries/user/user-daily';
import { usersMinutes } from '@/web/queries/user/user-minutes';
import { usersNewestSessions } from '@/web/queries/user/user-sessions';
import { addDays, todayUtc, startOfDayMs } from '@/lib/days';
import type { UserLiveSnapshot } from '@/lib/contracts/dashboard';

/** How many of the newest sessions a live snapshot carries. */
export const LIVE_SESSIONS = 20;

/** A snapshot for each given user (an entry for every id, even one with no data yet). */
export async function usersLiveSnapshots(userIds: readonly string[], nowMs = Date.now()): Promise<Map<string, UserLiveSnapshot>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const day = todayUtc(nowMs);
  const [days, minutes, sessions] = await Promise.all([
    usersDaily(ids, { from: day, to: day }),
    usersMinutes(ids, startOfDayMs(day), nowMs + 3_600_000),
    usersNewestSessions(ids, { from: addDays(day, -1), to: day }, LIVE_SESSIONS),
  ]);
  const at = new Date(nowMs).toISOString();
  return new Map(
    ids.map((userId) => [userId, { userId, at, today: days.get(userId)?.[0] ?? null, minutes: minutes.get(userId) ?? [], sessions: sessions.get(userId)?.sessions ?? [] }]),
  );
}

export async function userLiveSnapshot(userId: string, nowMs = Date.now()): Promise<UserLiveSnapshot> {
  const snapshot = (await usersLiveSnapshots([userId], nowMs)).get(userId);
  if (!snapshot) throw new Error(`no live snapshot for ${userId}`);
  return snapshot;
}
