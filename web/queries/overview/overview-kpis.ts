/**
 * The overview's headline numbers, in one round trip, each read from a few rows whatever the
 * number of users (issue 13):
 * - events per second: events in the previous and the current (partial) minute window of
 *   global_minute, divided by the seconds they span;
 * - users active in the last 5 minutes: users whose latest event of the day is that recent
 *   (user_daily's (day, last_event_at) index);
 * - today's (UTC) events, users, time on site, clicks per page view and session metrics, from
 *   global_daily (./day-totals.ts).
 */
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { dayOf } from '@/lib/days';
import { Prisma } from '@/lib/db/generated/client';
import { prisma } from '@/web/queries/db';
import type { OverviewKpis } from '@/lib/contracts/dashboard';
import { dayTotals, emptyDay } from './day-totals';
import { windowStart } from '@/lib/windows';

const ACTIVE_MS = 5 * 60_000;

/**
 * Events in the previous and the current window (`recent`) and the users active in the last 5
 * minutes. The days are listed (= ANY, each once) rather than a range, so the index is searched per
 * day from the instant on, instead of read through the whole day.
 */
export function liveCountsSql(nowMs: number, windowMs: number): Prisma.Sql {
  const activeFrom = nowMs - ACTIVE_MS;
  return Prisma.sql`
    SELECT
      (SELECT COALESCE(SUM(count), 0)::float8 FROM global_minute WHERE window_start >= ${new Date(windowStart(nowMs, windowMs) - windowMs)}) AS recent,
      (SELECT count(DISTINCT user_id)::int FROM user_daily
       WHERE day = ANY(${[...new Set([dayOf(activeFrom), dayOf(nowMs)])]}::date[]) AND last_event_at >= ${new Date(activeFrom)}) AS active`;
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
