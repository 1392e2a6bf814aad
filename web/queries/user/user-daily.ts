/**
 * A user's metrics per UTC day over a range, with the per-type counts from user_daily_event.
 * Days without events are left out; sorted by day.
 */
import { prisma } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';
import type { UserDay } from '@/lib/contracts/dashboard';
import { EVENT_TYPE_COLLATION } from '@/lib/metrics/sql';
import { userMetrics } from '@/lib/metrics/user-metrics';

export async function userDaily(userId: string, range: DayRange): Promise<UserDay[]> {
  const rows = await prisma().$queryRaw<
    { day: string; event_count: number; time_spent: number; clicks: number; page_views: number; event_counts: Record<string, number> | null }[]
  >`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, d.event_count, d.time_spent_seconds::float8 AS time_spent,
           d.clicks, d.page_views,
           (SELECT json_object_agg(e.event_type, e.count ORDER BY e.event_type ${EVENT_TYPE_COLLATION})
              FROM user_daily_event e WHERE e.user_id = d.user_id AND e.day = d.day AND e.count > 0) AS event_counts
    FROM user_daily d
    WHERE d.user_id = ${userId} AND d.day BETWEEN ${range.from}::date AND ${range.to}::date AND d.event_count > 0
    ORDER BY d.day`;
  // Each stored day is the accumulator of userMetrics.
  return rows.map((r) => ({
    day: r.day,
    ...userMetrics.extract({ eventCount: r.event_count, timeSpentSeconds: r.time_spent, clicks: r.clicks, pageViews: r.page_views, eventCounts: r.event_counts ?? {} }),
  }));
}
