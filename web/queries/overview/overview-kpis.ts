/**
 * The overview's headline numbers, in one round trip, each read from a few rows whatever the
 * number of users (issue 13):
 * - events per second: events in the previous and the current (partial) minute window of
 *   global_minute, divided by the seconds they span;
 * - users active in the last 5 minutes: the sessions whose latest event is in the current minute
 *   or the 5 before it, summed from global_session_ends (one row a minute, kept by the worker:
 *   worker/core/session-end-minutes.ts). A user's sessions are at least SESSION_GAP_MS apart, so
 *   each active user is counted once, across midnight too, while the gap is over 6 minutes;
 * - today's (UTC) events, users, time on site, clicks per page view and session metrics, from
 *   global_daily (./day-totals.ts).
 */
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { dayOf } from '@/lib/days';
import { Prisma } from '@/lib/db/generated/client';
import { prisma } from '@/web/queries/db';
import type { OverviewKpis } from '@/lib/contracts/dashboard';
import { dayTotals, emptyDay } from './day-totals';
import { MINUTE_MS, windowStart } from '@/lib/windows';

/** Users active in the last 5 minutes: from the start of the minute 5 minutes before now's. */
const ACTIVE_MINUTES = 5;

/** Events in the previous and the current window (`recent`) and the users active in the last 5 minutes. */
export function liveCountsSql(nowMs: number, windowMs: number): Prisma.Sql {
  const activeFrom = windowStart(nowMs, MINUTE_MS) - ACTIVE_MINUTES * MINUTE_MS;
  return Prisma.sql`
    SELECT
      (SELECT COALESCE(SUM(count), 0)::float8 FROM global_minute WHERE window_start >= ${new Date(windowStart(nowMs, windowMs) - windowMs)}) AS recent,
      (SELECT COALESCE(SUM(sessions), 0)::int FROM global_session_ends WHERE minute >= ${new Date(activeFrom)}) AS active`;
}

export async function overviewKpis(nowMs: number, windowMs: number): Promise<OverviewKpis> {
  const day = dayOf(nowMs);
  const rateFrom = windowStart(nowMs, windowMs) - windowMs;
  const [rows, [today]] = await Promise.all([prisma().$queryRaw<{ recent: number; active: number }[]>(liveCountsSql(nowMs, windowMs)), dayTotals({ from: day, to: day })]);
  const r = rows[0];
  const spanSeconds = Math.max(1, (nowMs - rateFrom) / 1000);
  const t = today ?? emptyDay(day);
  return {
    eventsPerSecond: r ? r.recent / spanSeconds : 0,
    activeUsers5m: r?.active ?? 0,
    today: {
      day,
      events: t.events,
      timeSpentSeconds: t.timeSpentSeconds,
      users: t.users,
      clicks: t.clicks,
      pageViews: t.pageViews,
      clicksPerPageView: clicksPerPageView.extract({ clicks: t.clicks, pageViews: t.pageViews }),
      sessions: t.sessions,
    },
  };
}
