/**
 * Helpers for the pipeline's integration tests, against the real broker and database: fresh
 * databases and topics per test, producing, waiting for commits, reading totals, an independent
 * ground truth, and worker processes that can be SIGKILLed (and never outlive their test file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kafka, Message } from 'kafkajs';
import { afterAll } from 'vitest';
import { config, parseConfig, type Config } from '@/lib/config';
import { createPrisma, type Db } from '@/lib/db/prisma';
import { parseTimestamp } from '@/lib/events/timestamp';
import { eventTypeCountsSql } from '@/lib/metrics/sql';
import { adminQuery as adminQueryOn } from '@/tooling/infra/admin-query';
import { migrate } from '@/tooling/infra/migrate';
import { waitFor } from '@/lib/wait';
import { ensureTopics } from '@/lib/kafka/topics';
import { ChildProcesses, stopProcess } from './child-processes';
import { deleteSeeded } from './seed';

const adminQuery = (sql: string) => adminQueryOn(config().DATABASE_URL, sql);

/** A new, migrated database of its own, so totals can be compared exactly. */
export async function freshDatabase(): Promise<{ url: string; db: Db; drop: () => Promise<void> }> {
  const name = `clickstream_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(config().DATABASE_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString(), path.resolve('prisma/migrations'), () => {});
  const db = createPrisma(url.toString(), 4);
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.$disconnect();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Environment for a pipeline of its own: unique topics and group, a given database. */
export function pipelineEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const id = randomUUID().slice(0, 8);
  return {
    DATABASE_URL: databaseUrl,
    TOPIC_EVENTS: `it.${id}.events`,
    TOPIC_DLQ: `it.${id}.dlq`,
    TOPIC_LATE: `it.${id}.late`,
    WORKER_GROUP_ID: `it-${id}-worker`,
    WORKER_METRICS_PORT: '0',
    EVENTS_PARTITIONS: '6',
    ...extra,
  };
}

export function configFor(env: Record<string, string>): Config {
  return parseConfig({ ...process.env, ...env });
}

export async function createTopics(kafka: Kafka, cfg: Config): Promise<void> {
  await ensureTopics(kafka, cfg);
}

export async function deleteTopics(kafka: Kafka, cfg: Config): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [cfg.TOPIC_EVENTS, cfg.TOPIC_DLQ, cfg.TOPIC_LATE] }).catch(() => {});
  await admin.disconnect();
}

/**
 * Removes what a pipeline of its own left in the shared test database: the aggregates and sessions
 * of its users (ids starting `prefix-`) and the positions and open sessions of its topic.
 */
export async function deletePipelineRows(db: Db, cfg: Config, prefix: string): Promise<void> {
  await deleteSeeded(db, prefix);
  await db.$executeRaw`DELETE FROM partition_state WHERE topic = ${cfg.TOPIC_EVENTS}`;
  await db.$executeRaw`DELETE FROM session_state WHERE topic = ${cfg.TOPIC_EVENTS}`;
}

/** Sends messages in order, in chunks, keyed as given; resolves when all are acknowledged. */
export async function produce(kafka: Kafka, topic: string, messages: Message[], chunk = 2000): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Waits until the worker group has committed `total` messages of the topic. */
export async function waitForCommitted(db: Db, cfg: Config, total: number, timeoutMs = 120_000): Promise<void> {
  let seen = 0n;
  const ok = await waitFor(async () => {
    const rows = await db.partitionState.findMany({ where: { groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS } });
    seen = rows.reduce((s, r) => s + r.nextOffset, 0n);
    return seen >= BigInt(total);
  }, timeoutMs, 200);
  if (!ok) throw new Error(`only ${seen} of ${total} messages committed after ${timeoutMs} ms`);
}

export interface DayTotals {
  eventCount: number;
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  firstEventAt: string;
  lastEventAt: string;
  eventCounts: Record<string, number>;
}

/** Everything in user_daily, with its counts per event type (those above 0), keyed `userId|day`. */
export async function readDailyTotals(db: Db): Promise<Map<string, DayTotals>> {
  const days = await db.userDaily.findMany();
  const types = await db.$queryRaw<{ userId: string; day: string; eventType: string; count: number }[]>`
    SELECT d.user_id AS "userId", to_char(d.day, 'YYYY-MM-DD') AS day, t.event_type AS "eventType", t.count
    FROM user_daily d CROSS JOIN LATERAL ${eventTypeCountsSql('d')} AS t(event_type, count) WHERE t.count > 0`;
  const out = new Map<string, DayTotals>();
  for (const d of days) {
    out.set(`${d.userId}|${d.day.toISOString().slice(0, 10)}`, {
      eventCount: d.eventCount,
      timeSpentSeconds: Number(d.timeSpentSeconds),
      clicks: d.clicks,
      pageViews: d.pageViews,
      firstEventAt: d.firstEventAt.toISOString(),
      lastEventAt: d.lastEventAt.toISOString(),
      eventCounts: {},
    });
  }
  for (const t of types) {
    const entry = out.get(`${t.userId}|${t.day}`);
    if (entry) entry.eventCounts[t.eventType] = t.count;
  }
  return out;
}

/**
 * The expected per-user, per-day totals, computed straight from the events with no code shared
 * with the worker's core (timestamps parsed with the event module's parser, which the worker
 * also trusts).
 */
export function groundTruth(events: { timestamp: string; userId: string; eventType: string; sessionDuration: number }[]): Map<string, DayTotals> {
  const out = new Map<string, DayTotals>();
  for (const e of events) {
    const ms = parseTimestamp(e.timestamp);
    if (ms === undefined) throw new Error(`bad timestamp in ground truth: ${e.timestamp}`);
    const at = new Date(ms).toISOString();
    const key = `${e.userId}|${at.slice(0, 10)}`;
    const t = out.get(key) ?? { eventCount: 0, timeSpentSeconds: 0, clicks: 0, pageViews: 0, firstEventAt: at, lastEventAt: at, eventCounts: {} };
    t.eventCount++;
    t.timeSpentSeconds += e.sessionDuration;
    if (e.eventType === 'click') t.clicks++;
    if (e.eventType === 'pageView') t.pageViews++;
    if (at < t.firstEventAt) t.firstEventAt = at;
    if (at > t.lastEventAt) t.lastEventAt = at;
    t.eventCounts[e.eventType] = (t.eventCounts[e.eventType] ?? 0) + 1;
    out.set(key, t);
  }
  return out;
}

/** Compares two totals maps and lists the first differences (empty when equal). */
export function differences(expected: Map<string, DayTotals>, actual: Map<string, DayTotals>, max = 5): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = JSON.stringify(expected.get(key) ?? null, Object.keys(expected.get(key) ?? {}).sort());
    const a = actual.get(key);
    const ae = expected.get(key);
    const same = a && ae && JSON.stringify({ ...a, eventCounts: Object.entries(a.eventCounts).sort() }) === JSON.stringify({ ...ae, eventCounts: Object.entries(ae.eventCounts).sort() });
    if (!same) diffs.push(`${key}: expected ${e}, got ${JSON.stringify(a ?? null)}`);
    if (diffs.length >= max) break;
  }
  return diffs;
}

/**
 * Every worker spawnWorker starts. The safety net: when the file's tests are over, whatever is
 * still running is stopped (SIGTERM, then SIGKILL), and a test body still running after a
 * timeout can start no more; so no worker outlives its test file, whichever test forgot one.
 */
const workers = new ChildProcesses('a worker (spawnWorker)');
afterAll(() => workers.close("this test file's tests are over"), 60_000);

/** A worker in its own process (plain node with tsx's loader, so SIGKILL reaches the worker itself). */
export function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = workers.start(() =>
    spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && signal === null) process.stderr.write(`worker ${child.pid} exited ${code}: ${stderr}\n`);
  });
  return child;
}

/** Stops a worker: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export function stopWorker(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return stopProcess(child, graceMs);
}

export function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit`)), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000) {
  const consumer = kafka.consumer({ groupId: `it-reader-${randomUUID()}` });
  const got: { value: Buffer | null; headers: Record<string, string>; partition: number; offset: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message, partition }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']));
      got.push({ value: message.value, headers, partition, offset: message.offset });
      return Promise.resolve();
    },
  });
  await waitFor(() => Promise.resolve(got.length >= count), timeoutMs);
  await consumer.disconnect();
  return got;
}

