/**
 * What a user's page receives live: today's figures (events and sessions), today's minute series,
 * the newest sessions (of today and yesterday, so one crossing midnight stays listed) and, on the
 * page, raw recent events. Built for any number of watched users at once with three statements
 * (their days, their minutes, their newest sessions), so a flush costs the same three queries
 * whether one user room is stale or a thousand.
 */
import { userDaily, usersDaily } from '@/web/queries/user/user-daily';
import { userExists } from '@/web/queries/user/user-exists';
import { userMinutes, usersMinutes } from '@/web/queries/user/user-minutes';
import { userSessions, usersNewestSessions } from '@/web/queries/user/user-sessions';
import { addDays, todayUtc, startOfDayMs, type DayRange } from '@/lib/days';
import type { UserDaySummary, UserLiveSnapshot, UserPageLive, UserSessionsPage } from '@/lib/contracts/dashboard';

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

/** What a user's page renders first (app/users/[userId]/page.tsx). */
export interface UserPageStart {
  /** Whether the pipeline has ever counted an event for this user. */
  exists: boolean;
  days: UserDaySummary[];
  live: UserPageLive;
  /** The range's newest sessions, and whether older ones exist. */
  sessions: Pick<UserSessionsPage, 'sessions' | 'more'>;
}

/**
 * A user's page at first render: the range's days, today's minutes and the range's newest
 * `sessionsShown` sessions, read concurrently. Today's figures are the range's row of today when
 * the range holds today (the same statement's row, not read twice), else read on their own. The
 * live snapshot's newest sessions are not read: the page lists the range's, and the `user:update`
 * answering the page's subscription brings the live ones. Whether the user exists is asked only
 * when the range has no day of theirs (a counted day means they exist).
 */
export async function userPageStart(userId: string, range: DayRange, sessionsShown: number, nowMs = Date.now()): Promise<UserPageStart> {
  const day = todayUtc(nowMs);
  const rangeHoldsToday = range.from <= day && day <= range.to;
  const [days, minutes, sessions, todayOnly] = await Promise.all([
    userDaily(userId, range),
    userMinutes(userId, startOfDayMs(day), nowMs + 3_600_000),
    userSessions(userId, range, sessionsShown),
    rangeHoldsToday ? null : userDaily(userId, { from: day, to: day }),
  ]);
  const today = (todayOnly ?? days).find((d) => d.day === day) ?? null;
  const exists = days.length > 0 || today !== null || (await userExists(userId));
  return { exists, days, live: { userId, at: new Date(nowMs).toISOString(), today, minutes }, sessions };
}
