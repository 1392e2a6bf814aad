/**
 * A user's sessions whose first event is on a day of the range, newest first, at most `limit`
 * (primary key (user_id, start_at), read backwards). `beforeMs` continues a list: only sessions
 * that start before it.
 */
import type { UserSessionRow } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { Prisma, prisma } from '@/web/queries/db';
import { groupBy } from '@/lib/group-by';
import { SESSION_COLUMNS, toSessionRow, type RawSessionRow } from './session-rows';

export async function userSessions(userId: string, range: DayRange, limit: number, beforeMs?: number): Promise<{ sessions: UserSessionRow[]; more: boolean }> {
  const before = beforeMs === undefined ? Prisma.empty : Prisma.sql`AND s.start_at < ${new Date(beforeMs)}`;
  const rows = await prisma().$queryRaw<RawSessionRow[]>`
    SELECT ${SESSION_COLUMNS}
    FROM user_session s
    WHERE s.user_id = ${userId} AND s.day BETWEEN ${range.from}::date AND ${range.to}::date ${before}
    ORDER BY s.start_at DESC
    LIMIT ${limit + 1}`;
  return { sessions: rows.slice(0, limit).map(toSessionRow), more: rows.length > limit };
}

/**
 * The newest `limit` sessions of each given user whose first event is on a day of the range, newest
 * first (one statement for any number of users: a window over the (user_id, start_at) key).
 */
export async function usersNewestSessions(userIds: readonly string[], range: DayRange, limit: number): Promise<Map<string, { sessions: UserSessionRow[]; more: boolean }>> {
  const rows = await prisma().$queryRaw<(RawSessionRow & { n: number })[]>`
    SELECT * FROM (
      SELECT ${SESSION_COLUMNS}, (row_number() OVER (PARTITION BY s.user_id ORDER BY s.start_at DESC))::int AS n
      FROM user_session s
      WHERE s.user_id = ANY(${[...userIds]}::text[]) AND s.day BETWEEN ${range.from}::date AND ${range.to}::date
    ) ranked
    WHERE n <= ${limit + 1}
    ORDER BY user_id, n`;
  // Each user's rows are numbered newest first; a row numbered limit + 1 says there are older ones.
  return new Map(
    Array.from(groupBy(rows, (r) => r.user_id), ([userId, list]) => [userId, { sessions: list.filter((r) => r.n <= limit).map(toSessionRow), more: list.length > limit }]),
  );
}
