/**
 * The most common event type of each given user over a range, from user_daily_event. Only asked
 * for the rows on a page, so it reads a few hundred rows by primary key. Ties go to the event type
 * name first in ascending (byte) order.
 */
import { Prisma, prisma } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';

export async function mostCommonEvents(userIds: readonly string[], range: DayRange): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await prisma().$queryRaw<{ user_id: string; event_type: string }[]>`
    SELECT DISTINCT ON (user_id) user_id, event_type
    FROM (
      SELECT user_id, event_type, SUM(count) AS total
      FROM user_daily_event
      WHERE user_id IN (${Prisma.join(userIds)}) AND day BETWEEN ${range.from}::date AND ${range.to}::date
      GROUP BY user_id, event_type
    ) t
    WHERE total > 0
    ORDER BY user_id, total DESC, event_type COLLATE "C" ASC`;
  return new Map(rows.map((r) => [r.user_id, r.event_type]));
}
