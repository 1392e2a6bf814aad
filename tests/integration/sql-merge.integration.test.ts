/**
 * The SQL that repeats the metrics' definitions (lib/metrics/sql.ts) against the combiners, on the
 * real PostgreSQL. Random batches go through the real sink (PostgresSink.commit, whose upserts merge
 * with ON CONFLICT): the stored rows must equal the TypeScript merge of the same batches, and clicks
 * per page view and the most common events computed in SQL must equal the combiners' extract. (The
 * session metrics' SQL: session-metrics.integration.test.ts.) The database's default
 * collation is ICU's root collation when the server has ICU ('apple' before 'Zoom', unlike byte
 * order). Today's event types order alike in both, so a fragment that drops EVENT_TYPE_COLLATION
 * would only show with a future type whose name differs in case; the ties are checked here.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { Prisma } from '@/lib/db/generated/client';
import { createPrisma, type Db } from '@/lib/db/prisma';
import { clicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import { mostCommonEvents } from '@/lib/metrics/most-common-event';
import { clicksPerPageViewSql, eventTypeCountsSql, mostCommonEventsSql } from '@/lib/metrics/sql';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { userMetrics } from '@/lib/metrics/user-metrics';
import { migrate } from '@/tooling/infra/migrate';
import { addEvent, createAggregate, mergeAggregates, type Aggregate, type CoreEvent } from '@/worker/core/aggregate';
import { createPostgresSink, type PostgresSink } from '@/worker/shell/postgres-sink';
import { adminQuery } from '@/tooling/infra/admin-query';

const WINDOW_MS = 60_000;
const T0 = Date.parse('2024-03-09T23:56:00Z'); // the batches cross midnight
const TOPIC = 'sql-merge.events';

const admin = (sql: string) => adminQuery(config().DATABASE_URL, sql);

const name = `clickstream_m_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
let db: Db;
let sink: PostgresSink;

beforeAll(async () => {
  try {
    await admin(`CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'`);
  } catch {
    console.warn('sql-merge: the server has no ICU; the collation is checked under its default collation only');
    await admin(`CREATE DATABASE "${name}"`);
  }
  const url = new URL(config().DATABASE_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString(), path.resolve('prisma/migrations'), () => {});
  db = createPrisma(url.toString(), 2);
  sink = createPostgresSink(url.toString(), 2);
});

afterAll(async () => {
  await Promise.all([db.$disconnect(), sink.close()]);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

const eventArb: fc.Arbitrary<CoreEvent> = fc.record({
  userId: fc.constantFrom('u1', 'u2', 'U3'),
  eventType: fc.constantFrom(...EVENT_TYPES),
  eventTimeMs: fc.integer({ min: T0, max: T0 + 8 * 60_000 }),
  sessionDuration: fc.integer({ min: 0, max: 86_400 }),
});

function aggregateOf(events: readonly CoreEvent[]): Aggregate {
  const agg = createAggregate();
  for (const e of events) addEvent(agg, e, WINDOW_MS);
  return agg;
}

/** Commits each batch through the sink, as the worker does: one transaction per batch, fenced on the offset. */
async function commitAll(batches: Aggregate[]): Promise<void> {
  await db.$executeRaw`TRUNCATE user_daily, user_minute, global_minute, partition_state`;
  for (const [i, aggregate] of batches.entries()) {
    const outcome = await sink.commit({
      groupId: 'sql-merge',
      topic: TOPIC,
      partition: 0,
      expectedNextOffset: i === 0 ? null : BigInt(i),
      nextOffset: BigInt(i + 1),
      watermarkMs: null,
      clusterId: 'sql-merge',
      lastRecord: null,
      aggregate,
      counted: 0,
      invalid: 0,
      late: 0,
      expired: 0n,
      notice: null,
    });
    expect(outcome).toBe('committed');
  }
}

/** Rows in a canonical order, for comparing sets. */
const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

const ms = (column: string) => Prisma.raw(`(extract(epoch FROM ${column}) * 1000)::float8`);

async function storedRows() {
  const [days, types, minutes, global] = await Promise.all([
    db.$queryRaw<{ userId: string; day: string; eventCount: number; timeSpentSeconds: number; clicks: number; pageViews: number; firstEventMs: number; lastEventMs: number }[]>`
      SELECT user_id AS "userId", to_char(day, 'YYYY-MM-DD') AS day, event_count AS "eventCount", time_spent_seconds::float8 AS "timeSpentSeconds",
             clicks, page_views AS "pageViews", ${ms('first_event_at')} AS "firstEventMs", ${ms('last_event_at')} AS "lastEventMs"
      FROM user_daily`,
    db.$queryRaw<{ userId: string; day: string; eventType: string; count: number }[]>`
      SELECT d.user_id AS "userId", to_char(d.day, 'YYYY-MM-DD') AS day, t.event_type AS "eventType", t.count
      FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count) WHERE t.count > 0`,
    db.$queryRaw<{ userId: string; windowStartMs: number; eventCount: number; timeSpentSeconds: number }[]>`
      SELECT user_id AS "userId", ${ms('window_start')} AS "windowStartMs", event_count AS "eventCount", time_spent_seconds::float8 AS "timeSpentSeconds" FROM user_minute`,
    db.$queryRaw<{ windowStartMs: number; eventType: string; count: number }[]>`
      SELECT ${ms('window_start')} AS "windowStartMs", event_type AS "eventType", count FROM global_minute`,
  ]);
  return { days: sorted(days), types: sorted(types), minutes: sorted(minutes), global: sorted(global) };
}

