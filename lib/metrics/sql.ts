/**
 * The SQL that repeats a metric's definition, all here, with one collation for event type names:
 * - the ratios, the session metrics' accumulator and the most common events, which the users table,
 *   the user page and the overview compute in SQL (to sort and page by, or to sum many rows);
 * - the ON CONFLICT merges of the worker's upserts, which are the combiners' merge applied to a
 *   stored row and a batch's row (EXCLUDED).
 * Each fragment names the combiner (./*.ts) it repeats. Server code only: it imports Prisma.
 * tests/integration/sql-merge.integration.test.ts checks the merges and the event metrics against the
 * combiners, tests/integration/session-metrics.integration.test.ts the session metrics.
 */
import { Prisma } from '@/lib/db/generated/client';
import { EVENT_TYPES, type EventType } from '@/lib/events/schemas';
import type { SessionStatsAcc } from './session-stats';

/** The one collation for event type names in SQL: byte order, as JavaScript's `<` compares these ASCII names. */
export const EVENT_TYPE_COLLATION = Prisma.raw('COLLATE "C"');

/** A ratio as float8, NULL when the denominator is 0: the `a / b` (or null) of the TypeScript definitions. */
function ratioSql(numerator: Prisma.Sql, denominator: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${numerator})::float8 / NULLIF((${denominator})::float8, 0)`;
}

/** clicksPerPageView (./clicks-per-page-view.ts) in SQL: clicks ÷ page views, NULL without page views. */
export function clicksPerPageViewSql(clicks: Prisma.Sql, pageViews: Prisma.Sql): Prisma.Sql {
  return ratioSql(clicks, pageViews);
}

/**
 * visitDurationMs (./visit-duration.ts) in SQL: end − start in whole milliseconds (bigint), for
 * timestamptz(3) columns. Each instant becomes epoch milliseconds first, so the difference is exact.
 */
export function visitDurationMsSql(start: Prisma.Sql, end: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((EXTRACT(EPOCH FROM (${end})) * 1000)::bigint - (EXTRACT(EPOCH FROM (${start})) * 1000)::bigint)`;
}

/**
 * sessionStats' accumulator (./session-stats.ts) from user_session rows, as the select list of a
 * query that groups them (or aggregates all of them): sessions (./session-count.ts), visit_time_ms
 * (./visit-time.ts), bounces (./bounce-rate.ts: event_count = 1), session_page_views
 * (./pages-per-session.ts), clicked_page_views (./click-through-rate.ts), converted_sessions
 * (./conversion-rate.ts), funnel_page_view / funnel_add_to_cart / funnel_purchase (./funnel.ts:
 * funnel_step ≥ 1, 2, 3). Every column is float8 (exact for these integers) and 0 without rows.
 * `t` is the table's name or alias. Read back with sessionStatsAccOf.
 */
export function sessionStatsAccSql(t: string): Prisma.Sql {
  const c = (column: string) => Prisma.raw(`${t}.${column}`);
  return Prisma.sql`
    count(${c('user_id')})::float8 AS sessions,
    COALESCE(SUM(${visitDurationMsSql(c('start_at'), c('end_at'))}), 0)::float8 AS visit_time_ms,
    count(${c('user_id')}) FILTER (WHERE ${c('event_count')} = 1)::float8 AS bounces,
    COALESCE(SUM(${c('page_views')}), 0)::float8 AS session_page_views,
    COALESCE(SUM(${c('clicked_page_views')}), 0)::float8 AS clicked_page_views,
    count(${c('user_id')}) FILTER (WHERE ${c('converted')})::float8 AS converted_sessions,
    count(${c('user_id')}) FILTER (WHERE ${c('funnel_step')} >= 1)::float8 AS funnel_page_view,
    count(${c('user_id')}) FILTER (WHERE ${c('funnel_step')} >= 2)::float8 AS funnel_add_to_cart,
    count(${c('user_id')}) FILTER (WHERE ${c('funnel_step')} >= 3)::float8 AS funnel_purchase`;
}

/** The columns sessionStatsAccSql selects (NULL when a LEFT JOIN found no sessions). */
export interface SessionStatsAccColumns {
  sessions: number | null;
  visit_time_ms: number | null;
  bounces: number | null;
  session_page_views: number | null;
  clicked_page_views: number | null;
  converted_sessions: number | null;
  funnel_page_view: number | null;
  funnel_add_to_cart: number | null;
  funnel_purchase: number | null;
}

