/** The users table's row types and the SQL parts its queries share (no queries here). */
import type { UsersTableRow } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { bounceRateOf } from '@/lib/metrics/bounce-rate';
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { clickThroughRateOf } from '@/lib/metrics/click-through-rate';
import { SESSION_STATS_ACC_COLUMNS, sessionStatsAccOf, type SessionStatsAccColumns } from '@/lib/metrics/sql';
import { visitTime } from '@/lib/metrics/visit-time';
import { Prisma, prefixPattern } from '@/web/queries/db';
import type { SortOrder, UserSort, UsersCursor } from './users-cursor';

/** A users-table row before its most common events are known. */
export type UserRow = Omit<UsersTableRow, 'mostCommonEvents'>;

export interface ListUsersInput {
  range: DayRange;
  sort: UserSort;
  order: SortOrder;
  q: string;
  limit: number;
  cursor: UsersCursor | undefined;
}

/** A row as the users-table queries select it (numbers as float8, the sessions' sums, the sort key). */
export interface RawUserRow extends SessionStatsAccColumns {
  user_id: string;
  events: number;
  time_spent: number;
  clicks: number;
  page_views: number;
  sort_key: number | string;
}

/** `AND <column> LIKE 'q%'`, or nothing. */
export function prefixFilter(column: string, q: string): Prisma.Sql {
  return q === '' ? Prisma.empty : Prisma.sql`AND ${Prisma.raw(column)} LIKE ${prefixPattern(q)} ESCAPE '\\'`;
}

/**
 * The users table's columns from user_daily (events, time on site, clicks, page views and the
 * session figures it carries: sessionStats' accumulator of the sessions starting on the day), as
 * float8: a single day's row as it is (`summed` false), or a range's rows summed per user.
 */
export function userDailyColumns(summed: boolean): Prisma.Sql {
  const value = (c: string) => (summed ? `SUM(${c})::float8` : `${c}::float8`);
  const columns: [string, string][] = [
    ['event_count', 'events'],
    ['time_spent_seconds', 'time_spent'],
    ['clicks', 'clicks'],
    ['page_views', 'page_views'],
    ...SESSION_STATS_ACC_COLUMNS.map((c): [string, string] => [c, c]),
  ];
  return Prisma.raw(columns.map(([c, as]) => `${value(c)} AS ${as}`).join(', '));
}

export function toUserRow(r: Omit<RawUserRow, 'sort_key'>): UserRow {
  const sessions = sessionStatsAccOf(r);
  return {
    userId: r.user_id,
    eventCount: r.events,
    timeSpentSeconds: r.time_spent,
    clicks: r.clicks,
    pageViews: r.page_views,
    clicksPerPageView: clicksPerPageView.extract({ clicks: r.clicks, pageViews: r.page_views }),
    sessions: sessions.sessions,
    visitTimeSeconds: visitTime.extract(sessions),
    bounceRate: bounceRateOf(sessions),
    ctr: clickThroughRateOf(sessions),
  };
}
