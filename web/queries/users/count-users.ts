/**
 * How many users match the users table's filter (for "N users" above the table). A whole single
 * day is one global_daily row (the worker counts a user when their first row of the day is
 * written); a prefix counts the day's user_daily rows; a range counts the rows of its snapshot
 * (./range-snapshots.ts), as its pages show them.
 */
import { Prisma, prisma, prefixPattern } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';
import { rangeSnapshot } from './range-snapshots';

export async function countUsers(range: DayRange, q: string): Promise<number> {
  if (range.from !== range.to) {
    const s = await rangeSnapshot(range);
    return q === '' ? s.rows.length : s.rows.filter((r) => r.userId.startsWith(q)).length;
  }
  const filter = q === '' ? Prisma.empty : Prisma.sql`AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  const statement =
    q === ''
      ? Prisma.sql`SELECT users AS n FROM global_daily WHERE day = ${range.from}::date`
      : Prisma.sql`SELECT count(*)::int AS n FROM user_daily WHERE day = ${range.from}::date ${filter}`;
  const rows = await prisma().$queryRaw<{ n: number }[]>(statement);
  return rows[0]?.n ?? 0;
}
