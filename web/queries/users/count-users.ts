/**
 * How many users match the users table's filter (for "N users" above the table). A whole single
 * day is one global_daily row (the worker counts a user when their first row of the day is
 * written); a prefix or a range counts user_daily's rows.
 */
import { Prisma, prisma, prefixPattern } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';

export async function countUsers(range: DayRange, q: string): Promise<number> {
  const filter = q === '' ? Prisma.empty : Prisma.sql`AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  const statement =
    range.from !== range.to
      ? Prisma.sql`SELECT count(DISTINCT user_id)::int AS n FROM user_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date ${filter}`
      : q === ''
        ? Prisma.sql`SELECT users AS n FROM global_daily WHERE day = ${range.from}::date`
        : Prisma.sql`SELECT count(*)::int AS n FROM user_daily WHERE day = ${range.from}::date ${filter}`;
  const rows = await prisma().$queryRaw<{ n: number }[]>(statement);
  return rows[0]?.n ?? 0;
}