/** The names of sessionStatsAccSql's columns, to pass them through an outer query. */
export const SESSION_STATS_ACC_COLUMNS = [
  'sessions', 'visit_time_ms', 'bounces', 'session_page_views', 'clicked_page_views', 'converted_sessions', 'funnel_page_view', 'funnel_add_to_cart', 'funnel_purchase',
] as const satisfies readonly (keyof SessionStatsAccColumns)[];

/** A row of sessionStatsAccSql's columns as sessionStats' accumulator (NULLs, from a LEFT JOIN without sessions, as 0). */
export function sessionStatsAccOf(r: SessionStatsAccColumns): SessionStatsAcc {
  return {
    sessions: r.sessions ?? 0,
    visitTimeMs: r.visit_time_ms ?? 0,
    bounces: r.bounces ?? 0,
    sessionPageViews: r.session_page_views ?? 0,
    clickedPageViews: r.clicked_page_views ?? 0,
    convertedSessions: r.converted_sessions ?? 0,
    funnel: { pageView: r.funnel_page_view ?? 0, addToCart: r.funnel_add_to_cart ?? 0, purchase: r.funnel_purchase ?? 0 },
  };
}

/** sessionStats' accumulator as sessionStatsAccSql's columns (sessionStatsAccOf's inverse), to store it. */
export function sessionStatsAccColumnsOf(a: SessionStatsAcc): Record<keyof SessionStatsAccColumns, number> {
  return {
    sessions: a.sessions,
    visit_time_ms: a.visitTimeMs,
    bounces: a.bounces,
    session_page_views: a.sessionPageViews,
    clicked_page_views: a.clickedPageViews,
    converted_sessions: a.convertedSessions,
    funnel_page_view: a.funnel.pageView,
    funnel_add_to_cart: a.funnel.addToCart,
    funnel_purchase: a.funnel.purchase,
  };
}

/** visitTime's extract (./visit-time.ts) in SQL: visit_time_ms ÷ 1000, float8. */
export function visitTimeSecondsSql(visitTimeMs: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${visitTimeMs})::float8 / 1000`;
}

/** averageVisitDuration (./average-visit-duration.ts) in SQL: visit_time_ms ÷ 1000 ÷ sessions, NULL without sessions. */
export function averageVisitDurationSql(visitTimeMs: Prisma.Sql, sessions: Prisma.Sql): Prisma.Sql {
  return ratioSql(visitTimeSecondsSql(visitTimeMs), sessions);
}

/** bounceRate (./bounce-rate.ts) in SQL: bounces ÷ sessions, NULL without sessions. */
export function bounceRateSql(bounces: Prisma.Sql, sessions: Prisma.Sql): Prisma.Sql {
  return ratioSql(bounces, sessions);
}

/** pagesPerSession (./pages-per-session.ts) in SQL: the sessions' page views ÷ sessions, NULL without sessions. */
export function pagesPerSessionSql(sessionPageViews: Prisma.Sql, sessions: Prisma.Sql): Prisma.Sql {
  return ratioSql(sessionPageViews, sessions);
}

/** clickThroughRate (./click-through-rate.ts) in SQL: clicked page views ÷ the sessions' page views, NULL without page views. */
export function clickThroughRateSql(clickedPageViews: Prisma.Sql, sessionPageViews: Prisma.Sql): Prisma.Sql {
  return ratioSql(clickedPageViews, sessionPageViews);
}

/** conversionRate (./conversion-rate.ts) in SQL: converted sessions ÷ sessions, NULL without sessions. */
export function conversionRateSql(convertedSessions: Prisma.Sql, sessions: Prisma.Sql): Prisma.Sql {
  return ratioSql(convertedSessions, sessions);
}

/**
 * mostCommonEvents (./most-common-event.ts) in SQL: from `counts`, a query of (user_id, event_type,
 * count) rows, one row per user with a positive count: (user_id, most_common_events, the tied types
 * in EVENT_TYPE_COLLATION order, as text[]; most_common_event, the first of them, which the users
 * table sorts by, in EVENT_TYPE_COLLATION). Each user's types are aggregated by count descending,
 * then name: the tied ones are the first k, k being how many counts equal the first.
 * (A GROUP BY with a small sort per user: faster than DISTINCT ON or a window, whose sort the
 * indexes, in the database's collation, do not spare.)
 */
export function mostCommonEventsSql(counts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT user_id, types[1:cardinality(array_positions(tallies, tallies[1]))] AS most_common_events, types[1] ${EVENT_TYPE_COLLATION} AS most_common_event
    FROM (
      SELECT user_id,
             array_agg(event_type::text ORDER BY count DESC, event_type::text ${EVENT_TYPE_COLLATION}) AS types,
             array_agg(count ORDER BY count DESC, event_type::text ${EVENT_TYPE_COLLATION}) AS tallies
      FROM (${counts}) AS counts
      WHERE count > 0
      GROUP BY user_id
    ) AS ranked`;
}

