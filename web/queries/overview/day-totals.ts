/**
 * Everyone's totals per UTC day over a range, from global_daily: one row a day, which the worker
 * keeps with the per-user rows it sums (worker/shell/global-totals.ts). Sessions count on the day
 * of their first event, open ones included. Days without events are left out; sorted by day.
 */
import type { DaySessionStats } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { sessionStats } from '@/lib/metrics/session-stats';
import { SESSION_STATS_ACC_COLUMNS, sessionStatsAccOf, type SessionStatsAccColumns } from '@/lib/metrics/sql';
import { Prisma } from '@/lib/db/generated/client';
import { prisma } from '@/web/queries/db';

export interface DayTotals {
  day: string;
  /** Users with at least one counted event on the day. */
  users: number;
  events: number;
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  sessions: DaySessionStats;
}

const sessionColumns = Prisma.raw(SESSION_STATS_ACC_COLUMNS.map((c) => `${c}::float8 AS ${c}`).join(', '));

export function dayTotalsSql(range: DayRange): Prisma.Sql {
  return Prisma.sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, users, event_count::float8 AS events, time_spent_seconds::float8 AS time_spent,
           clicks::float8 AS clicks, page_views::float8 AS page_views, ${sessionColumns}
    FROM global_daily
    WHERE day BETWEEN ${range.from}::date AND ${range.to}::date
    ORDER BY day`;
}

export async function dayTotals(range: DayRange): Promise<DayTotals[]> {
  const rows = await prisma().$queryRaw<(SessionStatsAccColumns & { day: string; users: number; events: number; time_spent: number; clicks: number; page_views: number })[]>(dayTotalsSql(range));
  return rows.map((r) => ({
    day: r.day,
    users: r.users,
    events: r.events,
    timeSpentSeconds: r.time_spent,
    clicks: r.clicks,
    pageViews: r.page_views,
    sessions: { day: r.day, ...sessionStats.extract(sessionStatsAccOf(r)) },
  }));
}

/** A day without events. */
export function emptyDay(day: string): DayTotals {
  return { day, users: 0, events: 0, timeSpentSeconds: 0, clicks: 0, pageViews: 0, sessions: { day, ...sessionStats.extract(sessionStats.create()) } };
}
