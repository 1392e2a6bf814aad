/** The users table's row types and the SQL parts its queries share (no queries here). */
import type { UsersTableRow } from '@/lib/contracts/dashboard';
import type { DayRange } from '@/lib/days';
import { bounceRateOf } from '@/lib/metrics/bounce-rate';
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { clickThroughRateOf } from '@/lib/metrics/click-through-rate';
import { SESSION_STATS_ACC_COLUMNS, sessionStatsAccOf, sessionStatsAccSql, type SessionStatsAccColumns } from '@/lib/metrics/sql';
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
 * Each user's sessions' sums over the range (sessionStatsAccSql), one row per user with sessions:
 * (user_id, the accumulator's columns). By the (day, user_id) index.
 */
export function sessionsPerUser(range: DayRange, q: string): Prisma.Sql {
  const days = range.from === range.to ? Prisma.sql`us.day = ${range.from}::date` : Prisma.sql`us.day BETWEEN ${range.from}::date AND ${range.to}::date`;
  return Prisma.sql`
    SELECT us.user_id, ${sessionStatsAccSql('us')}
    FROM user_session us
    WHERE ${days} ${prefixFilter('us.user_id', q)}
    GROUP BY us.user_id`;
}

/** The accumulator's columns of `alias` (a LEFT JOIN of sessionsPerUser), 0 for a user without sessions. */
export function sessionColumns(alias: string): Prisma.Sql {
  return Prisma.raw(SESSION_STATS_ACC_COLUMNS.map((c) => `COALESCE(${alias}.${c}, 0)::float8 AS ${c}`).join(', '));
}

export function toUserRow(r: RawUserRow): UserRow {
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