/** The settings sessions depend on, as the test gives them to the worker. */
export interface SessionTruthSettings {
  sessionGapMs: number;
  windowSizeMs: number;
  allowedLatenessMs: number;
  outOfOrdernessMs: number;
}

/** A user_session row as compared: timestamps as ISO strings, offsets as strings. */
export interface SessionTruth {
  userId: string;
  startAt: string;
  endAt: string;
  day: string;
  eventCount: number;
  pageViews: number;
  clickedPageViews: number;
  funnelStep: number;
  converted: boolean;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  final: boolean;
}

/** An event the reference counts (not late): its user, type, event time (ms), reported dwell and place. */
export interface CountedEvent {
  userId: string;
  type: string;
  t: number;
  sessionDuration: number;
  partition: number;
  offset: bigint;
}

/** A record as Kafka holds it (readTopic's answer): where it is and its bytes. */
export interface StoredRecord {
  partition: number;
  offset: string;
  value: Buffer | null;
}

/**
 * The expected user_session table, computed straight from the records as Kafka holds them, with no
 * code shared with the worker: per partition in offset order, an event is late when the end of its
 * window plus the allowed lateness is at or before the watermark (the largest event time so far
 * minus the out-of-orderness); each user's counted events, by time then offset, split where two are
 * a session gap or more apart; a session is final once its end plus the gap is at or before the
 * start of the window holding the partition's last watermark minus the allowed lateness. Every
 * record must be a valid event (the tests that use this produce only those).
 */