/**
 * user_daily's count column of each event type: eventCounts' accumulator (./event-counts.ts) as
 * columns. `clicks` and `page_views` are also clicksPerPageView's (./clicks-per-page-view.ts),
 * which counts the same events. A new event type needs its column (a migration).
 */
export const EVENT_TYPE_COLUMNS = {
  addToCart: 'adds_to_cart',
  click: 'clicks',
  login: 'logins',
  logout: 'logouts',
  pageView: 'page_views',
  purchase: 'purchases',
  removeFromCart: 'removes_from_cart',
  search: 'searches',
} as const satisfies Record<EventType, string>;

/** The count columns, in EVENT_TYPES order. */
export const EVENT_TYPE_COLUMN_LIST: readonly string[] = EVENT_TYPES.map((t) => EVENT_TYPE_COLUMNS[t]);

/** The count columns as a column list, in EVENT_TYPES order (an INSERT's columns, an unnest's aliases). */
export const eventTypeColumnsSql = Prisma.raw(EVENT_TYPE_COLUMN_LIST.join(', '));

/**
 * A user_daily row's counts per event type as (event_type, count) rows, for `CROSS JOIN LATERAL
 * ${eventTypeCountsSql('d')} AS t(event_type, count)`: what mostCommonEventsSql and the per-type
 * breakdowns read. Types with a count of 0 are rows too (filter them where "never seen" matters).
 */
export function eventTypeCountsSql(alias: string): Prisma.Sql {
  if (!/^[a-z_]+$/.test(alias)) throw new Error(`eventTypeCountsSql: bad table alias ${alias}`);
  return Prisma.raw(`(VALUES ${EVENT_TYPES.map((t) => `('${t}', ${alias}.${EVENT_TYPE_COLUMNS[t]})`).join(', ')})`);
}

/** user_daily's merge: userMetrics' (./user-metrics.ts; its per-type counts are EVENT_TYPE_COLUMNS) and eventSpan's (./event-span.ts). */
export const userDailyMergeSql = Prisma.sql`
  event_count = user_daily.event_count + EXCLUDED.event_count,
  time_spent_seconds = user_daily.time_spent_seconds + EXCLUDED.time_spent_seconds,
  ${Prisma.raw(EVENT_TYPE_COLUMN_LIST.map((c) => `${c} = user_daily.${c} + EXCLUDED.${c}`).join(',\n  '))},
  first_event_at = LEAST(user_daily.first_event_at, EXCLUDED.first_event_at),
  last_event_at = GREATEST(user_daily.last_event_at, EXCLUDED.last_event_at)`;

/** user_daily's session columns' merge: sessionStats' (./session-stats.ts), sums of its accumulator. */
export const userDailySessionMergeSql = Prisma.raw(SESSION_STATS_ACC_COLUMNS.map((c) => `${c} = user_daily.${c} + EXCLUDED.${c}`).join(',\n  '));

/** user_minute's merge: eventCount's and timeSpent's (./event-count.ts, ./time-spent.ts). */
export const userMinuteMergeSql = Prisma.sql`
  event_count = user_minute.event_count + EXCLUDED.event_count,
  time_spent_seconds = user_minute.time_spent_seconds + EXCLUDED.time_spent_seconds`;

/** global_minute's merge: the events per window and type (globalMinute in worker/core/aggregate.ts). */
export const globalMinuteMergeSql = Prisma.sql`count = global_minute.count + EXCLUDED.count`;
