/**
 * The SQL that repeats a metric's definition, all here, with one collation for event type names:
 * - CTR and the most common event, which the users table computes in SQL to sort and page by;
 * - the ON CONFLICT merges of the worker's upserts, which are the combiners' merge applied to a
 *   stored row and a batch's row (EXCLUDED).
 * Each fragment names the combiner (./*.ts) it repeats. Server code only: it imports Prisma.
 * tests/integration/sql-merge.integration.test.ts checks the merges against the combiners.
 */
import { Prisma } from '@/lib/db/generated/client';

/** The one collation for event type names in SQL: byte order, as JavaScript's `<` compares these ASCII names. */
export const EVENT_TYPE_COLLATION = Prisma.raw('COLLATE "C"');

/** clickThroughRate (./click-through-rate.ts) in SQL: clicks ÷ page views as float8, NULL without page views. */
export function clickThroughRateSql(clicks: Prisma.Sql, pageViews: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${clicks})::float8 / NULLIF((${pageViews})::float8, 0)`;
}

/**
 * mostCommonEvent (./most-common-event.ts) in SQL: from `counts`, a query of (user_id, event_type,
 * count) rows, one row per user with a positive count: (user_id, most_common_event). The highest
 * count wins; ties go to the type name first in EVENT_TYPE_COLLATION, which most_common_event keeps.
 * (A GROUP BY with a small sort per user: faster than DISTINCT ON, whose sort the indexes, in the
 * database's collation, do not spare.)
 */
export function mostCommonEventSql(counts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT user_id, ((array_agg(event_type::text ORDER BY count DESC, event_type::text ${EVENT_TYPE_COLLATION}))[1]) ${EVENT_TYPE_COLLATION} AS most_common_event
    FROM (${counts}) AS counts
    WHERE count > 0
    GROUP BY user_id`;
}

/**
 * user_daily's merge: userMetrics' (./user-metrics.ts, but for the per-type counts, which are
 * user_daily_event's) and eventSpan's (./event-span.ts).
 */
export const userDailyMergeSql = Prisma.sql`
  event_count = user_daily.event_count + EXCLUDED.event_count,
  time_spent_seconds = user_daily.time_spent_seconds + EXCLUDED.time_spent_seconds,
  clicks = user_daily.clicks + EXCLUDED.clicks,
  page_views = user_daily.page_views + EXCLUDED.page_views,
  first_event_at = LEAST(user_daily.first_event_at, EXCLUDED.first_event_at),
  last_event_at = GREATEST(user_daily.last_event_at, EXCLUDED.last_event_at)`;

/** user_daily_event's merge: eventCounts' (./event-counts.ts), one row per type. */
export const userDailyEventMergeSql = Prisma.sql`count = user_daily_event.count + EXCLUDED.count`;

/** user_minute's merge: eventCount's and timeSpent's (./event-count.ts, ./time-spent.ts). */
export const userMinuteMergeSql = Prisma.sql`
  event_count = user_minute.event_count + EXCLUDED.event_count,
  time_spent_seconds = user_minute.time_spent_seconds + EXCLUDED.time_spent_seconds`;

/** global_minute's merge: the events per window and type (globalMinute in worker/core/aggregate.ts). */
export const globalMinuteMergeSql = Prisma.sql`count = global_minute.count + EXCLUDED.count`;
