/**
 * The JSON API and the live bridge against the real database and broker: route handlers are
 * called with real Requests, the runtime is the one web/server.ts builds (simulator, Kafka admin,
 * LISTEN bridge, Socket.IO on a real HTTP server). Unique users, topic and group per run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GET as healthGET } from '@/app/api/health/route';
import { GET as pipelineGET } from '@/app/api/pipeline/route';
import { GET as simulationGET, POST as simulationPOST, PUT as simulationPUT } from '@/app/api/simulation/route';
import { GET as dailyGET } from '@/app/api/users/[userId]/daily/route';
import { GET as minutesGET } from '@/app/api/users/[userId]/minutes/route';
import { GET as usersGET } from '@/app/api/users/route';
import { config, type Config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { createKafka } from '@/lib/kafka/client';
import { COMMIT_CHANNEL, type CommitNotice } from '@/lib/contracts/commit-notice';
import { setRuntime } from '@/web/live/runtime';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/contracts/socket-events';
import { startLive, type Live } from '@/web/live/start-live';
import { createRateLimiter } from '@/web/live/rate-limit';
import { logger } from '@/lib/log';
import { createSimulator } from '@/simulator/runner';
import { deleteSeeded, seedAggregates, seedUserId } from '@/tests/support/seed';
import { applyGlobalTotalsOf } from '@/tooling/db/derived-totals';
import { pipelineStatusSchema } from '@/lib/contracts/pipeline-status';
import type { UserLiveSnapshot } from '@/lib/contracts/dashboard';

const run = `it${process.pid}${Date.now().toString(36)}`;
const prefix = `${run}u`;
const USERS = 60;
const base = config();
const cfg: Config = { ...base, TOPIC_EVENTS: `${run}.events`, WORKER_GROUP_ID: `${run}-group`, EVENTS_PARTITIONS: 2, SIMULATOR_RATE: 20, SIMULATOR_USERS: 5 };
const db = createPrisma(cfg.DATABASE_URL, 2);
const kafka = createKafka(cfg, `${run}-web`);
const simulator = createSimulator(kafka, cfg);
const httpServer = http.createServer();
let live: Live;
let port = 0;
const today = new Date().toISOString().slice(0, 10);

const get = (path: string, init?: RequestInit) => new Request(`http://127.0.0.1${path}`, init);
const params = (userId: string) => ({ params: Promise.resolve({ userId }) });
const json = async <T = unknown>(r: Response) => (await r.json()) as T;
const errorField = async (r: Response) => (await json<{ error: { field?: string } }>(r)).error.field;
const post = (body: unknown, headers: Record<string, string> = {}) =>
  get('/api/simulation', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', host: '127.0.0.1', ...headers } });

beforeAll(async () => {
  await seedAggregates(db, { prefix, users: USERS, days: 3, minutes: 5, seed: 3 });
  live = startLive({ httpServer, cfg, kafka, simulator, log: logger('test-web'), relay: false });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  port = (httpServer.address() as AddressInfo).port;
});

afterAll(async () => {
  await simulator.close();
  await live.close();
  await deleteSeeded(db, prefix);
  await db.$disconnect();
});

describe('GET /api/health', () => {
  it('is 200 when the database and Kafka answer', async () => {
    const r = await healthGET();
    expect(r.status).toBe(200);
    expect(await json(r)).toEqual({ status: 'ok', checks: { web: 'ok', database: 'ok', kafka: 'ok' } });
  });
});

describe('GET /api/users', () => {
  type Row = { userId: string; eventCount: number; timeSpentSeconds: number; clicksPerPageView: number | null; ctr: number | null; mostCommonEvents: string[]; sessions: number };
  type Table = { from: string; to: string; total: number; rows: Row[]; nextCursor: string | null; prevCursor: string | null };
  const SORTS = ['events', 'clicksPerPageView', 'ctr', 'userId', 'timeSpent', 'clicks', 'pageViews', 'mostCommonEvent', 'sessions', 'visitTime', 'bounceRate'] as const;
  const page = async (query: string) => {
    const r = await usersGET(get(`/api/users?q=${prefix}&${query}`));
    expect(r.status).toBe(200);
    return json<Table>(r);
  };
  /** Every page from the first, following nextCursor. */
  const allPages = async (query: string) => {
    const pages: Table[] = [];
    let cursor: string | null = null;
    do {
      const t: Table = await page(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(t);
      cursor = t.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  };
  const ids = (t: Table) => t.rows.map((x) => x.userId);

  it('counts a whole day\'s users (no filter) as many as user_daily holds for the day', async () => {
    // A day of this test's own (other files count "today" in the same database, and clean up while
    // their workers may still write), with 7 users seeded as the worker would have written them.
    const own = `${run}day`;
    const day = '1999-07-04';
    try {
      await seedAggregates(db, { prefix: own, users: 7, days: 1, nowMs: Date.parse(`${day}T12:00:00Z`), seed: 5 });
      const t = await json<Table>(await usersGET(get(`/api/users?day=${day}`)));
      const [stored] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM user_daily WHERE day = ${day}::date`;
      expect(stored?.n).toBe(7);
      expect(t.total).toBe(7);
    } finally {
      await deleteSeeded(db, own);
    }
  });

  it('lists today by time spent with the documented shape', async () => {
    const r = await usersGET(get(`/api/users?q=${prefix}`));
    expect(r.status).toBe(200);
    const t = await json<Table>(r);
    expect(t).toMatchObject({ from: today, to: today, total: USERS });
    expect(t.rows).toHaveLength(50);
    expect(Object.keys(t.rows[0] ?? {}).sort()).toEqual(['bounceRate', 'clicks', 'clicksPerPageView', 'ctr', 'eventCount', 'mostCommonEvents', 'pageViews', 'sessions', 'timeSpentSeconds', 'userId', 'visitTimeSeconds']);
    const times = t.rows.map((x) => x.timeSpentSeconds);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(t.rows.every((x) => x.mostCommonEvents.length > 0)).toBe(true);
    expect(t.rows.every((x) => x.ctr === null || (x.ctr >= 0 && x.ctr <= 1))).toBe(true);
  });

  it.each(SORTS.flatMap((sort) => [[sort, 'asc'], [sort, 'desc']] as const))(
    'pages through every user exactly once sorted by %s %s, in the order of one big page, and back again',
    async (sort, order) => {
      const query = `sort=${sort}&order=${order}&limit=7`;
      const pages = await allPages(query);
      const seen = pages.flatMap(ids);
      expect(seen).toHaveLength(USERS);
      expect(new Set(seen).size).toBe(USERS);
      // Ties on the sort key (many here: 60 users, 8 event types, small counts) keep one stable
      // order, the same whichever page size is used.
      expect(seen).toEqual(ids(await page(`sort=${sort}&order=${order}&limit=200`)));
      expect(pages[0]?.prevCursor).toBeNull();
      // prevCursor from every page reads exactly the page before it.
      for (let i = pages.length - 1; i > 0; i--) {
        const back = await page(`${query}&cursor=${pages[i]?.prevCursor ?? ''}`);
        expect(ids(back)).toEqual(ids(pages[i - 1] as Table));
        expect(back.prevCursor === null).toBe(i === 1);
        expect(back.nextCursor).not.toBeNull();
      }
    },
  );

  it.each([
    ['timeSpent', 'timeSpentSeconds'], ['events', 'eventCount'], ['userId', 'userId'], ['clicks', 'clicks'], ['pageViews', 'pageViews'], ['sessions', 'sessions'],
    ['visitTime', 'visitTimeSeconds'], ['clicksPerPageView', 'clicksPerPageView'], ['ctr', 'ctr'], ['bounceRate', 'bounceRate'],
  ] as const)(
    'a single day sorted by %s (read by index) equals the day’s stored rows sorted here, session figures included, every page both ways',
    async (sort, field) => {
      // Expected: user_daily and user_session of today as stored, summed and sorted by the test.
      const stored = await db.userDaily.findMany({ where: { day: new Date(`${today}T00:00:00Z`), userId: { startsWith: `${prefix}-` } } });
      const sessions = await db.userSession.findMany({ where: { day: new Date(`${today}T00:00:00Z`), userId: { startsWith: `${prefix}-` } } });
      const rows = stored.map((d) => {
        const mine = sessions.filter((x) => x.userId === d.userId);
        const bounces = mine.filter((x) => x.eventCount === 1).length;
        const pageViews = mine.reduce((n, x) => n + x.pageViews, 0);
        return {
          userId: d.userId, eventCount: d.eventCount, timeSpentSeconds: Number(d.timeSpentSeconds), clicks: d.clicks, pageViews: d.pageViews,
          clicksPerPageView: d.pageViews === 0 ? null : d.clicks / d.pageViews,
          sessions: mine.length, visitTimeSeconds: mine.reduce((n, x) => n + (x.endAt.getTime() - x.startAt.getTime()), 0) / 1000,
          bounceRate: mine.length === 0 ? null : bounces / mine.length,
          ctr: pageViews === 0 ? null : mine.reduce((n, x) => n + x.clickedPageViews, 0) / pageViews,
        };
      });
      expect(rows.filter((r) => r.sessions > 0).length).toBeGreaterThan(USERS / 2);
      for (const order of ['asc', 'desc'] as const) {
        const sign = order === 'asc' ? 1 : -1;
        const expected = [...rows].sort((a, b) => {
          // A ratio without a denominator (null) sorts below every value.
          const ka = a[field] ?? -1;
          const kb = b[field] ?? -1;
          const byKey = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka) < String(kb) ? -1 : String(ka) > String(kb) ? 1 : 0;
          return sign * (byKey !== 0 ? byKey : a.userId < b.userId ? -1 : 1);
        });
        const query = `day=${today}&sort=${sort}&order=${order}&limit=9`;
        const pages = await allPages(query);
        expect(pages.flatMap((t) => t.rows).map(({ mostCommonEvents: _, ...r }) => r)).toEqual(expected);
        for (let i = pages.length - 1; i > 0; i--) {
          const back = await page(`${query}&cursor=${pages[i]?.prevCursor ?? ''}`);
          expect(ids(back)).toEqual(ids(pages[i - 1] as Table));
        }
      }
      // Counts and ratios tie (small numbers), so the userId tie-break and the cursor's OR branch are exercised.
      if (field !== 'userId' && field !== 'timeSpentSeconds' && field !== 'visitTimeSeconds') expect(new Set(rows.map((r) => r[field])).size).toBeLessThan(rows.length * 0.7);
    },
  );

  it('sorts by the most common event (the first tied type in byte order), ties by userId', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const rows = (await allPages(`sort=mostCommonEvent&order=${order}&limit=25`)).flatMap((t) => t.rows);
      expect(rows).toHaveLength(USERS);
      expect(rows.every((x) => x.mostCommonEvents.length > 0 && x.mostCommonEvents.join() === [...x.mostCommonEvents].sort().join())).toBe(true);
      const keys = rows.map((x) => `${x.mostCommonEvents[0] ?? ''} ${x.userId}`);
      const sorted = [...keys].sort();
      expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
      // Several users share each most common event: the ties are what userId orders.
      expect(new Set(rows.map((x) => x.mostCommonEvents[0])).size).toBeLessThan(USERS / 4);
    }
    // The same most common events as the other sorts report.
    const byTime = (await page('limit=200')).rows;
    const byEvent = new Map((await page('sort=mostCommonEvent&limit=200')).rows.map((x) => [x.userId, x.mostCommonEvents]));
    for (const x of byTime) expect(byEvent.get(x.userId)).toEqual(x.mostCommonEvents);
    // Ties are kept: with 8 types and small counts, some users have several.
    expect(byTime.some((x) => x.mostCommonEvents.length > 1)).toBe(true);
  });

  it('goes to the next page and back to the first page', async () => {
    const first = await page('sort=mostCommonEvent&order=asc&limit=10');
    expect(first.prevCursor).toBeNull();
    const second = await page(`sort=mostCommonEvent&order=asc&limit=10&cursor=${first.nextCursor ?? ''}`);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
    const back = await page(`sort=mostCommonEvent&order=asc&limit=10&cursor=${second.prevCursor ?? ''}`);
    expect(back.rows).toEqual(first.rows);
    expect(back.prevCursor).toBeNull();
    expect(back.nextCursor).toBe(first.nextCursor);
  });

  it('aggregates a date range', async () => {
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const day = await json<Table>(await usersGET(get(`/api/users?q=${seedUserId(prefix, 0)}`)));
    const range = await json<Table>(await usersGET(get(`/api/users?q=${seedUserId(prefix, 0)}&from=${from}&to=${today}`)));
    expect(range.rows[0]?.eventCount).toBeGreaterThan(day.rows[0]?.eventCount ?? 0);
  });

  it('exports CSV', async () => {
    const r = await usersGET(get(`/api/users?q=${prefix}&format=csv`));
    expect(r.headers.get('content-type')).toContain('text/csv');
    const lines = (await r.text()).trim().split('\r\n');
    expect(lines[0]).toBe('userId,timeSpentSeconds,eventCount,mostCommonEvents,clicks,pageViews,clicksPerPageView,sessions,visitTimeSeconds,bounceRate,ctr');
    expect(lines).toHaveLength(USERS + 1);
  });

  it('exports CSV in the order of the chosen sort', async () => {
    const r = await usersGET(get(`/api/users?q=${prefix}&sort=mostCommonEvent&order=desc&format=csv`));
    const lines = (await r.text()).trim().split('\r\n').slice(1);
    const rows = (await page('sort=mostCommonEvent&order=desc&limit=200')).rows;
    expect(lines.map((l) => l.split(',').slice(0, 4).join(','))).toEqual(rows.map((x) => [x.userId, x.timeSpentSeconds, x.eventCount, x.mostCommonEvents.join('|')].join(',')));
  });

  it('exports up to 100,000 users in one CSV and refuses more with a 400 naming format, saying how many match', { timeout: 120_000 }, async () => {
    const big = `${run}big`;
    try {
      // user_daily rows only, written by one statement (seedAggregates writes every table and takes minutes at this size).
      await db.$executeRaw`
        INSERT INTO user_daily (user_id, day, event_count, time_spent_seconds, clicks, page_views, first_event_at, last_event_at)
        SELECT ${big} || '-' || lpad(i::text, greatest(5, length(i::text)), '0'), ${today}::date, 1 + i % 7, i % 500, i % 3, i % 4, ${today}::timestamptz, ${today}::timestamptz
        FROM generate_series(0, 100000) AS i`;
      await applyGlobalTotalsOf(db, `${big}-%`, 1);
      const r = await usersGET(get(`/api/users?q=${big}-&format=csv`));
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: { field: string; message: string } };
      expect(body.error.field).toBe('format');
      expect(body.error.message).toContain('at most 100,000 rows and 100,001 users match');
      // One user fewer fits: every row, once, in the table's order (ties by userId).
      await applyGlobalTotalsOf(db, seedUserId(big, 0), -1);
      await db.$executeRaw`DELETE FROM user_daily WHERE user_id = ${seedUserId(big, 0)}`;
      const ok = await usersGET(get(`/api/users?q=${big}-&sort=userId&order=asc&format=csv`));
      expect(ok.status).toBe(200);
      const ids = (await ok.text()).trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
      const expected = Array.from({ length: 100_000 }, (_, i) => seedUserId(big, i + 1)).sort();
      expect(ids).toEqual(expected);
    } finally {
      await deleteSeeded(db, big);
    }
  });

  it.each([
    ['sort=bogus', 'sort'],
    ['sort=mostcommonevent', 'sort'],
    ['order=up', 'order'],
    ['limit=-1', 'limit'],
    ['day=yesterday', 'day'],
    ['from=2020-01-01&to=2022-01-01', 'to'],
    ['cursor=eyJ4IjoxfQ', 'cursor'],
    ['q=%27%3B%20drop%20table', 'q'],
  ])('answers %s with a 400 naming %s', async (query, field) => {
    const r = await usersGET(get(`/api/users?${query}`));
    expect(r.status).toBe(400);
    expect(await errorField(r)).toBe(field);
  });

  it('refuses a cursor of another sort or order with a 400 naming cursor', async () => {
    const t = await page('sort=events&order=asc&limit=5');
    for (const query of [`sort=mostCommonEvent&order=asc&cursor=${t.nextCursor ?? ''}`, `sort=events&order=desc&cursor=${t.nextCursor ?? ''}`]) {
      const r = await usersGET(get(`/api/users?q=${prefix}&${query}`));
      expect(r.status).toBe(400);
      expect(await errorField(r)).toBe('cursor');
    }
  });

  it('answers unsupported methods with JSON', async () => {
    const r = simulationPUT();
    expect(r.status).toBe(405);
    expect(await json(r)).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});

describe('GET /api/users/{userId}/daily and /minutes', () => {
  const userId = seedUserId(prefix, 1);
  type Day = {
    day: string; eventCount: number; timeSpentSeconds: number; eventCounts: Record<string, number>; mostCommonEvents: string[]; clicks: number; pageViews: number;
    clicksPerPageView: number | null; sessions: number; sessionPageViews: number; clickedPageViews: number; ctr: number | null;
  };

  it('returns the days of the range, sorted, in the documented shape', async () => {
    const r = await dailyGET(get(`/api/users/${userId}/daily?from=2000-01-01&to=2000-12-31`), params(userId));
    expect(await json(r)).toEqual([]);
    const days = await json<Day[]>(await dailyGET(get(`/api/users/${userId}/daily`), params(userId)));
    expect(days).toHaveLength(3);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
    const d = days[0] as Day;
    expect(Object.keys(d).sort()).toEqual([
      'averageVisitDurationSeconds', 'bounceRate', 'bounces', 'clickedPageViews', 'clicks', 'clicksPerPageView', 'conversionRate', 'convertedSessions', 'ctr', 'day',
      'eventCount', 'eventCounts', 'funnel', 'mostCommonEvents', 'pageViews', 'pagesPerSession', 'sessionPageViews', 'sessions', 'timeSpentSeconds', 'visitTimeMs', 'visitTimeSeconds',
    ]);
    expect(Object.values(d.eventCounts).reduce((a, b) => a + b, 0)).toBe(d.eventCount);
    const max = Math.max(...Object.values(d.eventCounts));
    expect(d.mostCommonEvents).toEqual(Object.keys(d.eventCounts).filter((k) => d.eventCounts[k] === max).sort());
    expect(d.clicksPerPageView).toBe(d.pageViews > 0 ? d.clicks / d.pageViews : null);
    expect(d.ctr).toBe(d.sessionPageViews > 0 ? d.clickedPageViews / d.sessionPageViews : null);
  });

  it('exports CSV', async () => {
    const r = await dailyGET(get(`/api/users/${userId}/daily?format=csv`), params(userId));
    expect((await r.text()).split('\r\n')[0]).toBe(
      'day,eventCount,timeSpentSeconds,mostCommonEvents,clicks,pageViews,clicksPerPageView,sessions,visitTimeSeconds,averageVisitDurationSeconds,bounces,bounceRate,' +
        'sessionPageViews,pagesPerSession,clickedPageViews,ctr,convertedSessions,conversionRate,funnelPageView,funnelAddToCart,funnelPurchase,' +
        'addToCart,click,login,logout,pageView,purchase,removeFromCart,search',
    );
  });

  it('returns minutes', async () => {
    const r = await minutesGET(get(`/api/users/${seedUserId(prefix, 0)}/minutes?from=${new Date(Date.now() - 3_600_000).toISOString()}`), params(seedUserId(prefix, 0)));
    expect(r.status).toBe(200);
    // Exactly these fields, of these types, in every point (parse throws otherwise).
    const points = z.array(z.strictObject({ windowStart: z.string(), eventCount: z.number(), timeSpentSeconds: z.number() })).parse(await json(r));
    expect(points.length).toBeGreaterThan(0);
  });

  it('404s an unknown user and 400s bad input', async () => {
    expect((await dailyGET(get('/api/users/nobody/daily'), params(`${prefix}-nobody`))).status).toBe(404);
    expect((await minutesGET(get('/api/users/nobody/minutes'), params(`${prefix}-nobody`))).status).toBe(404);
    const bad = await dailyGET(get('/api/users/x/daily'), params('<script>'));
    expect(bad.status).toBe(400);
    expect(await errorField(bad)).toBe('userId');
    expect(await errorField(await dailyGET(get('/api/users/x/daily'), params('a'.repeat(129))))).toBe('userId');
    expect(await errorField(await dailyGET(get(`/api/users/${userId}/daily?from=2024-13-01`), params(userId)))).toBe('from');
    expect(await errorField(await minutesGET(get(`/api/users/${userId}/minutes?from=tomorrow`), params(userId)))).toBe('from');
    expect(await errorField(await minutesGET(get(`/api/users/${userId}/minutes?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z`), params(userId)))).toBe('to');
  });
});

describe('POST /api/simulation and GET /api/pipeline', () => {
  it('starts, reports in the pipeline, and stops; double requests are harmless', async () => {
    const [a, b] = await Promise.all([simulationPOST(post({ action: 'start', rate: 50, users: 5 })), simulationPOST(post({ action: 'start', rate: 50, users: 5 }))]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(await json(a)).toMatchObject({ running: true, rate: 50, users: 5 });
    await expect.poll(async () => (await json<{ sent: number }>(await simulationGET())).sent, { timeout: 20_000 }).toBeGreaterThan(0);
    const pipeline = pipelineStatusSchema.parse(await json(await pipelineGET()));
    expect(pipeline).toMatchObject({ topic: cfg.TOPIC_EVENTS, groupId: cfg.WORKER_GROUP_ID, kafka: { reachable: true }, database: { reachable: true } });
    expect(pipeline.simulator.running).toBe(true);
    expect(pipeline.partitions).toHaveLength(2);
    // No worker consumes this run's topic: everything sent is lag.
    await expect.poll(async () => pipelineStatusSchema.parse(await json(await pipelineGET())).totalLag, { timeout: 10_000 }).toBeGreaterThan(0);
    const stopped = await simulationPOST(post({ action: 'stop' }));
    expect(await json(stopped)).toMatchObject({ running: false });
    expect(await json(await simulationPOST(post({ action: 'stop' })))).toMatchObject({ running: false });
  });

  it('refuses other origins, bad bodies, missing tokens and floods', async () => {
    const cross = await simulationPOST(post({ action: 'stop' }, { origin: 'http://evil.example' }));
    expect(cross.status).toBe(403);
    const bad = await simulationPOST(post({ action: 'start', rate: 100_001 }));
    expect(bad.status).toBe(400);
    expect(await errorField(bad)).toBe('rate');
    expect(await errorField(await simulationPOST(post({ action: 'jump' })))).toBe('action');
    expect(await errorField(await simulationPOST(post({ action: 'start', users: 0 })))).toBe('users');

    const token = 'integration-admin-token-0123456789';
    setRuntime({ ...live.runtime, cfg: { ...cfg, ADMIN_TOKEN: token }, controlLimiter: createRateLimiter(2, 0.001) });
    try {
      const noToken = await simulationPOST(post({ action: 'stop' }));
      expect(noToken.status).toBe(401);
      expect(await noToken.text()).not.toContain(token);
      expect((await simulationPOST(post({ action: 'stop' }, { authorization: 'Bearer wrong-token' }))).status).toBe(401);
      expect((await simulationPOST(post({ action: 'stop' }, { authorization: `Bearer ${token}` }))).status).toBe(200);
      expect((await simulationPOST(post({ action: 'stop' }, { authorization: `Bearer ${token}` }))).status).toBe(200);
      const limited = await simulationPOST(post({ action: 'stop' }, { authorization: `Bearer ${token}` }));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      setRuntime(live.runtime);
    }
  });
});

describe('live updates over Socket.IO', () => {
  it('pushes a user snapshot on subscribe and again within 1 s of a NOTIFY', async () => {
    const userId = seedUserId(prefix, 2);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    const updates: UserLiveSnapshot[] = [];
    socket.on('user:update', (s) => updates.push(s));
    try {
      const ack = await new Promise((resolve) => socket.emit('subscribe', `user:${userId}`, resolve));
      expect(ack).toEqual({ ok: true });
      await expect.poll(() => updates.length, { timeout: 5000 }).toBeGreaterThan(0);
      const before = updates.at(-1)?.today?.eventCount ?? 0;

      const bad = await new Promise((resolve) => socket.emit('subscribe', 'user:<x>', resolve));
      expect(bad).toMatchObject({ ok: false });

      const day = new Date(`${today}T00:00:00Z`);
      const notice: CommitNotice = { at: new Date().toISOString(), groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS, partitions: [0], events: 7, invalid: 0, late: 0, users: [userId], usersTruncated: false, days: [today], minutes: [] };
      const t0 = Date.now();
      await db.$transaction(async (tx) => {
        await tx.userDaily.update({ where: { userId_day: { userId, day } }, data: { eventCount: { increment: 7 } } });
        await tx.$executeRaw`SELECT pg_notify(${COMMIT_CHANNEL}, ${JSON.stringify(notice)})`;
      });
      await expect.poll(() => updates.at(-1)?.today?.eventCount, { timeout: 2000, interval: 20 }).toBe(before + 7);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(live.runtime.lastNotice()?.events).toBe(7);
    } finally {
      socket.close();
    }
  });

  it('refuses websocket connections from another origin', async () => {
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: 'http://evil.example' } });
    const result = await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', () => resolve('refused'));
    });
    socket.close();
    expect(result).toBe('refused');
  });
});
