/**
 * The most common event types of each given user over a range (every tied type, as
 * mostCommonEventsSql defines them), from user_daily's counts per type, by primary key. Asked for a page's rows,
 * or for a whole CSV export's (the ids travel as one array parameter: no limit on their number).
 */
import { Prisma, prisma } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';
import { eventTypeCountsSql, mostCommonEventsSql } from '@/lib/metrics/sql';

export async function mostCommonEvents(userIds: readonly string[], range: DayRange): Promise<Map<string, string[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await prisma().$queryRaw<{ user_id: string; most_common_events: string[] }[]>`${mostCommonEventsSql(Prisma.sql`
    SELECT d.user_id, t.event_type, SUM(t.count) AS count
    FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count)
    WHERE d.user_id = ANY(${[...userIds]}::text[]) AND d.day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY d.user_id, t.event_type`)}`;
  return new Map(rows.map((r) => [r.user_id, r.most_common_events]));
}
