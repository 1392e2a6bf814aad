/**
 * One page of the users table sorted by each user's most common event type over the day or range:
 * by that event type's name, ties by userId (the order is total, so keyset paging is exact both
 * ways). The most common event is mostCommonEventSql's (lib/metrics/sql.ts), and so is the order
 * of the names.
 *
 * The key is not stored, so every page works it out for all users of the period from
 * user_daily_event. For one day the index (day, user_id, count DESC, event_type) hands the rows
 * over grouped by user (an index-only scan), and only each user's few types are sorted; a range
 * sums counts per user and type first. Only the page's rows are then joined with user_daily. Cost grows with the users (and
 * days) in the period, not with the page number. Users are listed from user_daily_event, which the
 * worker writes in the same transaction as user_daily, so every user of the period is in both.
 */
import { Prisma, prisma, prefixPattern } from '@/web/queries/db';
import { keyset, keysetPage, type KeysetPage } from './users-keyset';
import { toUserRow, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';
import type { DayRange } from '@/lib/days';
import { mostCommonEventSql } from '@/lib/metrics/sql';

/** Each user's (user_id, most_common_event) over the period, from the counts per user and type. */
function mostCommonPerUser(range: DayRange, q: string): Prisma.Sql {
  const filter = q === '' ? Prisma.empty : Prisma.sql`AND user_id LIKE ${prefixPattern(q)} ESCAPE '\\'`;
  if (range.from === range.to) {
    return mostCommonEventSql(Prisma.sql`
      SELECT user_id, event_type, count FROM user_daily_event WHERE day = ${range.from}::date ${filter}`);
  }
  return mostCommonEventSql(Prisma.sql`
    SELECT user_id, event_type, SUM(count) AS count
    FROM user_daily_event
    WHERE day BETWEEN ${range.from}::date AND ${range.to}::date ${filter}
    GROUP BY user_id, event_type`);
}

export async function listUsersByCommonEvent(
  input: ListUsersInput,
): Promise<KeysetPage<UserRow> & { mostCommonEvents: Map<string, string> }> {
  const ks = keyset(input);
  const rows = await prisma().$queryRaw<RawUserRow[]>`
    WITH m AS (${mostCommonPerUser(input.range, input.q)}),
    keyed AS (SELECT user_id, most_common_event AS sort_key FROM m),
    page AS (
      SELECT user_id, sort_key FROM keyed
      ${ks.where}
      ORDER BY sort_key ${ks.dir}, user_id ${ks.dir}
      LIMIT ${input.limit + 1}
    )
    SELECT page.user_id, page.sort_key, d.events, d.time_spent, d.clicks, d.page_views
    FROM page
    CROSS JOIN LATERAL (
      SELECT COALESCE(SUM(event_count), 0)::float8 AS events, COALESCE(SUM(time_spent_seconds), 0)::float8 AS time_spent,
             COALESCE(SUM(clicks), 0)::float8 AS clicks, COALESCE(SUM(page_views), 0)::float8 AS page_views
      FROM user_daily
      WHERE user_daily.user_id = page.user_id AND day BETWEEN ${input.range.from}::date AND ${input.range.to}::date
    ) d
    ORDER BY page.sort_key ${ks.dir}, page.user_id ${ks.dir}`;
  const page = keysetPage(input, ks.backwards, rows);
  return {
    ...page,
    rows: page.rows.map(toUserRow),
    mostCommonEvents: new Map(page.rows.map((r) => [r.user_id, String(r.sort_key)])),
  };
}
