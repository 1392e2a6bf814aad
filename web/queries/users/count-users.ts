/** How many users match the users table's filter (for "N users" above the table). */
import { Prisma, prisma, prefixPattern } from '@/web/queries/db';
import type { DayRange } from '@/lib/days';

export async function countUsers(range: DayRange, q: string): Promise<number> {
  const filter = q === '' ? Prisma.empty : Prisma.sql`AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  const rows = range.from === range.to
    ? await prisma().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM user_daily WHERE day = ${range.from}::date ${filter}`
    : await prisma().$queryRaw<{ n: number }[]>`SELECT count(DISTINCT user_id)::int AS n FROM user_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date ${filter}`;
  return rows[0]?.n ?? 0;
}
