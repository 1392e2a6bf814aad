/**
 * One page of the users table sorted by each user's most common event type over the day or range:
 * by the name of the first of the tied most common types in COLLATE "C" order, ties by userId (the
 * order is total, so keyset paging is exact both ways). The most common events are
 * mostCommonEventsSql's (lib/metrics/sql.ts), and so is the order of the names.
 *
 * The key is not stored, so every page works it out for all users of the period from user_daily's
 * counts per type (eventTypeCountsSql): for one day each user's row gives its few types, which are
 * sorted; a range sums counts per user and type first. Only the page's rows are then read again
 * with their other figures. Cost grows with the users (and days) in the period, not with the page
 * number.
 */
import { Prisma, prisma } from '@/web/queries/db';
import { keyset, keysetPage, type KeysetPage } from './users-keyset';
import { prefixFilter, toUserRow, userDailyColumns, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';
import type { DayRange } from '@/lib/days';
import { eventTypeCountsSql, mostCommonEventsSql } from '@/lib/metrics/sql';

/** Each user's (user_id, most_common_events, most_common_event) over the period, from the counts per user and type. */
function mostCommonPerUser(range: DayRange, q: string): Prisma.Sql {
  const filter = prefixFilter('d.user_id', q);
  if (range.from === range.to) {
    return mostCommonEventsSql(Prisma.sql`
      SELECT d.user_id, t.event_type, t.count
      FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count)
      WHERE d.day = ${range.from}::date ${filter}`);
  }
  return mostCommonEventsSql(Prisma.sql`
    SELECT d.user_id, t.event_type, SUM(t.count) AS count
    FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count)
    WHERE d.day BETWEEN ${range.from}::date AND ${range.to}::date ${filter}
    GROUP BY d.user_id, t.event_type`);
}

export async function listUsersByCommonEvent(
  input: ListUsersInput,
): Promise<KeysetPage<UserRow> & { mostCommonEvents: Map<string, string[]> }> {
  const ks = keyset(input);
  const rows = await prisma().$queryRaw<(RawUserRow & { most_common_events: string[] })[]>`
    WITH m AS (${mostCommonPerUser(input.range, input.q)}),
    keyed AS (SELECT user_id, most_common_event AS sort_key, most_common_events FROM m),
    page AS (
      SELECT user_id, sort_key, most_common_events FROM keyed
      ${ks.where}
      ORDER BY sort_key ${ks.dir}, user_id ${ks.dir}
      LIMIT ${input.limit + 1}
    )
    SELECT page.user_id, page.sort_key, page.most_common_events, d.*
    FROM page
    CROSS JOIN LATERAL (
      SELECT ${userDailyColumns(true)}
      FROM user_daily
      WHERE user_daily.user_id = page.user_id AND day BETWEEN ${input.range.from}::date AND ${input.range.to}::date
    ) d
    ORDER BY page.sort_key ${ks.dir}, page.user_id ${ks.dir}`;
  const page = keysetPage(input, ks.backwards, rows);
  return {
    ...page,
    rows: page.rows.map(toUserRow),
    mostCommonEvents: new Map(page.rows.map((r) => [r.user_id, r.most_common_events])),
  };
}
