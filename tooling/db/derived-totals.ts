/**
 * The figures the worker derives from per-user rows and keeps beside them (user_daily's session
 * columns, global_daily, global_minute_users, global_session_ends), computed here in SQL from the
 * per-user tables and sharing no code with the worker's global-totals.ts or session-end-minutes.ts:
 * - fillUserDaySessionStats and applyGlobalTotalsOf keep them equal to those rows when a test or a
 *   benchmark writes or deletes per-user rows itself instead of through the worker: for the users
 *   matching a LIKE pattern, user_daily's session columns are set from user_session, and the
 *   global totals added (after writing the rows) or taken away (before deleting them);
 * - rebuildGlobalTotals sets the global totals from all the per-user rows, from scratch;
 * - derivedTotalsDrift lists where they differ from all the per-user rows (a test's database holds
 *   nothing else), so a test that checks the per-user rows against its ground truth checks these too.
 */
import { Prisma, type PrismaClient } from '@/lib/db/generated/client';

type Db = Pick<PrismaClient, '$executeRaw' | '$queryRaw'>;

const COLUMNS = [
  'users', 'event_count', 'time_spent_seconds', 'clicks', 'page_views', 'sessions', 'visit_time_ms', 'bounces', 'session_page_views',
  'clicked_page_views', 'converted_sessions', 'funnel_page_view', 'funnel_add_to_cart', 'funnel_purchase',
] as const;
const columns = Prisma.raw(COLUMNS.join(', '));
const SESSION_COLUMNS = COLUMNS.slice(5);
const sessionColumns = Prisma.raw(SESSION_COLUMNS.join(', '));

/** A group of user_session rows' session figures, in the order of SESSION_COLUMNS. */
const SESSION_SUMS = Prisma.sql`
  count(*), sum(round(EXTRACT(EPOCH FROM end_at - start_at) * 1000)), count(*) FILTER (WHERE event_count = 1),
  sum(page_views), sum(clicked_page_views), count(*) FILTER (WHERE converted), count(*) FILTER (WHERE funnel_step >= 1),
  count(*) FILTER (WHERE funnel_step >= 2), count(*) FILTER (WHERE funnel_step >= 3)`;

/** Sets the session columns of the matching users' user_daily rows from their user_session rows (0 without sessions). */
export async function fillUserDaySessionStats(db: Db, userPattern: string): Promise<void> {
  const zero = Prisma.raw(SESSION_COLUMNS.map((c) => `${c} = 0`).join(', '));
  const set = Prisma.raw(SESSION_COLUMNS.map((c) => `${c} = s.${c}`).join(', '));
  await db.$executeRaw`UPDATE user_daily SET ${zero} WHERE user_id LIKE ${userPattern}`;
  await db.$executeRaw`
    UPDATE user_daily d SET ${set}
    FROM (SELECT user_id, day, ${SESSION_SUMS} FROM user_session WHERE user_id LIKE ${userPattern} GROUP BY user_id, day) AS s(user_id, day, ${sessionColumns})
    WHERE d.user_id = s.user_id AND d.day = s.day`;
}

/** Per day, the sums of the per-user rows of the users matching the pattern, in global_daily's columns. */
function perUserSumsSql(userPattern: string, sign: number): Prisma.Sql {
  const sums = Prisma.raw(COLUMNS.map((c) => `${sign} * sum(${c}) AS ${c}`).join(', '));
  return Prisma.sql`
    SELECT day, ${sums}
    FROM (
      SELECT day, count(*) AS users, sum(event_count) AS event_count, sum(time_spent_seconds) AS time_spent_seconds, sum(clicks) AS clicks,
             sum(page_views) AS page_views, 0 AS sessions, 0 AS visit_time_ms, 0 AS bounces, 0 AS session_page_views, 0 AS clicked_page_views,
             0 AS converted_sessions, 0 AS funnel_page_view, 0 AS funnel_add_to_cart, 0 AS funnel_purchase
      FROM user_daily WHERE user_id LIKE ${userPattern} GROUP BY day
      UNION ALL
      SELECT day, 0, 0, 0, 0, 0, ${SESSION_SUMS}
      FROM user_session WHERE user_id LIKE ${userPattern} GROUP BY day
    ) AS x
    GROUP BY day`;
}

/** The minute (UTC) of a user_session row's latest event, cut from the epoch whatever the server's time zone. */
const END_MINUTE = Prisma.sql`to_timestamp(floor(extract(epoch FROM end_at) / 60) * 60)`;

export async function applyGlobalTotalsOf(db: Db, userPattern: string, sign: 1 | -1): Promise<void> {
  const set = Prisma.raw(COLUMNS.map((c) => `${c} = g.${c} + EXCLUDED.${c}`).join(', '));
  await db.$executeRaw`
    INSERT INTO global_daily AS g (day, ${columns})
    SELECT * FROM (${perUserSumsSql(userPattern, sign)}) AS s ORDER BY day
    ON CONFLICT (day) DO UPDATE SET ${set}`;
  await db.$executeRaw`
    INSERT INTO global_minute_users AS g (window_start, users)
    SELECT window_start, ${sign} * count(*) FROM user_minute WHERE user_id LIKE ${userPattern} GROUP BY window_start ORDER BY window_start
    ON CONFLICT (window_start) DO UPDATE SET users = g.users + EXCLUDED.users`;
  await db.$executeRaw`
    INSERT INTO global_session_ends AS g (minute, sessions)
    SELECT ${END_MINUTE} AS minute, ${sign} * count(*) FROM user_session WHERE user_id LIKE ${userPattern} GROUP BY 1 ORDER BY 1
    ON CONFLICT (minute) DO UPDATE SET sessions = g.sessions + EXCLUDED.sessions`;
}

