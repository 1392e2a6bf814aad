/**
 * How many users match the users table's filter (for "N users" above the table), from where its
 * pages come from (list-users.ts). Read live by index (a single day by time on site or userId): a
 * whole day is one global_daily row (the worker counts a user when their first row of the day is
 * written), a prefix counts the day's user_daily rows. Otherwise: the rows of the period's snapshot
 * (./range-snapshots.ts), as its pages show them (the most common event's pages, read live, are
 * counted there too: the snapshot holds every user of the period).
 */
import { Prisma, prisma, prefixPattern } from '@/web/queries/db';
import { readsByDayIndex } from './list-users-by-day-index';
import { rangeSnapshot } from './range-snapshots';
import type { ListUsersInput } from './users-rows';

export async function countUsers(input: Pick<ListUsersInput, 'range' | 'sort' | 'q'>): Promise<number> {
  const { range, q } = input;
  if (!readsByDayIndex(input)) {
    const s = await rangeSnapshot(range);
    return q === '' ? s.rows.length : s.rows.filter((r) => r.userId.startsWith(q)).length;
  }
  const statement =
    q === ''
      ? Prisma.sql`SELECT users AS n FROM global_daily WHERE day = ${range.from}::date`
      : Prisma.sql`SELECT count(*)::int AS n FROM user_daily WHERE day = ${range.from}::date AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  const rows = await prisma().$queryRaw<{ n: number }[]>(statement);
  return rows[0]?.n ?? 0;
}
