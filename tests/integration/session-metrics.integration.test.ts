/**
 * The session metrics' SQL (lib/metrics/sql.ts) against their TypeScript definitions (lib/metrics),
 * on the real PostgreSQL: random user_session rows (instants with milliseconds, sessions crossing
 * midnight, bounces, every funnel step) are written straight into the table; the accumulator SQL
 * (sessionStatsAccSql) grouped per user and day, per user and per day, and each ratio's SQL twin,
 * must equal the combiners folding the same rows, to the last bit.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '@/lib/db/generated/client';
import type { Db } from '@/lib/db/prisma';
import { dayOf } from '@/lib/days';
import type { FunnelStep, SessionFacts } from '@/lib/metrics/session-facts';
import { sessionStats, type SessionStats } from '@/lib/metrics/session-stats';
import {
  averageVisitDurationSql,
  bounceRateSql,
  clickThroughRateSql,
  conversionRateSql,
  pagesPerSessionSql,
  sessionStatsAccOf,
  sessionStatsAccSql,
  visitDurationMsSql,
  visitTimeSecondsSql,
  type SessionStatsAccColumns,
} from '@/lib/metrics/sql';
import { visitDurationMs } from '@/lib/metrics/visit-duration';
import { freshDatabase } from '@/tests/support/pipeline';

const T0 = Date.parse('2024-03-09T21:00:00Z'); // sessions start on three days and cross midnight

type Row = SessionFacts & { userId: string };

let db: Db;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
});

afterAll(async () => {
  await drop();
});

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    userId: fc.constantFrom('u1', 'u2', 'U3'),
    startMs: fc.integer({ min: T0, max: T0 + 2 * 86_400_000 }),
    lengthMs: fc.integer({ min: 0, max: 4 * 3_600_000 }),
    eventCount: fc.integer({ min: 1, max: 30 }),
    funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3),
    converted: fc.boolean(),
  })
  .chain((s) =>
    fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) =>
      fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({
        userId: s.userId,
        startMs: s.startMs,
        endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs),
        eventCount: s.eventCount,
        pageViews,
        clickedPageViews,
        funnelStep: s.funnelStep,
        converted: s.converted,
      })),
    ),
  );

/** Rows with distinct keys (user_id, start_at), as the table holds them. */
const rowsArb = fc.uniqueArray(rowArb, { selector: (r) => `${r.userId}|${r.startMs}`, maxLength: 60 });

async function store(rows: readonly Row[]): Promise<void> {
  await db.$executeRaw`TRUNCATE user_session`;
  if (rows.length === 0) return;
  await db.userSession.createMany({
    data: rows.map((r, i) => ({
      userId: r.userId,
      startAt: new Date(r.startMs),
      endAt: new Date(r.endMs),
      day: new Date(`${dayOf(r.startMs)}T00:00:00Z`),
      eventCount: r.eventCount,
      pageViews: r.pageViews,
      clickedPageViews: r.clickedPageViews,
      funnelStep: r.funnelStep,
      converted: r.converted,
      partition: 0,
      firstOffset: BigInt(i),
      lastOffset: BigInt(i + r.eventCount),
      final: true,
    })),
  });
}

type Derived = { visit_time_seconds: number; average_visit_duration: number | null; bounce_rate: number | null; pages_per_session: number | null; ctr: number | null; conversion_rate: number | null };

/** The accumulator and every ratio, computed in SQL, grouped by `key`. */
async function inSql(key: Prisma.Sql): Promise<Map<string, SessionStats>> {
  const rows = await db.$queryRaw<(SessionStatsAccColumns & Derived & { key: string })[]>`
    SELECT key, acc.*,
      ${visitTimeSecondsSql(Prisma.sql`visit_time_ms`)} AS visit_time_seconds,
      ${averageVisitDurationSql(Prisma.sql`visit_time_ms`, Prisma.sql`sessions`)} AS average_visit_duration,
      ${bounceRateSql(Prisma.sql`bounces`, Prisma.sql`sessions`)} AS bounce_rate,
      ${pagesPerSessionSql(Prisma.sql`session_page_views`, Prisma.sql`sessions`)} AS pages_per_session,
      ${clickThroughRateSql(Prisma.sql`clicked_page_views`, Prisma.sql`session_page_views`)} AS ctr,
      ${conversionRateSql(Prisma.sql`converted_sessions`, Prisma.sql`sessions`)} AS conversion_rate
    FROM (SELECT ${key} AS key, ${sessionStatsAccSql('s')} FROM user_session s GROUP BY 1) acc`;
  return new Map(
    rows.map((r) => [
      r.key,
      {
        ...sessionStatsAccOf(r),
        visitTimeSeconds: r.visit_time_seconds,
        averageVisitDurationSeconds: r.average_visit_duration,
        bounceRate: r.bounce_rate,
        pagesPerSession: r.pages_per_session,
        ctr: r.ctr,
        conversionRate: r.conversion_rate,
      },
    ]),
  );
}

/** The same from the combiner, grouped by `key`. */
function inTypeScript(rows: readonly Row[], key: (r: Row) => string): Map<string, SessionStats> {
  const groups = new Map<string, ReturnType<typeof sessionStats.create>>();
  for (const r of rows) {
    const k = key(r);
    const acc = groups.get(k) ?? sessionStats.create();
    sessionStats.add(acc, r);
    groups.set(k, acc);
  }
  return new Map([...groups].map(([k, acc]) => [k, sessionStats.extract(acc)]));
}

const byKey = (m: Map<string, SessionStats>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('the session metrics in SQL equal the combiners', () => {
  it('per user and day, per user and per day: every accumulator field and every ratio', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        await store(rows);
        const userDay = (r: Row) => `${r.userId}/${dayOf(r.startMs)}`;
        expect(byKey(await inSql(Prisma.sql`s.user_id || '/' || to_char(s.day, 'YYYY-MM-DD')`))).toEqual(byKey(inTypeScript(rows, userDay)));
        expect(byKey(await inSql(Prisma.sql`s.user_id`))).toEqual(byKey(inTypeScript(rows, (r) => r.userId)));
        expect(byKey(await inSql(Prisma.sql`to_char(s.day, 'YYYY-MM-DD')`))).toEqual(byKey(inTypeScript(rows, (r) => dayOf(r.startMs))));
      }),
      { numRuns: 60 },
    );
  });

  it('gives each session the visit duration of the TypeScript definition, in whole milliseconds', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        await store(rows);
        const sql = await db.$queryRaw<{ key: string; ms: bigint }[]>`
          SELECT s.user_id || '|' || (EXTRACT(EPOCH FROM s.start_at) * 1000)::bigint AS key, ${visitDurationMsSql(Prisma.sql`s.start_at`, Prisma.sql`s.end_at`)} AS ms FROM user_session s`;
        const got = Object.fromEntries(sql.map((r) => [r.key, Number(r.ms)]));
        expect(got).toEqual(Object.fromEntries(rows.map((r) => [`${r.userId}|${r.startMs}`, visitDurationMs(r.startMs, r.endMs)])));
      }),
      { numRuns: 30 },
    );
  });

  it('is zeros and NULL ratios without sessions, as the combiner is', async () => {
    await store([]);
    const [row] = await db.$queryRaw<SessionStatsAccColumns[]>`SELECT ${sessionStatsAccSql('s')} FROM user_session s`;
    expect(row && sessionStats.extract(sessionStatsAccOf(row))).toEqual(sessionStats.extract(sessionStats.create()));
  });
});
