/**
 * The users table of a single day at scale, with 100,000 users on the day (two sessions each) among
 * 2,900,000 rows of 29 other days, by PostgreSQL's own plans (EXPLAIN ANALYZE):
 * - sorted by time on site (the default) or userId, a page is read live by index from the cursor:
 *   51 rows, even inside a tie of thousands of users;
 * - the other sorts page through the day's snapshot (web/queries/users/range-snapshots.ts), whose
 *   one statement reads the day's rows by index (not every day's);
 * - user_session is never read (user_daily carries the session figures);
 * - user_daily keeps no index on a column the worker updates but the one the overview's top users
 *   need: each such index costs every update of a user's day.
 * The overview's statements read one global_daily row and, for the users active in the last five
 * minutes, at most six global_session_ends rows (sessions per minute of their latest event), even
 * when nearly all 100,000 users are active.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '@/lib/db/generated/client';
import { snapshotSql } from '@/web/queries/users/range-snapshots';
import { dayIndexPageSql, type IndexedSort } from '@/web/queries/users/list-users-by-day-index';
import type { ListUsersInput } from '@/web/queries/users/users-rows';
import { freshDatabase } from '@/tests/support/pipeline';
import { applyGlobalTotalsOf, fillUserDaySessionStats } from '@/tooling/db/derived-totals';
import { liveCountsSql } from '@/web/queries/overview/overview-kpis';
import { dayTotalsSql } from '@/web/queries/overview/day-totals';

const DAY = '2026-03-02';
const USERS = 100_000;
/**
 * Days before DAY with as many users each: the issue's 30 days, so the day is a thirtieth of the
 * table. (At a seventh, PostgreSQL rightly reads the whole table instead: cheaper there.)
 */
const OTHER_DAYS = 29;
let database: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  database = await freshDatabase();
  const db = database.db;
  // Event counts 1–40: ties of about 2,500 users each. Time on site 0–4,999 s.
  await db.$executeRaw`
    INSERT INTO user_daily (user_id, day, event_count, time_spent_seconds, clicks, page_views, first_event_at, last_event_at)
    SELECT 'u-' || lpad(u::text, 6, '0'), ${DAY}::date, 1 + (u * 7) % 40, (u * 13) % 5000, u % 9, u % 11, ${DAY}::timestamptz,
           ${DAY}::timestamptz + make_interval(secs => (u * 7919) % 86400)
    FROM generate_series(1, ${USERS}) AS u`;
  await db.$executeRaw`
    INSERT INTO user_session (user_id, start_at, end_at, day, event_count, page_views, clicked_page_views, funnel_step, converted, partition, first_offset, last_offset, final)
    SELECT 'u-' || lpad(u::text, 6, '0'), ${DAY}::timestamptz + make_interval(hours => k * 5), ${DAY}::timestamptz + make_interval(hours => k * 5, secs => u % 600),
           ${DAY}::date, 1 + (u + k) % 6, (u + k) % 4, ((u + k) % 4) / 2, (u + k) % 4, (u + k) % 17 = 0, 0, 0, 0, true
    FROM generate_series(1, ${USERS}) AS u, generate_series(0, 1) AS k`;
  await fillUserDaySessionStats(db, 'u-%');
  await applyGlobalTotalsOf(db, 'u-%', 1);
  // The other days' rows, a day's rows together in the table as the worker writes them over the
  // day (only the user_daily rows: the overview's figures below are the day's).
  await db.$executeRaw`
    INSERT INTO user_daily (user_id, day, event_count, time_spent_seconds, clicks, page_views, first_event_at, last_event_at)
    SELECT 'u-' || lpad(u::text, 6, '0'), ${DAY}::date - k, 1 + u % 30, u % 4000, u % 5, u % 7, ${DAY}::timestamptz - make_interval(days => k), ${DAY}::timestamptz - make_interval(days => k)
    FROM generate_series(1, ${OTHER_DAYS}) AS k, generate_series(1, ${USERS}) AS u`;
  await db.$executeRawUnsafe('ANALYZE user_daily, user_session, global_daily, global_session_ends');
}, 180_000);

