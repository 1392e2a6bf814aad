/**
 * A user's sessions whose first event is on a day of the range, newest first, at most `limit`
 * (primary key (user_id, start_at), read backwards). `beforeMs` continues a list: only sessions
 * that start before it.
 */
import type { UserSessionRow } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { Prisma, prisma } from '@/web/queries/db';
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
