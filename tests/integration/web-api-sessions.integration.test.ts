/**
 * The session endpoints and figures against the real database and broker, with every expected value
 * computed by the test's own code from the raw events (tests/support/session-fixture.ts: not
 * lib/metrics, not the queries): sessions are cut at gaps of SESSION_GAP_MS, CTR counts page views
 * followed by a click before the next page view, the funnel is page view → add-to-cart → purchase
 * in order, and so on.
 *
 * The fixture's events (two UTC days, a session crossing midnight, ties, clicks before any page
 * view, a purchase without a cart, two events at the same millisecond, disorder within sessions)
 * are produced to a topic of this run, record timestamps = event times; the tables the worker
 * fills (user_daily with its counts per event type, user_session with each session's partition and offsets) are
 * written from the fixture's computation (web-api-sessions-worker has the real worker write them). Then: GET /api/users (values, every new sort both ways,
 * CSV), /daily, /sessions (list, limits, 400s, 404), /sessions/{start} (events read back from
 * Kafka in order; a late event in the range; retention), and the live snapshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as dailyGET } from '@/app/api/users/[userId]/daily/route';
import { GET as sessionGET } from '@/app/api/users/[userId]/sessions/[start]/route';
import { GET as sessionsGET } from '@/app/api/users/[userId]/sessions/route';
import { GET as usersGET } from '@/app/api/users/route';
import type { UserDaySummary, UserSessionDetail, UserSessionsPage, UsersTable } from '@/lib/contracts/dashboard';
import { config, type Config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { Prisma } from '@/lib/db/generated/client';
import type { EventType } from '@/lib/events/schemas';
import { EVENT_TYPE_COLUMNS } from '@/lib/metrics/sql';
import { createKafka } from '@/lib/kafka/client';
import { logger } from '@/lib/log';
import { createSimulator } from '@/simulator/runner';
import { overviewSnapshot } from '@/web/live/overview-snapshot';
import { startLive, type Live } from '@/web/live/start-live';
import { userLiveSnapshot, userPageStart, usersLiveSnapshots } from '@/web/live/user-snapshot';
import { userDaily } from '@/web/queries/user/user-daily';
import { userExists } from '@/web/queries/user/user-exists';
import { userSessions } from '@/web/queries/user/user-sessions';
import { dayTotals, emptyDay } from '@/web/queries/overview/day-totals';
import { applyGlobalTotalsOf, fillUserDaySessionStats } from '@/tooling/db/derived-totals';
import { deleteSeeded } from '@/tests/support/seed';
import { dayOfMs, expectedEvents, expectedEventStats, expectedRow, expectedSessionStats, sessionFixture, type RawEvent, type TruthSession } from '@/tests/support/session-fixture';
import http from 'node:http';

const run = `ss${process.pid}${Date.now().toString(36)}`;
const prefix = `${run}u`;
const base = config();
const cfg: Config = { ...base, TOPIC_EVENTS: `${run}.events`, WORKER_GROUP_ID: `${run}-group`, EVENTS_PARTITIONS: 2 };
const GAP = cfg.SESSION_GAP_MS;
const db = createPrisma(cfg.DATABASE_URL, 2);
const kafka = createKafka(cfg, `${run}-web`);
const simulator = createSimulator(kafka, cfg);
const httpServer = http.createServer();
let live: Live;

const fixture = sessionFixture(prefix, GAP);
const { TODAY, DAY1, DAY2, users, partitionOf } = fixture;

// ---------- setup ----------

let events: RawEvent[] = [];
let counted: RawEvent[] = [];
let truth: TruthSession[] = [];
let overviewBefore: ReturnType<typeof emptyDay>['sessions'];

async function writeTables(): Promise<void> {
  const daily = new Map<string, RawEvent[]>();
  for (const e of counted) {
    const key = `${e.userId}|${dayOfMs(e.timeMs)}`;
    daily.set(key, [...(daily.get(key) ?? []), e]);
  }
  for (const [key, list] of daily) {
    const [userId = '', day = ''] = key.split('|');
    const s = expectedEventStats(list);
    const times = list.map((e) => e.timeMs);
    await db.userDaily.create({
      data: { userId, day: new Date(`${day}T00:00:00Z`), eventCount: s.eventCount, timeSpentSeconds: BigInt(s.timeSpentSeconds), clicks: s.clicks, pageViews: s.pageViews, firstEventAt: new Date(Math.min(...times)), lastEventAt: new Date(Math.max(...times)) },
    });
    for (const [eventType, count] of Object.entries(s.eventCounts)) {
      await db.$executeRaw`UPDATE user_daily SET ${Prisma.raw(EVENT_TYPE_COLUMNS[eventType as EventType])} = ${count} WHERE user_id = ${userId} AND day = ${day}::date`;
    }
  }
  await db.userSession.createMany({
    data: truth.map((s) => ({
      userId: s.userId,
      startAt: new Date(s.startMs),
      endAt: new Date(s.endMs),
      day: new Date(`${dayOfMs(s.startMs)}T00:00:00Z`),
      eventCount: s.events.length,
      pageViews: s.pageViews,
      clickedPageViews: s.clickedPageViews,
      funnelStep: s.funnelStep,
      converted: s.converted,
      partition: partitionOf(s.userId),
      firstOffset: BigInt(s.firstOffset),
      lastOffset: BigInt(s.lastOffset),
      final: true,
    })),
  });
  // As the worker would have: user_daily carries their session figures, everyone's totals per day include them.
  await fillUserDaySessionStats(db, `${prefix}-%`);
  await applyGlobalTotalsOf(db, `${prefix}-%`, 1);
}

beforeAll(async () => {
  events = fixture.rawEvents();
  await fixture.produceAll(kafka, cfg.TOPIC_EVENTS, events);
  counted = events.filter((e) => !e.late);
  truth = fixture.sessionize(events);
  overviewBefore = ((await dayTotals({ from: TODAY, to: TODAY }))[0] ?? emptyDay(TODAY)).sessions;
  await writeTables();
  live = startLive({ httpServer, cfg, kafka, simulator, log: logger('test-web-sessions'), relay: false });
});

afterAll(async () => {
  await simulator.close();
  await live?.close();
  await deleteSeeded(db, prefix);
  await db.$disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [cfg.TOPIC_EVENTS] }).catch(() => undefined);
  await admin.disconnect();
});

const get = (path: string) => new Request(`http://127.0.0.1${path}`);
const json = async <T>(r: Response) => (await r.json()) as T;
const errorField = async (r: Response) => (await json<{ error: { field?: string } }>(r)).error.field;
const sessionsOf = (userId: string, day?: string) => truth.filter((s) => s.userId === userId && (day === undefined || dayOfMs(s.startMs) === day));
const eventsOf = (userId: string, day?: string) => counted.filter((e) => e.userId === userId && (day === undefined || dayOfMs(e.timeMs) === day));

describe('the fixture is what it claims', () => {
  it('has a session crossing midnight, exact-gap splits, bounces, ties and every funnel step', () => {
    const u0 = sessionsOf(users[0] ?? '');
    expect(u0.some((s) => dayOfMs(s.startMs) === DAY1 && dayOfMs(s.endMs) === DAY2)).toBe(true);
    expect(sessionsOf(users[5] ?? '').map((s) => s.events.length)).toEqual([1, 1, 2]);
    expect(truth.some((s) => s.events.length === 1)).toBe(true);
    expect(new Set(truth.map((s) => s.funnelStep))).toEqual(new Set([0, 1, 2, 3]));
    expect(expectedEventStats(eventsOf(users[1] ?? '', DAY2)).mostCommonEvents).toEqual(['click', 'pageView']);
    expect(expectedEventStats(eventsOf(users[2] ?? '', DAY2)).clicksPerPageView).toBe(1.5);
    // Disorder: some event was produced after a later one of the same user.
    expect(counted.some((a) => counted.some((b) => a.userId === b.userId && a.timeMs < b.timeMs && a.offset > b.offset))).toBe(true);
  });
});

describe('GET /api/users/{userId}/daily: the session metrics per day', () => {
  it('equal the independent computation for every user and day', async () => {
    for (const userId of users) {
      const r = await dailyGET(get(`/api/users/${userId}/daily?from=${DAY1}&to=${TODAY}`), { params: Promise.resolve({ userId }) });
      expect(r.status).toBe(200);
      const days = await json<UserDaySummary[]>(r);
      const expected = [...new Set([DAY1, DAY2, TODAY])]
        .filter((day) => eventsOf(userId, day).length > 0)
        .map((day) => ({ day, ...expectedEventStats(eventsOf(userId, day)), ...expectedSessionStats(sessionsOf(userId, day)) }));
      expect(days, userId).toEqual(expected);
    }
  });

  it('exports the session metrics and the tied most common events in CSV', async () => {
    const userId = users[1] ?? '';
    const r = await dailyGET(get(`/api/users/${userId}/daily?from=${DAY2}&to=${DAY2}&format=csv`), { params: Promise.resolve({ userId }) });
    const [header, line] = (await r.text()).trim().split('\r\n');
    const row = Object.fromEntries((header ?? '').split(',').map((h, i) => [h, (line ?? '').split(',')[i]]));
    const s = expectedSessionStats(sessionsOf(userId, DAY2));
    expect(row).toMatchObject({ day: DAY2, mostCommonEvents: 'click|pageView', sessions: String(s.sessions), ctr: String(s.ctr), bounceRate: String(s.bounceRate), funnelPageView: String(s.funnel.pageView) });
  });
});

describe('GET /api/users: the new columns and sorts', () => {
  const expectedUsers = (from: string, to: string) =>
    users
      .map((userId) => {
        const ev = counted.filter((e) => e.userId === userId && dayOfMs(e.timeMs) >= from && dayOfMs(e.timeMs) <= to);
        const se = truth.filter((s) => s.userId === userId && dayOfMs(s.startMs) >= from && dayOfMs(s.startMs) <= to);
        const e = expectedEventStats(ev);
        const s = expectedSessionStats(se);
        return {
          userId,
          eventCount: e.eventCount,
          timeSpentSeconds: e.timeSpentSeconds,
          clicks: e.clicks,
          pageViews: e.pageViews,
          clicksPerPageView: e.clicksPerPageView,
          mostCommonEvents: e.mostCommonEvents,
          sessions: s.sessions,
          visitTimeSeconds: s.visitTimeSeconds,
          bounceRate: s.bounceRate,
          ctr: s.ctr,
        };
      })
      .filter((r) => r.eventCount > 0);

  it('shows each user’s sessions, visit time, bounce rate, CTR and clicks per page view, for a day and a range', async () => {
    for (const [from, to] of [[DAY1, DAY1], [DAY2, DAY2], [TODAY, TODAY], [DAY1, TODAY]] as const) {
      const t = await json<UsersTable>(await usersGET(get(`/api/users?q=${prefix}&from=${from}&to=${to}&sort=userId&order=asc&limit=200`)));
      expect(t.rows, `${from}..${to}`).toEqual(expectedUsers(from, to));
    }
  });

  const KEYS = {
    sessions: (r: ReturnType<typeof expectedUsers>[number]) => r.sessions,
    visitTime: (r: ReturnType<typeof expectedUsers>[number]) => r.visitTimeSeconds,
    bounceRate: (r: ReturnType<typeof expectedUsers>[number]) => r.bounceRate ?? -1,
    ctr: (r: ReturnType<typeof expectedUsers>[number]) => r.ctr ?? -1,
    clicksPerPageView: (r: ReturnType<typeof expectedUsers>[number]) => r.clicksPerPageView ?? -1,
  };
  it.each((Object.keys(KEYS) as (keyof typeof KEYS)[]).flatMap((sort) => [[sort, 'asc'], [sort, 'desc']] as const))(
    'sorts by %s %s (users without a value last or first), ties by userId, page by page and back',
    async (sort, order) => {
      const key = KEYS[sort];
      const sign = order === 'asc' ? 1 : -1;
      const expected = expectedUsers(DAY2, DAY2)
        .sort((a, b) => sign * (key(a) - key(b) || (a.userId < b.userId ? -1 : 1)))
        .map((r) => r.userId);
      const pages: UsersTable[] = [];
      let cursor: string | null = null;
      do {
        const t: UsersTable = await json<UsersTable>(await usersGET(get(`/api/users?q=${prefix}&day=${DAY2}&sort=${sort}&order=${order}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)));
        pages.push(t);
        cursor = t.nextCursor;
      } while (cursor && pages.length < 20);
      expect(pages.flatMap((p) => p.rows.map((r) => r.userId))).toEqual(expected);
      const last = pages.at(-1);
      if (pages.length > 1 && last?.prevCursor) {
        const back = await json<UsersTable>(await usersGET(get(`/api/users?q=${prefix}&day=${DAY2}&sort=${sort}&order=${order}&limit=3&cursor=${last.prevCursor}`)));
        expect(back.rows.map((r) => r.userId)).toEqual(pages.at(-2)?.rows.map((r) => r.userId));
      }
    },
  );

  it('sorts by the most common event as the first tied type in byte order, ties by userId', async () => {
    const expected = expectedUsers(DAY2, DAY2)
      .sort((a, b) => ((a.mostCommonEvents[0] ?? '') < (b.mostCommonEvents[0] ?? '') ? -1 : (a.mostCommonEvents[0] ?? '') > (b.mostCommonEvents[0] ?? '') ? 1 : a.userId < b.userId ? -1 : 1))
      .map((r) => r.userId);
    const t = await json<UsersTable>(await usersGET(get(`/api/users?q=${prefix}&day=${DAY2}&sort=mostCommonEvent&order=asc&limit=200`)));
    expect(t.rows.map((r) => r.userId)).toEqual(expected);
    expect(t.rows.find((r) => r.userId === users[1])?.mostCommonEvents).toEqual(['click', 'pageView']);
  });

  it('exports the new columns in CSV', async () => {
    const r = await usersGET(get(`/api/users?q=${users[2] ?? ''}&day=${DAY2}&format=csv`));
    const [header, line] = (await r.text()).trim().split('\r\n');
    const row = Object.fromEntries((header ?? '').split(',').map((h, i) => [h, (line ?? '').split(',')[i]]));
    const e = expectedUsers(DAY2, DAY2).find((x) => x.userId === users[2]);
    expect(row).toEqual({
      userId: e?.userId, timeSpentSeconds: String(e?.timeSpentSeconds), eventCount: String(e?.eventCount), mostCommonEvents: e?.mostCommonEvents.join('|'), clicks: String(e?.clicks),
      pageViews: String(e?.pageViews), clicksPerPageView: String(e?.clicksPerPageView), sessions: String(e?.sessions), visitTimeSeconds: String(e?.visitTimeSeconds), bounceRate: String(e?.bounceRate), ctr: String(e?.ctr),
    });
    expect(row.clicksPerPageView).toBe('1.5');
    expect(row.ctr).toBe('0.5');
  });
});

describe('GET /api/users/{userId}/sessions', () => {
  const list = (userId: string, query = '') => sessionsGET(get(`/api/users/${userId}/sessions?${query}`), { params: Promise.resolve({ userId }) });

  it('lists the sessions of the range, newest first, as computed here', async () => {
    for (const userId of users) {
      const r = await list(userId, `from=${DAY1}&to=${TODAY}`);
      expect(r.status).toBe(200);
      const page = await json<UserSessionsPage>(r);
      const expected = sessionsOf(userId).sort((a, b) => b.startMs - a.startMs).map((x) => expectedRow(x));
      expect(page).toEqual({ userId, from: DAY1, to: TODAY, limit: 50, sessions: expected, more: false });
    }
  });

  it('keeps a session crossing midnight on the day it starts', async () => {
    const userId = users[0] ?? '';
    const second = await json<UserSessionsPage>(await list(userId, `day=${DAY2}`));
    const first = await json<UserSessionsPage>(await list(userId, `day=${DAY1}`));
    expect(second.sessions.every((s) => s.day === DAY2)).toBe(true);
    expect(first.sessions.some((s) => s.end.startsWith(DAY2))).toBe(true);
  });

  it('is bounded by limit and continues with before', async () => {
    const userId = users[5] ?? '';
    const all = sessionsOf(userId).sort((a, b) => b.startMs - a.startMs);
    const first = await json<UserSessionsPage>(await list(userId, `from=${DAY1}&to=${TODAY}&limit=2`));
    expect(first.sessions.map((s) => s.startMs)).toEqual(all.slice(0, 2).map((s) => s.startMs));
    expect(first.more).toBe(true);
    const rest = await json<UserSessionsPage>(await list(userId, `from=${DAY1}&to=${TODAY}&limit=2&before=${first.sessions.at(-1)?.startMs ?? 0}`));
    expect(rest.sessions.map((s) => s.startMs)).toEqual(all.slice(2, 4).map((s) => s.startMs));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['before=yesterday', 'before'],
    ['from=2024-13-01', 'from'],
    ['from=2024-02-01&to=2024-01-01', 'from'],
    ['from=2020-01-01&to=2024-01-01', 'to'],
    ['limit=5&limit=6', 'limit'],
  ])('answers %s with a 400 naming %s', async (query, field) => {
    const r = await list(users[0] ?? '', query);
    expect(r.status).toBe(400);
    expect(await errorField(r)).toBe(field);
  });

  it('answers 400 for a bad userId and 404 for an unknown user', async () => {
    const bad = await list('<script>');
    expect(bad.status).toBe(400);
    expect(await errorField(bad)).toBe('userId');
    expect((await list(`${prefix}-nobody`)).status).toBe(404);
  });
});

describe('GET /api/users/{userId}/sessions/{start}', () => {
  const detail = (userId: string, start: string) => sessionGET(get(`/api/users/${userId}/sessions/${start}`), { params: Promise.resolve({ userId, start }) });
  it('shows every session with its events read back from Kafka in (event time, offset) order', async () => {
    for (const s of truth.filter((x) => x.userId !== users[6])) {
      const r = await detail(s.userId, String(s.startMs));
      expect(r.status).toBe(200);
      const d = await json<UserSessionDetail>(r);
      expect(d.session).toEqual(expectedRow(s));
      expect(d.kafka).toEqual({ topic: cfg.TOPIC_EVENTS, partition: partitionOf(s.userId), firstOffset: String(s.firstOffset), lastOffset: String(s.lastOffset) });
      expect({ status: d.eventsStatus, message: d.eventsMessage }).toEqual({ status: 'complete', message: null });
      expect(d.events).toEqual(expectedEvents(s));
    }
  });

  it('orders events at the same millisecond by offset', async () => {
    const s = sessionsOf(users[4] ?? '')[0] as TruthSession;
    const d = await json<UserSessionDetail>(await detail(s.userId, String(s.startMs)));
    const same = d.events.filter((e) => e.eventTime === new Date(s.startMs + 500).toISOString());
    expect(same).toHaveLength(2);
    expect(BigInt(same[0]?.offset ?? 0) < BigInt(same[1]?.offset ?? 0)).toBe(true);
  });

  it('says so when Kafka holds an event in the session that was not counted (a late one)', async () => {
    const s = sessionsOf(users[6] ?? '')[0] as TruthSession;
    const late = events.filter((e) => e.late);
    // The late event arrived after the session's last offset: it is outside the range, so the read is complete.
    expect(late[0]?.offset).toBeGreaterThan(s.lastOffset);
    const d = await json<UserSessionDetail>(await detail(s.userId, String(s.startMs)));
    expect(d.eventsStatus).toBe('complete');
    // Stretch the stored range over it: now it is read, and the count differs.
    await db.userSession.update({ where: { userId_startAt: { userId: s.userId, startAt: new Date(s.startMs) } }, data: { lastOffset: BigInt(late[0]?.offset ?? 0) } });
    const stretched = await json<UserSessionDetail>(await detail(s.userId, String(s.startMs)));
    expect(stretched.eventsStatus).toBe('mismatch');
    expect(stretched.eventsMessage).toMatch(new RegExp(`holds ${s.events.length + 1} events .* counted ${s.events.length}`));
    expect(stretched.events).toEqual(expectedEvents(s, late));
  });

  it.each([
    ['abc', 'start'],
    ['2024-05-01T00:00:00Z', 'start'],
    ['-1', 'start'],
    ['1.5', 'start'],
  ])('answers start=%s with a 400 naming %s', async (start, field) => {
    const r = await detail(users[0] ?? '', start);
    expect(r.status).toBe(400);
    expect(await errorField(r)).toBe(field);
  });

  it('answers 400 for a bad userId and 404 when no session starts there', async () => {
    const s = truth[0] as TruthSession;
    expect(await errorField(await detail('a b', String(s.startMs)))).toBe('userId');
    const missing = await detail(s.userId, String(s.startMs + 1));
    expect(missing.status).toBe(404);
    expect((await json<{ error: { code: string } }>(missing)).error.code).toBe('not_found');
    expect((await detail(`${prefix}-nobody`, String(s.startMs))).status).toBe(404);
  });

  it('says the events are gone once retention removed them, and shows what is left of a partly removed range', async () => {
    // The partition of users[4]; its session's range is cut in the middle, then removed entirely.
    const s = sessionsOf(users[4] ?? '')[0] as TruthSession;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [cfg.TOPIC_EVENTS] }); // deleteTopicRecords needs it loaded
      const cut = s.firstOffset + 2;
      await admin.deleteTopicRecords({ topic: cfg.TOPIC_EVENTS, partitions: [{ partition: s.events[0]?.partition ?? 0, offset: String(cut) }] });
      // Right away, in one request (the offsets it looks up first may still be the cached ones).
      const partial = await json<UserSessionDetail>(await detail(s.userId, String(s.startMs)));
      expect(partial.eventsStatus).toBe('partial');
      expect(partial.events).toEqual(expectedEvents(s).filter((e) => Number(e.offset) >= cut));
      expect(partial.eventsMessage).toMatch(/retention has removed the start/);
      await admin.deleteTopicRecords({ topic: cfg.TOPIC_EVENTS, partitions: [{ partition: s.events[0]?.partition ?? 0, offset: String(s.lastOffset + 1) }] });
      const gone = await json<UserSessionDetail>(await detail(s.userId, String(s.startMs)));
      expect(gone.eventsStatus).toBe('expired');
      expect(gone.events).toEqual([]);
      expect(gone.eventsMessage).toMatch(/retention has removed this session's events/);
      // The session itself is still shown.
      expect(gone.session).toEqual(expectedRow(s));
    } finally {
      await admin.disconnect();
    }
  });
});

describe('the live snapshots carry the session figures', () => {
  it('the overview: today’s sessions, bounce rate, average visit duration, conversion rate and funnel', async () => {
    const snap = await overviewSnapshot(cfg.WINDOW_SIZE_MS);
    const s = snap.kpis.today.sessions;
    const mine = expectedSessionStats(truth.filter((x) => dayOfMs(x.startMs) === TODAY));
    // Whatever else is in the shared database today, this file added exactly its own sessions.
    expect(s.day).toBe(TODAY);
    expect(s.sessions - overviewBefore.sessions).toBe(mine.sessions);
    expect(s.bounces - overviewBefore.bounces).toBe(mine.bounces);
    expect(s.visitTimeMs - overviewBefore.visitTimeMs).toBe(mine.visitTimeMs);
    expect(s.convertedSessions - overviewBefore.convertedSessions).toBe(mine.convertedSessions);
    expect(s.funnel.pageView - overviewBefore.funnel.pageView).toBe(mine.funnel.pageView);
    expect(s.funnel.addToCart - overviewBefore.funnel.addToCart).toBe(mine.funnel.addToCart);
    expect(s.funnel.purchase - overviewBefore.funnel.purchase).toBe(mine.funnel.purchase);
    expect(s.bounceRate).toBe(s.bounces / s.sessions);
    expect(s.conversionRate).toBe(s.convertedSessions / s.sessions);
    expect(s.averageVisitDurationSeconds).toBe(s.visitTimeMs / 1000 / s.sessions);
  });

  it('a user: today’s figures and the newest sessions', async () => {
    const userId = users[0] ?? '';
    const snap = await userLiveSnapshot(userId);
    // Today's events are a few minutes old (yesterday's, in the first minutes of a day).
    const today = eventsOf(userId, TODAY);
    expect(snap.today).toEqual(today.length === 0 ? null : { day: TODAY, ...expectedEventStats(today), ...expectedSessionStats(sessionsOf(userId, TODAY)) });
    // The sessions of yesterday (DAY2) and today, newest first.
    expect(snap.sessions).toEqual(sessionsOf(userId).filter((s) => dayOfMs(s.startMs) >= DAY2).sort((a, b) => b.startMs - a.startMs).slice(0, 20).map((x) => expectedRow(x)));
  });

  it('a user’s page starts from the same figures as the snapshot and the listings (today’s row read once when the range holds today)', async () => {
    const unseen = `${prefix}-nobody`;
    for (const userId of [...users, unseen]) {
      // A range holding today, and one of past days only (today's figures then read on their own).
      for (const range of [{ from: DAY1, to: TODAY }, { from: DAY1, to: DAY1 }]) {
        const start = await userPageStart(userId, range, 2);
        const snap = await userLiveSnapshot(userId);
        expect(start, `${userId} ${range.from}..${range.to}`).toEqual({
          exists: await userExists(userId),
          days: await userDaily(userId, range),
          live: { userId, at: start.live.at, today: snap.today, minutes: snap.minutes },
          sessions: await userSessions(userId, range, 2),
        });
      }
    }
  });

  it('every watched user at once (one batch, as a flush builds them): each snapshot is that user’s own, and an unseen user’s is empty', async () => {
    const unseen = `${prefix}-nobody`;
    const snaps = await usersLiveSnapshots([...users, unseen, users[0] ?? '']);
    expect([...snaps.keys()].sort()).toEqual([...users, unseen].sort());
    for (const userId of users) {
      const snap = snaps.get(userId);
      const today = eventsOf(userId, TODAY);
      expect(snap?.today, userId).toEqual(today.length === 0 ? null : { day: TODAY, ...expectedEventStats(today), ...expectedSessionStats(sessionsOf(userId, TODAY)) });
      expect(snap?.sessions, userId).toEqual(sessionsOf(userId).filter((s) => dayOfMs(s.startMs) >= DAY2).sort((a, b) => b.startMs - a.startMs).slice(0, 20).map((x) => expectedRow(x)));
      expect(snap?.minutes, userId).toEqual((await userLiveSnapshot(userId)).minutes);
    }
    expect(snaps.get(unseen)).toMatchObject({ userId: unseen, today: null, minutes: [], sessions: [] });
    // Users with sessions on both days exist, so the per-user window really separates users.
    expect(users.filter((u) => (snaps.get(u)?.sessions.length ?? 0) > 1).length).toBeGreaterThan(1);
  });
});