/** The TypeScript merge of the batches, as the tables hold it. */
function mergedRows(batches: Aggregate[]) {
  const merged = batches.reduce(mergeAggregates, createAggregate());
  const days = [...merged.userDays.values()];
  return {
    days: sorted(days.map(({ userId, day, eventCount, timeSpentSeconds, clicks, pageViews, firstEventMs, lastEventMs }) => ({ userId, day, eventCount, timeSpentSeconds, clicks, pageViews, firstEventMs, lastEventMs }))),
    types: sorted(days.flatMap((d) => Object.entries(d.eventCounts).map(([eventType, count]) => ({ userId: d.userId, day: d.day, eventType, count })))),
    minutes: sorted([...merged.userWindows.values()].map(({ userId, windowStartMs, eventCount, timeSpentSeconds }) => ({ userId, windowStartMs, eventCount, timeSpentSeconds }))),
    global: sorted([...merged.globalWindows.values()].map(({ windowStartMs, eventType, count }) => ({ windowStartMs, eventType, count }))),
  };
}

/**
 * Clicks per page view per user and day, and the most common events (every tied type, and the first
 * of them, the users table's sort key) per user and day and per user over all days, computed in SQL.
 */
async function derivedInSql() {
  const ratio = await db.$queryRaw<{ key: string; clicks_per_page_view: number | null }[]>`
    SELECT user_id || '/' || to_char(day, 'YYYY-MM-DD') AS key, ${clicksPerPageViewSql(Prisma.sql`clicks`, Prisma.sql`page_views`)} AS clicks_per_page_view FROM user_daily`;
  type Common = { user_id: string; most_common_events: string[]; most_common_event: string };
  const perDay = await db.$queryRaw<Common[]>`${mostCommonEventsSql(Prisma.sql`
    SELECT d.user_id || '/' || to_char(d.day, 'YYYY-MM-DD') AS user_id, t.event_type, t.count
    FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count)`)}`;
  const perUser = await db.$queryRaw<Common[]>`${mostCommonEventsSql(Prisma.sql`
    SELECT d.user_id, t.event_type, SUM(t.count) AS count
    FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count) GROUP BY d.user_id, t.event_type`)}`;
  return {
    clicksPerPageView: sorted(ratio.map((r) => [r.key, r.clicks_per_page_view])),
    mostCommonPerDay: sorted(perDay.map((r) => [r.user_id, r.most_common_events, r.most_common_event])),
    mostCommonPerUser: sorted(perUser.map((r) => [r.user_id, r.most_common_events, r.most_common_event])),
  };
}

/** The same, from the combiners: each stored day is an accumulator of userMetrics; a user's days merge. */
function derivedInTypeScript(batches: Aggregate[]) {
  const days = [...batches.reduce(mergeAggregates, createAggregate()).userDays.values()];
  const perUser = new Map<string, ReturnType<typeof userMetrics.create>>();
  for (const d of days) perUser.set(d.userId, userMetrics.merge(perUser.get(d.userId) ?? userMetrics.create(), d));
  return {
    clicksPerPageView: sorted(days.map((d) => [`${d.userId}/${d.day}`, clicksPerPageView.extract(d)])),
    mostCommonPerDay: sorted(days.filter((d) => d.eventCount > 0).map((d) => [`${d.userId}/${d.day}`, mostCommonEvents.extract(d), mostCommonEvents.extract(d)[0]])),
    mostCommonPerUser: sorted([...perUser].map(([userId, acc]) => [userId, mostCommonEvents.extract(acc), mostCommonEvents.extract(acc)[0]])),
  };
}

describe('the SQL merges and metrics equal the combiners', () => {
  it('stores, for any batches, the TypeScript merge of them: every table, every column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(eventArb, { maxLength: 25 }), { minLength: 1, maxLength: 5 }), async (eventBatches) => {
        const batches = eventBatches.map(aggregateOf);
        await commitAll(batches);
        expect(await storedRows()).toEqual(mergedRows(batches));
      }),
      { numRuns: 60 },
    );
  });

  it('computes clicks per page view and the most common events in SQL as the combiners extract them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(eventArb, { maxLength: 25 }), { minLength: 1, maxLength: 4 }), async (eventBatches) => {
        const batches = eventBatches.map(aggregateOf);
        await commitAll(batches);
        expect(await derivedInSql()).toEqual(derivedInTypeScript(batches));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps most-common-event ties, in byte order as JavaScript compares the names', async () => {
    const at = (eventType: string): CoreEvent => ({ userId: 'u1', eventType, eventTimeMs: T0, sessionDuration: 1 });
    const batches = [aggregateOf([at('search'), at('click')]), aggregateOf([at('pageView'), at('search'), at('click'), at('pageView')])];
    await commitAll(batches);
    const sql = await derivedInSql();
    expect(sql.mostCommonPerUser).toEqual(sorted([['u1', ['click', 'pageView', 'search'], 'click']]));
    expect(sql).toEqual(derivedInTypeScript(batches));
  });
});
