/**
 * Everyone's session metrics per UTC day over a range (the sessions whose first event is on the
 * day, open ones included), from user_session by its (day, user_id) index. Days without sessions
 * are left out; sorted by day. The overview asks for today.
 */
import type { DaySessionStats } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { sessionStats } from '@/lib/metrics/session-stats';
import { sessionStatsAccOf, sessionStatsAccSql, type SessionStatsAccColumns } from '@/lib/metrics/sql';
import { prisma } from '@/web/queries/db';

export async function daySessionStats(range: DayRange): Promise<DaySessionStats[]> {
  const rows = await prisma().$queryRaw<(SessionStatsAccColumns & { day: string })[]>`
    SELECT to_char(s.day, 'YYYY-MM-DD') AS day, ${sessionStatsAccSql('s')}
    FROM user_session s
    WHERE s.day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY s.day
    ORDER BY s.day`;
  return rows.map((r) => ({ day: r.day, ...sessionStats.extract(sessionStatsAccOf(r)) }));
}

/** One day's, with zeros when it has no sessions. */
export async function oneDaySessionStats(day: string): Promise<DaySessionStats> {
  const [row] = await daySessionStats({ from: day, to: day });
  return row ?? { day, ...sessionStats.extract(sessionStats.create()) };
}
