/**
 * The overview's headline numbers, in one round trip:
 * - events per second: events in the previous and the current (partial) minute window of
 *   global_minute, divided by the seconds they span;
 * - users active in the last 5 minutes: distinct users with a user_minute row in that time;
 * - today's (UTC) events, time on site and clicks per page view, from user_daily;
 * - today's session metrics and funnel, from user_session (./day-session-stats.ts).
 */
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { prisma } from '@/web/queries/db';
import type { OverviewKpis } from '@/lib/contracts/dashboard';
import { oneDaySessionStats } from './day-session-stats';
import { windowStart } from '@/lib/windows';

export async function overviewKpis(nowMs: number, windowMs: number): Promise<OverviewKpis> {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const currentWindow = windowStart(nowMs, windowMs);
  const rateFrom = currentWindow - windowMs;
  const [rows, sessions] = await Promise.all([prisma().$queryRaw<
    { recent: number; active: number; events: number; time_spent: number; users: number; clicks: number; page_views: number }[]
  >`
    SELECT
      (SELECT COALESCE(SUM(count), 0)::float8 FROM global_minute WHERE window_start >= ${new Date(rateFrom)}) AS recent,
      (SELECT count(DISTINCT user_id)::int FROM user_minute WHERE window_start >= ${new Date(nowMs - 5 * 60_000)}) AS active,
      COALESCE(SUM(event_count), 0)::float8 AS events,
      COALESCE(SUM(time_spent_seconds), 0)::float8 AS time_spent,
      count(*)::int AS users,
      COALESCE(SUM(clicks), 0)::float8 AS clicks,
      COALESCE(SUM(page_views), 0)::float8 AS page_views
    FROM user_daily WHERE day = ${day}::date`, oneDaySessionStats(day)]);
  const r = rows[0];
  const spanSeconds = Math.max(1, (nowMs - rateFrom) / 1000);
  return {
    eventsPerSecond: r ? r.recent / spanSeconds : 0,
    activeUsers5m: r?.active ?? 0,
    today: {
      day,
      events: r?.events ?? 0,
      timeSpentSeconds: r?.time_spent ?? 0,
      users: r?.users ?? 0,
      clicks: r?.clicks ?? 0,
      pageViews: r?.page_views ?? 0,
      clicksPerPageView: clicksPerPageView.extract({ clicks: r?.clicks ?? 0, pageViews: r?.page_views ?? 0 }),
      sessions,
    },
  };
}
