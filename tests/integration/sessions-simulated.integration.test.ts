/**
 * Sessions end to end on 100,000 simulator events with disorder, through the real worker, the
 * real broker and the real database, read back through the API. Every expected value is computed
 * here from the records as Kafka holds them (tests/support/pipeline.ts sessionGroundTruth: which
 * events are late, how sessions are cut, which are final; tests/support/session-fixture.ts: each
 * definition of the README's "What the numbers mean" written out on raw events), with no code of
 * the worker, lib/metrics or the queries:
 * - user_session equals the reference, row for row;
 * - every user's GET /api/users/{id}/daily equals, per UTC day, the event figures of the counted
 *   events of that day and the session figures of the sessions starting that day;
 * - every user's GET /api/users/{id}/sessions lists exactly the reference's sessions, newest first;
 * - the users table of each day (GET /api/users, every page) shows every user's event and session
 *   figures of that day as the reference computes them;
 * - everyone's totals per day (global_daily, read by the overview's query), the users active per
 *   window (global_minute_users) and the sessions per minute of their latest event
 *   (global_session_ends, the overview's active users) grew by exactly the reference's totals,
 *   though sessions merged, grew and were replaced many times on the way.
 * Small settings (a 20 s gap, 10 s windows, 60 s of lateness) make sessions split, merge, freeze
 * and close within a short stream; the stream crosses a UTC midnight. User ids carry this run's
 * prefix so the shared test database holds nothing else of theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as dailyGET } from '@/app/api/users/[userId]/daily/route';
import { GET as sessionsGET } from '@/app/api/users/[userId]/sessions/route';
import { GET as usersGET } from '@/app/api/users/route';
import type { UserDaySummary, UserSessionsPage, UsersTable } from '@/lib/contracts/dashboard';
import { config } from '@/lib/config';
import { groupBy } from '@/lib/group-by';
import { createPrisma } from '@/lib/db/prisma';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker, type Worker } from '@/worker/worker';
import { dayTotals, type DayTotals } from '@/web/queries/overview/day-totals';
import {
  configFor,
  createTopics,
  deletePipelineRows,
  deleteTopics,
  openSessionUsers,
  pipelineEnv,
  produce,
  readTopic,
  readUserSessions,
  sessionDifferences,
  sessionGroundTruth,
  waitForCommitted,
  type CountedEvent,
  type SessionTruth,
  type SessionTruthSettings,
} from '@/tests/support/pipeline';
import { expectedEventStats, expectedRow, expectedSessionStats, type SessionFigures } from '@/tests/support/session-fixture';

const EVENTS = 100_000;
const S: SessionTruthSettings = { sessionGapMs: 20_000, windowSizeMs: 10_000, allowedLatenessMs: 60_000, outOfOrdernessMs: 5_000 };
const env = pipelineEnv(config().DATABASE_URL, { SESSION_GAP_MS: '20000', WINDOW_SIZE_MS: '10000', ALLOWED_LATENESS_MS: '60000', OUT_OF_ORDERNESS_MS: '5000' });
const cfg = configFor(env);
const prefix = `sim${process.pid}${Date.now().toString(36)}`;
const db = createPrisma(cfg.DATABASE_URL, 2);
const kafka = createKafka(cfg, `${prefix}-test`);
const FROM = '2026-02-10';
const TO = '2026-02-11';

let worker: Worker | undefined;
let truth: ReturnType<typeof sessionGroundTruth>;
/** The reference's sessions and counted events, per user. */
let sessionsByUser = new Map<string, SessionFigures[]>();
let eventsByUser = new Map<string, CountedEvent[]>();
/** Everyone's totals of the two days and the users per window before this test's events. */
let totalsBefore: DayTotals[] = [];
let windowUsersBefore = new Map<number, number>();
let sessionEndsBefore = new Map<number, number>();

const windowUsers = async () =>
  new Map((await db.globalMinuteUsers.findMany({ where: { windowStart: { gte: new Date(`${FROM}T00:00:00Z`), lt: new Date('2026-02-12T00:00:00Z') } } })).map((r) => [r.windowStart.getTime(), r.users]));
const sessionEnds = async () =>
  new Map((await db.globalSessionEnds.findMany({ where: { minute: { gte: new Date(`${FROM}T00:00:00Z`), lt: new Date('2026-02-12T00:00:00Z') } } })).map((r) => [r.minute.getTime(), r.sessions]));
/** Subtracts `before` from `after`, per key; keys whose count did not change are left out. */
const grewBy = (after: Map<number, number>, before: Map<number, number>) =>
  new Map([...after].map(([k, n]): [number, number] => [k, n - (before.get(k) ?? 0)]).filter(([, n]) => n !== 0));

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const figures = (s: SessionTruth): SessionFigures => ({
  userId: s.userId,
  startMs: Date.parse(s.startAt),
  endMs: Date.parse(s.endAt),
  eventCount: s.eventCount,
  pageViews: s.pageViews,
  clickedPageViews: s.clickedPageViews,
  funnelStep: s.funnelStep,
  converted: s.converted,
});