export function sessionGroundTruth(records: readonly StoredRecord[], s: SessionTruthSettings): { sessions: Map<string, SessionTruth>; counted: CountedEvent[]; late: number; outOfOrderSessions: number } {
  type Ev = CountedEvent;
  const byPartition = new Map<number, StoredRecord[]>();
  for (const r of records) {
    const list = byPartition.get(r.partition);
    if (list) list.push(r);
    else byPartition.set(r.partition, [r]);
  }
  const counted: Ev[] = [];
  const finalCut = new Map<number, number>();
  let late = 0;
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    let watermark: number | null = null;
    for (const r of list) {
      const e = JSON.parse(r.value?.toString() ?? 'null') as { userId: string; eventType: string; timestamp: string; sessionDuration: number };
      const t = parseTimestamp(e.timestamp);
      if (t === undefined) throw new Error(`bad timestamp in session ground truth: ${e.timestamp}`);
      const windowEnd = Math.floor(t / s.windowSizeMs) * s.windowSizeMs + s.windowSizeMs;
      if (watermark !== null && windowEnd + s.allowedLatenessMs <= watermark) late++;
      else counted.push({ userId: e.userId, type: e.eventType, t, sessionDuration: e.sessionDuration, partition, offset: BigInt(r.offset) });
      watermark = watermark === null ? t - s.outOfOrdernessMs : Math.max(watermark, t - s.outOfOrdernessMs);
    }
    if (watermark !== null) finalCut.set(partition, Math.floor((watermark - s.allowedLatenessMs) / s.windowSizeMs) * s.windowSizeMs);
  }

  const byUser = new Map<string, Ev[]>();
  for (const e of counted) {
    const list = byUser.get(e.userId);
    if (list) list.push(e);
    else byUser.set(e.userId, [e]);
  }
  const sessions = new Map<string, SessionTruth>();
  let outOfOrderSessions = 0;
  for (const [userId, evs] of byUser) {
    evs.sort((a, b) => a.t - b.t || (a.offset < b.offset ? -1 : 1));
    const runs: Ev[][] = [];
    for (const e of evs) {
      const run = runs.at(-1);
      if (run && e.t - (run.at(-1) as Ev).t < s.sessionGapMs) run.push(e);
      else runs.push([e]);
    }
    for (const run of runs) {
      const types = run.map((e) => e.type);
      let clicked = 0;
      for (let i = 0; i < types.length; i++) {
        if (types[i] !== 'pageView') continue;
        let j = i + 1;
        while (j < types.length && types[j] !== 'pageView' && types[j] !== 'click') j++;
        if (types[j] === 'click') clicked++;
      }
      const firstPv = types.indexOf('pageView');
      const cart = firstPv < 0 ? -1 : types.indexOf('addToCart', firstPv + 1);
      const bought = cart < 0 ? -1 : types.indexOf('purchase', cart + 1);
      const offsets = run.map((e) => e.offset).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (run.some((e, i) => i > 0 && e.offset < (run[i - 1] as Ev).offset)) outOfOrderSessions++;
      const first = run[0] as Ev;
      const last = run.at(-1) as Ev;
      const cut = finalCut.get(first.partition) ?? -Infinity;
      const startAt = new Date(first.t).toISOString();
      sessions.set(`${userId}|${startAt}`, {
        userId,
        startAt,
        endAt: new Date(last.t).toISOString(),
        day: startAt.slice(0, 10),
        eventCount: run.length,
        pageViews: types.filter((x) => x === 'pageView').length,
        clickedPageViews: clicked,
        funnelStep: bought >= 0 ? 3 : cart >= 0 ? 2 : firstPv >= 0 ? 1 : 0,
        converted: types.includes('purchase'),
        partition: first.partition,
        firstOffset: String(offsets[0]),
        lastOffset: String(offsets.at(-1)),
        final: last.t + s.sessionGapMs <= cut,
      });
    }
  }
  return { sessions, counted, late, outOfOrderSessions };
}