afterAll(async () => {
  await database.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

async function explain(sql: Prisma.Sql): Promise<PlanNode[]> {
  const rows = await database.db.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
  const root = rows[0]?.['QUERY PLAN'][0].Plan;
  if (!root) throw new Error('no plan');
  return nodes(root);
}

const plan = (input: ListUsersInput & { sort: IndexedSort }) => explain(dayIndexPageSql(input));

describe('the users table of a day at 100,000 users', () => {
  it('keeps only the key and the (day, time on site) index on user_daily: no index on the other columns the worker updates', async () => {
    const rows = await database.db.$queryRaw<{ name: string }[]>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'user_daily' ORDER BY indexname`;
    expect(rows.map((r) => r.name)).toEqual(['user_daily_day_time_spent_seconds_user_id_idx', 'user_daily_pkey']);
  });

  // The default sort (time on site) and userId: a page read live by an index kept anyway.
  it.each([
    ['timeSpent', 'user_daily_day_time_spent_seconds_user_id_idx', 2500],
    ['userId', 'user_daily_pkey', 'u-050000'],
  ] as const)('sorted by %s reads a page by %s, from the cursor, in both orders', async (sort, index, key) => {
    for (const order of ['desc', 'asc'] as const) {
      for (const cursor of [undefined, { sort, order, key, userId: 'u-050000', direction: 'next' as const }]) {
        const all = await plan({ range: { from: DAY, to: DAY }, sort, order, q: '', limit: 50, cursor });
        const daily = all.filter((n) => n['Relation Name'] === 'user_daily');
        expect(daily.map((n) => [n['Node Type'], n['Index Name']]), `${sort} ${order} ${cursor ? 'cursor' : 'first'}`).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
        expect(daily[0]?.['Actual Rows']).toBe(51);
        expect(all.filter((n) => n['Relation Name'] === 'user_session')).toEqual([]);
        expect(all.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
      }
    }
  });

  // The other sorts: the day's snapshot, read once.
  it('reads the day\'s snapshot by index, only that day\'s rows, and no session rows', async () => {
    const all = await explain(snapshotSql({ from: DAY, to: DAY }));
    const daily = all.filter((n) => n['Relation Name'] === 'user_daily');
    expect(daily.map((n) => n['Node Type'])).toEqual([expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/)]);
    expect(all.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    expect(all.filter((n) => n['Relation Name'] === 'user_session')).toEqual([]);
    expect(all.filter((n) => n['Index Name'] !== undefined).map((n) => n['Index Name'])).toEqual(['user_daily_day_time_spent_seconds_user_id_idx']);
    // Per loop: a parallel plan's workers share the rows.
    expect(daily.reduce((n, d) => n + d['Actual Rows'] * d['Actual Loops'], 0)).toBe(USERS);
  });
});

describe('the overview at 100,000 users on the day', () => {
  it('reads the day\'s totals from one global_daily row, and the users active in the last 5 minutes from the last 6 minutes\' global_session_ends rows', async () => {
    // Every user's second session ends in the 10 minutes after 05:00; at 05:10:30 the count reaches
    // back to 05:05:00, the start of the minute 5 minutes before now's: half the users.
    const nowMs = Date.parse(`${DAY}T05:10:30Z`);
    const active = await database.db.$queryRaw<{ n: number }[]>`
      SELECT count(DISTINCT user_id)::int AS n FROM user_session WHERE end_at >= ${new Date(`${DAY}T05:05:00Z`)}`;
    const expected = active[0]?.n ?? 0;
    expect(expected).toBeGreaterThan(40_000);

    const live = await explain(liveCountsSql(nowMs, 60_000));
    const read = live.filter((n) => n['Relation Name'] !== undefined);
    expect(read.map((n) => n['Relation Name']).sort()).toEqual(['global_minute', 'global_session_ends']);
    const ends = read.find((n) => n['Relation Name'] === 'global_session_ends');
    expect(ends?.['Actual Rows']).toBeLessThanOrEqual(6);
    const [row] = await database.db.$queryRaw<{ active: number }[]>(liveCountsSql(nowMs, 60_000));
    expect(row?.active).toBe(expected);

    const totals = await explain(dayTotalsSql({ from: DAY, to: DAY }));
    expect(totals.filter((n) => n['Relation Name'] !== undefined).map((n) => [n['Relation Name'], n['Actual Rows']])).toEqual([['global_daily', 1]]);
  });
});
