/**
 * The session endpoints on what the real worker writes: the fixture's events (tests/support/
 * session-fixture.ts: two UTC days, a session crossing midnight, events exactly the gap apart,
 * ties, a late event, disorder) are produced to a topic of this run and counted by a worker
 * process; then the API's sessions, per-day session metrics and session pages must equal the
 * fixture's independent computation from the raw events (the late event in none of them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as dailyGET } from '@/app/api/users/[userId]/daily/route';
import { GET as sessionGET } from '@/app/api/users/[userId]/sessions/[start]/route';
import { GET as sessionsGET } from '@/app/api/users/[userId]/sessions/route';
import type { UserDaySummary, UserSessionDetail, UserSessionRow, UserSessionsPage } from '@/lib/contracts/dashboard';
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { createKafka } from '@/lib/kafka/client';
import { logger } from '@/lib/log';
import { createSimulator } from '@/simulator/runner';
import { startLive, type Live } from '@/web/live/start-live';
import { configFor, deletePipelineRows, deleteTopics, pipelineEnv, spawnWorker, stopWorker, waitForCommitted } from '@/tests/support/pipeline';
import { dayOfMs, expectedEvents, expectedEventStats, expectedRow, expectedSessionStats, sessionFixture, type RawEvent, type TruthSession } from '@/tests/support/session-fixture';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';

const run = `sw${process.pid}${Date.now().toString(36)}`;
const prefix = `${run}u`;
const env = pipelineEnv(config().DATABASE_URL, { EVENTS_PARTITIONS: '2' });
const cfg = configFor(env);
const db = createPrisma(cfg.DATABASE_URL, 2);
const kafka = createKafka(cfg, `${run}-web`);
const simulator = createSimulator(kafka, cfg);
const fixture = sessionFixture(prefix, cfg.SESSION_GAP_MS);
const { TODAY, DAY1, DAY2, users } = fixture;
let live: Live;
let worker: ChildProcess | undefined;
let events: RawEvent[] = [];
let counted: RawEvent[] = [];
let truth: TruthSession[] = [];

beforeAll(async () => {
  events = fixture.rawEvents();
  await fixture.produceAll(kafka, cfg.TOPIC_EVENTS, events);
  counted = events.filter((e) => !e.late);
  truth = fixture.sessionize(events);
  worker = spawnWorker(env);
  await waitForCommitted(db, cfg, events.length);
  live = startLive({ httpServer: http.createServer(), cfg, kafka, simulator, log: logger('test-web-sessions-worker'), relay: false });
}, 180_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await simulator.close();
  await live?.close();
  await deletePipelineRows(db, cfg, prefix);
  await db.$disconnect();
  await deleteTopics(kafka, cfg);
});

const get = (path: string) => new Request(`http://127.0.0.1${path}`);
const json = async <T>(r: Response) => (await r.json()) as T;
/** The worker decides when a session is final (its watermark); everything else must be the fixture's. */
const withoutFinal = ({ final: _, ...rest }: UserSessionRow) => rest;

describe('the API on sessions the worker wrote', () => {
  it('counted every event but the late one', async () => {
    const stored = await db.userDaily.aggregate({ where: { userId: { startsWith: prefix } }, _sum: { eventCount: true } });
    expect(stored._sum.eventCount).toBe(counted.length);
    expect(events.length - counted.length).toBe(1);
  });

  it('lists each user’s sessions as the independent computation cuts them', async () => {
    for (const userId of users) {
      const r = await sessionsGET(get(`/api/users/${userId}/sessions?from=${DAY1}&to=${TODAY}&limit=500`), { params: Promise.resolve({ userId }) });
      const page = await json<UserSessionsPage>(r);
      const expected = truth.filter((s) => s.userId === userId).sort((a, b) => b.startMs - a.startMs).map((s) => withoutFinal(expectedRow(s)));
      expect(page.sessions.map(withoutFinal), userId).toEqual(expected);
    }
  });

  it('gives each day’s session metrics as the independent computation', async () => {
    for (const userId of users) {
      const r = await dailyGET(get(`/api/users/${userId}/daily?from=${DAY1}&to=${TODAY}`), { params: Promise.resolve({ userId }) });
      const days = await json<UserDaySummary[]>(r);
      const expected = [...new Set([DAY1, DAY2, TODAY])]
        .filter((day) => counted.some((e) => e.userId === userId && dayOfMs(e.timeMs) === day))
        .map((day) => ({
          day,
          ...expectedEventStats(counted.filter((e) => e.userId === userId && dayOfMs(e.timeMs) === day)),
          ...expectedSessionStats(truth.filter((s) => s.userId === userId && dayOfMs(s.startMs) === day)),
        }));
      expect(days, userId).toEqual(expected);
    }
  });

  it('shows every session’s events, read back from Kafka at the offsets the worker stored', async () => {
    for (const s of truth) {
      const r = await sessionGET(get(`/api/users/${s.userId}/sessions/${s.startMs}`), { params: Promise.resolve({ userId: s.userId, start: String(s.startMs) }) });
      expect(r.status).toBe(200);
      const d = await json<UserSessionDetail>(r);
      expect(d.kafka).toMatchObject({ partition: s.events[0]?.partition, firstOffset: String(s.firstOffset), lastOffset: String(s.lastOffset) });
      expect(d.eventsStatus, `${s.userId} ${s.startMs}`).toBe('complete');
      expect(d.events).toEqual(expectedEvents(s));
    }
  });
});