beforeAll(async () => {
  await createTopics(kafka, cfg);
  const seq = createEventSequence({ seed: 17, users: 300, clock: simulatedClock(Date.parse('2026-02-10T23:50:00Z'), 100), disorder: { lateFraction: 0.03, maxDelaySeconds: 120 } });
  const messages = seq.take(EVENTS).map((m) => {
    const event = JSON.parse(m.value.toString()) as { userId: string };
    const userId = `${prefix}-${event.userId}`;
    return { key: userId, value: JSON.stringify({ ...event, userId }) };
  });
  totalsBefore = await dayTotals({ from: FROM, to: TO });
  windowUsersBefore = await windowUsers();
  sessionEndsBefore = await sessionEnds();
  worker = createWorker({ cfg, kafka: createKafka(cfg, `${prefix}-worker`), chunkSize: 700, recheckMs: 500 });
  await worker.start();
  await produce(kafka, cfg.TOPIC_EVENTS, messages);
  await waitForCommitted(db, cfg, messages.length, 180_000);

  const records = await readTopic(kafka, cfg.TOPIC_EVENTS, messages.length, 120_000);
  expect(records).toHaveLength(messages.length);
  truth = sessionGroundTruth(records, S);
  sessionsByUser = groupBy([...truth.sessions.values()].map(figures), (s) => s.userId);
  eventsByUser = groupBy(truth.counted, (e) => e.userId);
}, 400_000);

afterAll(async () => {
  await worker?.stop();
  await deletePipelineRows(db, cfg, prefix);
  await db.$disconnect();
  await deleteTopics(kafka, cfg);
});

const get = (path: string) => new Request(`http://127.0.0.1${path}`);

