/**
 * One page of the users table: per-user totals for a day or a date range, sorted, filtered by
 * userId prefix and paginated with a keyset cursor (no OFFSET, so page 500 costs what page 1 does).
 *
 * A single day reads user_daily rows directly (indexes on (day, time_spent_seconds) and
 * (day, event_count) serve the common sorts); a range aggregates user_daily over its days. The
 * sort key and direction come from fixed SQL fragments chosen by the validated `sort`; values are
 * always parameters.
 */
import { Prisma, prisma, prefixPattern, ctrOf } from './db';
import { encodeCursor, type SortOrder, type UserSort, type UsersCursor } from './users-cursor';
import type { DayRange } from '../http/params';

export interface UserRow {
  userId: string;
  eventCount: number;
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  ctr: number | null;
}

export interface ListUsersInput {
  range: DayRange;
  sort: UserSort;
  order: SortOrder;
  q: string;
  limit: number;
  cursor: UsersCursor | undefined;
}

export interface UsersPage {
  rows: UserRow[];
  nextCursor: string | null;
}

const SORT_KEYS: Record<UserSort, Prisma.Sql> = {
  userId: Prisma.sql`user_id`,
  timeSpent: Prisma.sql`time_spent`,
  events: Prisma.sql`events`,
  clicks: Prisma.sql`clicks`,
  pageViews: Prisma.sql`page_views`,
  // Users without page views have no CTR; they sort below every real CTR.
  ctr: Prisma.sql`COALESCE(clicks / NULLIF(page_views, 0), -1::float8)`,
};

interface RawRow {
  user_id: string;
  events: number;
  time_spent: number;
  clicks: number;
  page_views: number;
  sort_key: number | string;
}

function source(range: DayRange, q: string): Prisma.Sql {
  const filter = q === '' ? Prisma.empty : Prisma.sql`AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  if (range.from === range.to) {
    return Prisma.sql`
      SELECT user_id, event_count::float8 AS events, time_spent_seconds::float8 AS time_spent,
             clicks::float8 AS clicks, page_views::float8 AS page_views
      FROM user_daily WHERE day = ${range.from}::date ${filter}`;
  }
  return Prisma.sql`
    SELECT user_id, SUM(event_count)::float8 AS events, SUM(time_spent_seconds)::float8 AS time_spent,
           SUM(clicks)::float8 AS clicks, SUM(page_views)::float8 AS page_views
    FROM user_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date ${filter}
    GROUP BY user_id`;
}

export async function listUsers(input: ListUsersInput): Promise<UsersPage> {
  const key = SORT_KEYS[input.sort];
  const desc = input.order === 'desc';
  const dir = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  let after = Prisma.empty;
  if (input.cursor) {
    const k = typeof input.cursor.key === 'string' ? Prisma.sql`${input.cursor.key}::text` : Prisma.sql`${input.cursor.key}::float8`;
    after = desc
      ? Prisma.sql`WHERE (sort_key, user_id) < (${k}, ${input.cursor.userId}::text)`
      : Prisma.sql`WHERE (sort_key, user_id) > (${k}, ${input.cursor.userId}::text)`;
  }
  const rows = await prisma().$queryRaw<RawRow[]>`
    WITH src AS (${source(input.range, input.q)}),
    keyed AS (SELECT src.*, ${key} AS sort_key FROM src)
    SELECT user_id, events, time_spent, clicks, page_views, sort_key FROM keyed
    ${after}
    ORDER BY sort_key ${dir}, user_id ${dir}
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({
      userId: r.user_id,
      eventCount: r.events,
      timeSpentSeconds: r.time_spent,
      clicks: r.clicks,
      pageViews: r.page_views,
      ctr: ctrOf(r.clicks, r.page_views),
    })),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ sort: input.sort, order: input.order, key: last.sort_key, userId: last.user_id })
        : null,
  };
}
