/**
 * Users' metrics per UTC day over a range, in one statement for any number of users: the event
 * metrics of user_daily (with its counts per event type) and the session metrics of the sessions whose first event is on
 * that day (user_session, summed by sessionStatsAccSql). Days without events are left out; sorted
 * by day. A session's day always has events (its first event), so no session day is lost.
 */
import { prisma } from '@/web/queries/db';
import { groupBy } from '@/lib/group-by';
import type { DayRange } from '@/lib/days';
import type { UserDaySummary } from '@/lib/contracts/dashboard';
import { EVENT_TYPE_COLLATION, eventTypeCountsSql, sessionStatsAccOf, sessionStatsAccSql, type SessionStatsAccColumns } from '@/lib/metrics/sql';
import { sessionStats } from '@/lib/metrics/session-stats';
import { userMetrics } from '@/lib/metrics/user-metrics';

type Row = SessionStatsAccColumns & { user_id: string; day: string; event_count: number; time_spent: number; clicks: number; page_views: number; event_counts: Record<string, number> | null };

/** Each given user's days (users without counted days in the range are absent). */
export async function usersDaily(userIds: readonly string[], range: DayRange): Promise<Map<string, UserDaySummary[]>> {
  const rows = await prisma().$queryRaw<Row[]>`
    SELECT d.user_id, to_char(d.day, 'YYYY-MM-DD') AS day, d.event_count, d.time_spent_seconds::float8 AS time_spent,
           d.clicks, d.page_views,
           (SELECT json_object_agg(t.event_type, t.count ORDER BY t.event_type ${EVENT_TYPE_COLLATION})
              FROM ${eventTypeCountsSql('d')} AS t(event_type, count) WHERE t.count > 0) AS event_counts,
           s.*
    FROM user_daily d
    CROSS JOIN LATERAL (SELECT ${sessionStatsAccSql('us')} FROM user_session us WHERE us.user_id = d.user_id AND us.day = d.day) s
    WHERE d.user_id = ANY(${[...userIds]}::text[]) AND d.day BETWEEN ${range.from}::date AND ${range.to}::date AND d.event_count > 0
    ORDER BY d.user_id, d.day`;
  // Each stored day is the accumulator of userMetrics; its sessions' sums are sessionStats'.
  const days = rows.map((r) => ({
    userId: r.user_id,
    summary: {
      day: r.day,
      ...userMetrics.extract({ eventCount: r.event_count, timeSpentSeconds: r.time_spent, clicks: r.clicks, pageViews: r.page_views, eventCounts: r.event_counts ?? {} }),
      ...sessionStats.extract(sessionStatsAccOf(r)),
    } satisfies UserDaySummary,
  }));
  return new Map(Array.from(groupBy(days, (d) => d.userId), ([userId, list]) => [userId, list.map((d) => d.summary)]));
}

export async function userDaily(userId: string, range: DayRange): Promise<UserDaySummary[]> {
  return (await usersDaily([userId], range)).get(userId) ?? [];
}