describe('sessions on 100,000 simulator events with disorder', () => {
  it('the stream reaches the cases that matter: late events, disorder inside sessions, several sessions per user, two UTC days', () => {
    expect(truth.late).toBeGreaterThan(100);
    expect(truth.outOfOrderSessions).toBeGreaterThan(100);
    expect(truth.counted.length + truth.late).toBe(EVENTS);
    expect(truth.sessions.size).toBeGreaterThan(2 * sessionsByUser.size);
    expect(new Set([...truth.sessions.values()].map((s) => s.day))).toEqual(new Set([FROM, TO]));
    const bounces = [...truth.sessions.values()].filter((s) => s.eventCount === 1).length;
    expect(bounces).toBeGreaterThan(100);
    expect([...truth.sessions.values()].filter((s) => s.converted).length).toBeGreaterThan(10);
  });

  it('user_session equals the reference row for row, and the worker dropped exactly the late events', async () => {
    const stored = new Map([...(await readUserSessions(db)).entries()].filter(([, s]) => s.userId.startsWith(`${prefix}-`)));
    expect(sessionDifferences(truth.sessions, stored)).toEqual([]);
    const state = await db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
    expect(state.reduce((n, r) => n + Number(r.late), 0)).toBe(truth.late);
    const rows = [...stored.values()];
    expect(rows.filter((r) => r.final).length).toBeGreaterThan(rows.length / 2);
    expect(rows.filter((r) => !r.final).length).toBeGreaterThan(0);
    const open = await openSessionUsers(db);
    expect(open.state.filter((u) => u.startsWith(`${prefix}-`))).toEqual(open.rows.filter((u) => u.startsWith(`${prefix}-`)));
  });

  // One request per user: about 30 s on a quiet machine, longer when it is loaded.
  it('GET /api/users/{id}/daily equals every definition computed from the raw events, for every user and day', { timeout: 300_000 }, async () => {
    for (const [userId, events] of eventsByUser) {
      const r = await dailyGET(get(`/api/users/${userId}/daily?from=${FROM}&to=${TO}`), { params: Promise.resolve({ userId }) });
      expect(r.status, userId).toBe(200);
      const days = (await r.json()) as UserDaySummary[];
      const sessions = sessionsByUser.get(userId) ?? [];
      const expected = [...new Set(events.map((e) => dayOf(e.t)))].sort().map((day) => ({
        day,
        ...expectedEventStats(events.filter((e) => dayOf(e.t) === day).map((e) => ({ eventType: e.type, sessionDuration: e.sessionDuration }))),
        ...expectedSessionStats(sessions.filter((s) => dayOf(s.startMs) === day)),
      }));
      expect(days, userId).toEqual(expected);
    }
  });

  it('GET /api/users/{id}/sessions lists every user’s sessions as the reference cuts them, newest first', { timeout: 300_000 }, async () => {
    let listed = 0;
    for (const [userId, sessions] of sessionsByUser) {
      const r = await sessionsGET(get(`/api/users/${userId}/sessions?from=${FROM}&to=${TO}&limit=500`), { params: Promise.resolve({ userId }) });
      expect(r.status, userId).toBe(200);
      const page = (await r.json()) as UserSessionsPage;
      const expected = [...sessions].sort((a, b) => b.startMs - a.startMs).map((s) => expectedRow(s, truth.sessions.get(`${userId}|${new Date(s.startMs).toISOString()}`)?.final));
      expect(page.more, userId).toBe(false);
      expect(page.sessions, userId).toEqual(expected);
      listed += page.sessions.length;
    }
    expect(listed).toBe(truth.sessions.size);
  });

  it('GET /api/users lists every user of each day with the day\'s event and session figures computed from the raw events', async () => {
    for (const day of [FROM, TO]) {
      const listed = new Map<string, UsersTable['rows'][number]>();
      let cursor: string | null = null;
      do {
        const r = await usersGET(get(`/api/users?q=${prefix}-&day=${day}&sort=userId&order=asc&limit=200${cursor ? `&cursor=${cursor}` : ''}`));
        expect(r.status).toBe(200);
        const t = (await r.json()) as UsersTable;
        for (const row of t.rows) listed.set(row.userId, row);
        cursor = t.nextCursor;
      } while (cursor);
      const expected = new Map<string, unknown>();
      for (const [userId, events] of eventsByUser) {
        const today = events.filter((e) => dayOf(e.t) === day);
        if (today.length === 0) continue;
        const ev = expectedEventStats(today.map((e) => ({ eventType: e.type, sessionDuration: e.sessionDuration })));
        const ss = expectedSessionStats((sessionsByUser.get(userId) ?? []).filter((x) => dayOf(x.startMs) === day));
        expected.set(userId, {
          userId, eventCount: ev.eventCount, timeSpentSeconds: ev.timeSpentSeconds, clicks: ev.clicks, pageViews: ev.pageViews, clicksPerPageView: ev.clicksPerPageView,
          mostCommonEvents: ev.mostCommonEvents, sessions: ss.sessions, visitTimeSeconds: ss.visitTimeSeconds, bounceRate: ss.bounceRate, ctr: ss.ctr,
        });
      }
      expect(listed.size, day).toBe(expected.size);
      for (const [userId, row] of expected) expect(listed.get(userId), `${userId} ${day}`).toEqual(row);
    }
  });

  it('everyone\'s totals per day, the users active per window and the sessions per minute of their end grew by exactly the reference\'s', async () => {
    const after = await dayTotals({ from: FROM, to: TO });
    const sessions = [...sessionsByUser.values()].flat();
    for (const day of [FROM, TO]) {
      const [a, b] = [after, totalsBefore].map((t) => t.find((x) => x.day === day));
      const events = truth.counted.filter((e) => dayOf(e.t) === day);
      const ev = expectedEventStats(events.map((e) => ({ eventType: e.type, sessionDuration: e.sessionDuration })));
      const ss = expectedSessionStats(sessions.filter((s) => dayOf(s.startMs) === day));
      const grew = (f: (t: DayTotals) => number) => (a ? f(a) : 0) - (b ? f(b) : 0);
      expect({
        users: grew((t) => t.users),
        events: grew((t) => t.events),
        timeSpentSeconds: grew((t) => t.timeSpentSeconds),
        clicks: grew((t) => t.clicks),
        pageViews: grew((t) => t.pageViews),
        sessions: grew((t) => t.sessions.sessions),
        visitTimeMs: grew((t) => t.sessions.visitTimeMs),
        bounces: grew((t) => t.sessions.bounces),
        sessionPageViews: grew((t) => t.sessions.sessionPageViews),
        clickedPageViews: grew((t) => t.sessions.clickedPageViews),
        convertedSessions: grew((t) => t.sessions.convertedSessions),
        funnel: { pageView: grew((t) => t.sessions.funnel.pageView), addToCart: grew((t) => t.sessions.funnel.addToCart), purchase: grew((t) => t.sessions.funnel.purchase) },
      }, day).toEqual({
        users: new Set(events.map((e) => e.userId)).size,
        events: ev.eventCount,
        timeSpentSeconds: ev.timeSpentSeconds,
        clicks: ev.clicks,
        pageViews: ev.pageViews,
        sessions: ss.sessions,
        visitTimeMs: ss.visitTimeMs,
        bounces: ss.bounces,
        sessionPageViews: ss.sessionPageViews,
        clickedPageViews: ss.clickedPageViews,
        convertedSessions: ss.convertedSessions,
        funnel: ss.funnel,
      });
    }
    const windowMs = S.windowSizeMs;
    const expected = new Map<number, number>();
    for (const key of new Set(truth.counted.map((e) => `${e.userId}\n${Math.floor(e.t / windowMs) * windowMs}`))) {
      const start = Number(key.split('\n')[1]);
      expected.set(start, (expected.get(start) ?? 0) + 1);
    }
    expect(grewBy(await windowUsers(), windowUsersBefore)).toEqual(expected);

    // Sessions per minute of their latest event (the overview's active users): the reference's
    // sessions counted by the UTC minute of their end, though sessions grew and merged on the way.
    const ends = new Map<number, number>();
    for (const x of truth.sessions.values()) {
      const minute = Math.floor(Date.parse(x.endAt) / 60_000) * 60_000;
      ends.set(minute, (ends.get(minute) ?? 0) + 1);
    }
    expect(grewBy(await sessionEnds(), sessionEndsBefore)).toEqual(new Map([...ends].sort(([a], [b]) => a - b)));
  });
});
