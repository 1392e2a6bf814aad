/**
 * The users table of a single day, sorted by any column but the most common event (time on site,
 * events, userId, clicks, page views, sessions, visit time, and the ratios: clicks per page view,
 * CTR, bounce rate), reads a page by index at scale: with 100,000 users on the day (and two sessions each), PostgreSQL's own plan (EXPLAIN
 * ANALYZE) of the page's statement scans user_daily by the (day, key, user_id) index from the
 * cursor — even inside a tie of thousands of users — and reads only the page's rows from it, session
 * figures included (user_daily carries them). A plan that sorted or aggregated the whole day would read 100,000.
 * The overview's statements read one global_daily row and, for the users active in the last five
 * minutes, at most six global_session_ends rows (sessions per minute of their latest event), even
 * when nearly all 100,000 users are active.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '@/lib/db/generated/client';
import { dayIndexPageSql, type IndexedSort } from '@/web/queries/users/list-users-by-day-index';
import type { ListUsersInput } from '@/web/queries/users/users-rows';
import { freshDatabase } from '@/tests/support/pipeline';
import { applyGlobalTotalsOf, fillUserDaySessionStats } from '@/tooling/db/derived-totals';
import { liveCountsSql } from '@/web/queries/overview/overview-kpis';
import { dayTotalsSql } from '@/web/queries/overview/day-totals';

const DAY = '2026-03-02';
const USERS = 100_000;
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
  it.each([
    ['timeSpent', 'user_daily_day_time_spent_seconds_user_id_idx', 2500],
    ['events', 'user_daily_day_event_count_user_id_idx', 20],
    ['userId', 'user_daily_pkey', 'u-050000'],
    ['clicks', 'user_daily_day_clicks_user_id_idx', 4],
    ['pageViews', 'user_daily_day_page_views_user_id_idx', 5],
    // Every user has 2 sessions: the cursor is inside a tie of the whole day.
    ['sessions', 'user_daily_day_sessions_user_id_idx', 2],
    ['visitTime', 'user_daily_day_visit_time_ms_user_id_idx', 300.5],
    ['clicksPerPageView', 'user_daily_day_clicks_per_page_view_user_id_idx', 0.5],
    ['ctr', 'user_daily_day_ctr_user_id_idx', 0.25],
    ['bounceRate', 'user_daily_day_bounce_rate_user_id_idx', 0.5],
  ] as const)('sorted by %s reads a page by %s, from the cursor, in both orders', async (sort, index, key) => {
    for (const order of ['desc', 'asc'] as const) {
      for (const cursor of [undefined, { sort, order, key, userId: 'u-050000', direction: 'next' as const }]) {
        const all = await plan({ range: { from: DAY, to: DAY }, sort, order, q: '', limit: 50, cursor });
        const daily = all.filter((n) => n['Relation Name'] === 'user_daily');
        expect(daily.map((n) => [n['Node Type'], n['Index Name']]), `${sort} ${order} ${cursor ? 'cursor' : 'first'}`).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
        expect(daily[0]?.['Actual Rows']).toBe(51);
        // The session figures come with the row: user_session is not read at all.
        expect(all.filter((n) => n['Relation Name'] === 'user_session')).toEqual([]);
        expect(all.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
      }
    }
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