/**
 * Sets global_daily, global_minute_users and global_session_ends to the sums of every per-user row,
 * from scratch: for a
 * database whose totals may have drifted because tests wrote or deleted per-user rows around them
 * (the browser tests start from here). Only while no worker writes to the database.
 */
export async function rebuildGlobalTotals(db: Db & Pick<PrismaClient, '$transaction'>): Promise<void> {
  await db.$transaction([
    db.$executeRaw`DELETE FROM global_daily`,
    db.$executeRaw`DELETE FROM global_minute_users`,
    db.$executeRaw`DELETE FROM global_session_ends`,
    db.$executeRaw`INSERT INTO global_daily (day, ${columns}) SELECT * FROM (${perUserSumsSql('%', 1)}) AS s ORDER BY day`,
    db.$executeRaw`INSERT INTO global_minute_users (window_start, users) SELECT window_start, count(*) FROM user_minute GROUP BY window_start ORDER BY window_start`,
    db.$executeRaw`INSERT INTO global_session_ends (minute, sessions) SELECT ${END_MINUTE}, count(*) FROM user_session GROUP BY 1 ORDER BY 1`,
  ]);
}

/**
 * Where user_daily's session columns, global_daily, global_minute_users and global_session_ends
 * differ from the per-user rows (at most `max` each, as text).
 */
export async function derivedTotalsDrift(db: Db, max = 5): Promise<string[]> {
  const differs = Prisma.raw(COLUMNS.map((c) => `COALESCE(e.${c}, 0) <> COALESCE(g.${c}, 0)`).join(' OR '));
  const days = await db.$queryRaw<{ day: string; expected: unknown; stored: unknown }[]>`
    WITH e AS (${perUserSumsSql('%', 1)})
    SELECT to_char(COALESCE(e.day, g.day), 'YYYY-MM-DD') AS day, row_to_json(e)::text AS expected, row_to_json(g)::text AS stored
    FROM e FULL JOIN global_daily g ON g.day = e.day
    WHERE ${differs}
    ORDER BY 1 LIMIT ${max}`;
  const windows = await db.$queryRaw<{ window_start: Date; expected: number | null; stored: number | null }[]>`
    WITH e AS (SELECT window_start, count(*)::int AS users FROM user_minute GROUP BY window_start)
    SELECT COALESCE(e.window_start, g.window_start) AS window_start, e.users AS expected, g.users AS stored
    FROM e FULL JOIN global_minute_users g ON g.window_start = e.window_start
    WHERE COALESCE(e.users, 0) <> COALESCE(g.users, 0)
    ORDER BY 1 LIMIT ${max}`;
  const ends = await db.$queryRaw<{ minute: Date; expected: number | null; stored: number | null }[]>`
    WITH e AS (SELECT ${END_MINUTE} AS minute, count(*)::int AS sessions FROM user_session GROUP BY 1)
    SELECT COALESCE(e.minute, g.minute) AS minute, e.sessions AS expected, g.sessions AS stored
    FROM e FULL JOIN global_session_ends g ON g.minute = e.minute
    WHERE COALESCE(e.sessions, 0) <> COALESCE(g.sessions, 0)
    ORDER BY 1 LIMIT ${max}`;
  const differsPerUser = Prisma.raw(SESSION_COLUMNS.map((c) => `d.${c} <> COALESCE(s.${c}, 0)`).join(' OR '));
  const userDays = await db.$queryRaw<{ user_id: string; day: string }[]>`
    SELECT d.user_id, to_char(d.day, 'YYYY-MM-DD') AS day
    FROM user_daily d
    LEFT JOIN (SELECT user_id, day, ${SESSION_SUMS} FROM user_session GROUP BY user_id, day) AS s(user_id, day, ${sessionColumns})
      ON s.user_id = d.user_id AND s.day = d.day
    WHERE ${differsPerUser}
    ORDER BY 1, 2 LIMIT ${max}`;
  const orphans = await db.$queryRaw<{ user_id: string; day: string }[]>`
    SELECT DISTINCT s.user_id, to_char(s.day, 'YYYY-MM-DD') AS day FROM user_session s
    WHERE NOT EXISTS (SELECT 1 FROM user_daily d WHERE d.user_id = s.user_id AND d.day = s.day)
    ORDER BY 1, 2 LIMIT ${max}`;
  return [
    ...userDays.map((r) => `user_daily ${r.user_id} ${r.day}: session columns differ from its user_session rows`),
    ...orphans.map((r) => `user_session ${r.user_id} ${r.day}: sessions on a day without a user_daily row`),
    ...days.map((d) => `global_daily ${d.day}: sums of the per-user rows ${String(d.expected)}, stored ${String(d.stored)}`),
    ...windows.map((w) => `global_minute_users ${w.window_start.toISOString()}: ${w.expected ?? 0} user_minute rows, stored ${w.stored ?? 0}`),
    ...ends.map((m) => `global_session_ends ${m.minute.toISOString()}: ${m.expected ?? 0} user_session rows end in the minute, stored ${m.stored ?? 0}`),
  ];
}