/** Everything in user_session, keyed `userId|startAt`. */
export async function readUserSessions(db: Db): Promise<Map<string, SessionTruth>> {
  const rows = await db.userSession.findMany();
  return new Map(
    rows.map((r) => [
      `${r.userId}|${r.startAt.toISOString()}`,
      {
        userId: r.userId,
        startAt: r.startAt.toISOString(),
        endAt: r.endAt.toISOString(),
        day: r.day.toISOString().slice(0, 10),
        eventCount: r.eventCount,
        pageViews: r.pageViews,
        clickedPageViews: r.clickedPageViews,
        funnelStep: r.funnelStep,
        converted: r.converted,
        partition: r.partition,
        firstOffset: r.firstOffset.toString(),
        lastOffset: r.lastOffset.toString(),
        final: r.final,
      },
    ]),
  );
}

/** The first differences between two session tables (empty when equal). */
export function sessionDifferences(expected: Map<string, SessionTruth>, actual: Map<string, SessionTruth>, max = 5): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(key);
    const a = actual.get(key);
    if (JSON.stringify(e ?? null) !== JSON.stringify(a ?? null)) diffs.push(`${key}: expected ${JSON.stringify(e ?? null)}, got ${JSON.stringify(a ?? null)}`);
    if (diffs.length >= max) break;
  }
  if (diffs.length > 0) diffs.push(`(${expected.size} sessions expected, ${actual.size} stored)`);
  return diffs;
}

/** The users with open sessions in session_state, and those with a user_session row not final: always the same. */
export async function openSessionUsers(db: Db): Promise<{ state: string[]; rows: string[] }> {
  const state = await db.sessionState.findMany({ select: { userId: true }, orderBy: { userId: 'asc' } });
  const rows = await db.userSession.findMany({ where: { final: false }, select: { userId: true }, distinct: ['userId'], orderBy: { userId: 'asc' } });
  return { state: state.map((r) => r.userId), rows: rows.map((r) => r.userId) };
}
