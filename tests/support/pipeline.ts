/**
 * Helpers for the pipeline's integration tests, against the real broker and database: fresh
 * databases and topics per test, producing, waiting for commits, reading totals, an independent
 * ground truth, and worker processes that can be SIGKILLed (and never outlive their test file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kafka, Message } from 'kafkajs';
import pg from 'pg';
import { afterAll } from 'vitest';
import { config, parseConfig, type Config } from '@/lib/config';
import { createPrisma, type Db } from '@/lib/db/prisma';
import { parseTimestamp } from '@/lib/events/timestamp';
import { migrate } from '@/tooling/infra/migrate';
import { waitFor } from '@/lib/wait';
import { ensureTopics } from '@/lib/kafka/topics';
import { ChildProcesses, stopProcess } from './child-processes';

async function adminQuery(sql: string): Promise<void> {
  const url = new URL(config().DATABASE_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

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

/** Everything in user_daily and user_daily_event, keyed `userId|day`. */
export async function readDailyTotals(db: Db): Promise<Map<string, DayTotals>> {
  const days = await db.userDaily.findMany();
  const types = await db.userDailyEvent.findMany();
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
    const entry = out.get(`${t.userId}|${t.day.toISOString().slice(0, 10)}`);
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
