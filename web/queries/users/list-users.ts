/**
 * One page of the users table: per-user totals for a day or a date range, sorted, filtered by
 * userId prefix and paginated with keyset cursors both ways (no OFFSET, so page 500 costs what
 * page 1 does).
 *
 * Every figure comes from user_daily (a single day reads its rows directly; a range sums them),
 * session figures included (the worker keeps them with user_session): a user with events but no
 * session starting in the period has 0 sessions and no bounce rate or CTR. The sort key and
 * direction come from fixed SQL fragments chosen by the validated `sort`; values are always
 * parameters. Sorting by the most common event is its own query (list-users-by-common-event), and
 * so is a single day sorted by an indexed column (list-users-by-day-index).
 */
import { Prisma, prisma } from '@/web/queries/db';
import { listUsersByCommonEvent } from './list-users-by-common-event';
import { listUsersByDayIndex, readsByDayIndex } from './list-users-by-day-index';
import type { UserSort } from './users-cursor';
import { keyset, keysetPage } from './users-keyset';
import { prefixFilter, toUserRow, userDailyColumns, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';
import { RATIO_SORT_KEYS } from './users-sort-keys';
import { visitTimeSecondsSql } from '@/lib/metrics/sql';
import type { DayRange } from '@/lib/days';

export type { ListUsersInput, UserRow } from './users-rows';

export interface UsersPage {
  rows: UserRow[];
  nextCursor: string | null;
  /** Reads the page before this one; null on the first page. */
  prevCursor: string | null;
  /** Each row's most common events when the query worked them out anyway (the mostCommonEvent sort). */
  mostCommonEvents: Map<string, string[]> | null;
}

const SORT_KEYS: Record<Exclude<UserSort, 'mostCommonEvent'>, Prisma.Sql> = {
  userId: Prisma.sql`user_id`,
  timeSpent: Prisma.sql`time_spent`,
  events: Prisma.sql`events`,
  clicks: Prisma.sql`clicks`,
  pageViews: Prisma.sql`page_views`,
  sessions: Prisma.sql`sessions`,
  visitTime: visitTimeSecondsSql(Prisma.sql`visit_time_ms`),
  ...RATIO_SORT_KEYS,
};

/** Each user's row of the period: a single day's user_daily row, or a range's rows summed per user. */
function source(range: DayRange, q: string): Prisma.Sql {
  if (range.from === range.to) {
    return Prisma.sql`
      SELECT user_id, ${userDailyColumns(false)}
      FROM user_daily WHERE day = ${range.from}::date ${prefixFilter('user_id', q)}`;
  }
  return Prisma.sql`
    SELECT user_id, ${userDailyColumns(true)}
    FROM user_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date ${prefixFilter('user_id', q)}
    GROUP BY user_id`;
}

async function listUsersByColumn(input: ListUsersInput & { sort: Exclude<UserSort, 'mostCommonEvent'> }) {
  const key = SORT_KEYS[input.sort];
  const ks = keyset(input);
  const rows = await prisma().$queryRaw<RawUserRow[]>`
    WITH src AS (${source(input.range, input.q)}),
    keyed AS (SELECT src.*, ${key} AS sort_key FROM src)
    SELECT * FROM keyed
    ${ks.where}
    ORDER BY sort_key ${ks.dir}, user_id ${ks.dir}
    LIMIT ${input.limit + 1}`;
  const page = keysetPage(input, ks.backwards, rows);
  return { ...page, rows: page.rows.map(toUserRow), mostCommonEvents: null };
}

async function listOnce(input: ListUsersInput) {
  if (input.sort === 'mostCommonEvent') return listUsersByCommonEvent(input);
  if (readsByDayIndex(input)) return listUsersByDayIndex(input);
  return listUsersByColumn({ ...input, sort: input.sort });
}

export async function listUsers(input: ListUsersInput): Promise<UsersPage> {
  const page = await listOnce(input);
  // Paging back reached the start with less than a page (rows changed meanwhile): show the first page.
  const result = page.restart ? await listOnce({ ...input, cursor: undefined }) : page;
  return { rows: result.rows, nextCursor: result.nextCursor, prevCursor: result.prevCursor, mostCommonEvents: result.mostCommonEvents };
}
