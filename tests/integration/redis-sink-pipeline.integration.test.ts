/**
 * The worker with both sinks (SINKS=postgres,redis) against the real broker, PostgreSQL and Redis:
 *   - the per-user-day figures are identical in Redis and PostgreSQL and equal to a ground truth
 *     computed here from the records as Kafka holds them (late events included: both lanes make
 *     the same decisions, and only the PostgreSQL lane sends them to the late topic);
 *   - a Redis of the test's own SIGKILLed mid-run: PostgreSQL keeps counting (it finishes the
 *     whole stream while Redis is down), the Redis lag metric grows, and once Redis is back it
 *     catches up exactly from its own stored positions.
 */
import type { Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createKafka } from '@/lib/kafka/client';
import { redisKeys } from '@/lib/redis/keys';
import { waitFor } from '@/lib/wait';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, readTopic, sessionGroundTruth, waitForCommitted } from '@/tests/support/pipeline';
import { deleteUnder, readRedisDailyTotals, readRedisMinutes, redisCommitted, startOwnRedis, testRedis, uniquePrefix, waitForRedisCommitted } from '@/tests/support/redis';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Pipeline {
  cfg: Config;
  kafka: ReturnType<typeof createKafka>;
  db: Db;
  worker: Worker;
  redis: Redis;
  prefix: string;
}

async function pipeline(redisUrl = 'redis://127.0.0.1:6379'): Promise<Pipeline> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const prefix = uniquePrefix();
  const redis = testRedis(redisUrl);
  cleanups.push(async () => {
    await deleteUnder(redis, prefix).catch(() => {});
    redis.disconnect();
  });
  const cfg = configFor(pipelineEnv(database.url, { SINKS: 'postgres,redis', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix }));
  const kafka = createKafka(cfg, 'it-redis');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  const worker = createWorker({ cfg, kafka, sinkLagMs: 300 });
  await worker.start();
  cleanups.push(() => worker.stop());
  return { cfg, kafka, db: database.db, worker, redis, prefix };
}

/** Every figure of the stream as the records stand in Kafka: the events the rules count, and how many are late. */
async function truthOf(p: Pipeline, total: number) {
  const records = await readTopic(p.kafka, p.cfg.TOPIC_EVENTS, total, 120_000);
  expect(records).toHaveLength(total);
  const t = sessionGroundTruth(records, { sessionGapMs: p.cfg.SESSION_GAP_MS, windowSizeMs: p.cfg.WINDOW_SIZE_MS, allowedLatenessMs: p.cfg.ALLOWED_LATENESS_MS, outOfOrdernessMs: p.cfg.OUT_OF_ORDERNESS_MS });
  const days = groundTruth(t.counted.map((e) => ({ timestamp: new Date(e.t).toISOString(), userId: e.userId, eventType: e.type, sessionDuration: e.sessionDuration })));
  return { days, late: t.late, counted: t.counted.length };
}

async function sinkLagMetric(worker: Worker): Promise<number | null> {
  const text = await (await fetch(`${worker.endpoint()}/metrics`)).text();
  const m = /^clickstream_worker_sink_lag\{sink="redis"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** Slices of one simulated stream, and now and then an event far behind (late) or a little behind (counted). */
function stream(seed: number, start: string) {
  const sequence = createEventSequence({ seed, users: 500, clock: simulatedClock(Date.parse(start), 200) });
  let n = 0;
  return (count: number): Message[] => {
    const out: Message[] = [];
    for (const m of sequence.take(count)) {
      out.push({ key: m.key, value: m.value });
      if (++n % 500 === 0) {
        const e = m.event as ClickstreamEvent;
        const behindMs = n % 1000 === 0 ? 3_600_000 : 120_000; // an hour: late; two minutes: counted
        const back = { ...e, timestamp: new Date(Date.parse(e.timestamp) - behindMs).toISOString() };
        out.push({ key: m.key, value: JSON.stringify(back) });
      }
    }
    return out;
  };
}

describe('Redis sink beside PostgreSQL', () => {
  it('ground truth: per-user-day figures identical in Redis and PostgreSQL, late events decided alike and sent once', async () => {
    const p = await pipeline();
    const next = stream(5, '2026-01-15T23:59:00Z');
    const messages = next(30_000);
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages);
    await waitForCommitted(p.db, p.cfg, messages.length, 180_000);
    await waitForRedisCommitted(p.redis, p.prefix, p.cfg.TOPIC_EVENTS, messages.length, 180_000);

    const truth = await truthOf(p, messages.length);
    expect(truth.late, 'the stream has late events').toBeGreaterThan(20);
    const pg = await readDailyTotals(p.db);
    const rd = await readRedisDailyTotals(p.redis, p.prefix);
    expect(new Set([...truth.days.keys()].map((k) => k.split('|')[1])).size, 'the stream crosses midnight').toBe(2);
    expect(differences(truth.days, pg)).toEqual([]);
    expect(differences(truth.days, rd)).toEqual([]);
    expect(differences(pg, rd)).toEqual([]);
    expect(rd.size).toBe(truth.days.size);

    // Per user and minute, as user_minute.
    const minutes = await p.db.userMinute.findMany();
    const rdMinutes = await readRedisMinutes(p.redis, p.prefix);
    expect(rdMinutes.size).toBe(minutes.length);
    for (const m of minutes) expect(rdMinutes.get(`${m.userId}|${m.windowStart.toISOString()}`), m.userId).toEqual([m.eventCount, Number(m.timeSpentSeconds)]);

    // Top users of a day: the sorted sets hold each user's day totals.
    const keys = redisKeys(p.prefix);
    const day = '2026-01-16';
    const top = await p.redis.zrevrange(keys.topTime(day), 0, 9, 'WITHSCORES');
    for (let i = 0; i < top.length; i += 2) expect(Number(top[i + 1]), top[i]).toBe(pg.get(`${top[i]}|${day}`)?.timeSpentSeconds);
    const events = await p.redis.zrevrange(keys.topEvents(day), 0, -1, 'WITHSCORES');
    expect(events.length / 2).toBe([...pg.keys()].filter((k) => k.endsWith(`|${day}`)).length);

    // The same decisions: counters alike; the late topic got each late event once (from the PostgreSQL lane only).
    const state = await p.db.partitionState.findMany({ where: { topic: p.cfg.TOPIC_EVENTS } });
    const rdState = await redisCommitted(p.redis, p.prefix, p.cfg.TOPIC_EVENTS);
    expect(state.reduce((s, r) => s + Number(r.late), 0)).toBe(truth.late);
    expect(rdState.late).toBe(truth.late);
    expect(rdState.processed).toBe(truth.counted);
    const late = await readTopic(p.kafka, p.cfg.TOPIC_LATE, truth.late + 1, 5_000);
    expect(late).toHaveLength(truth.late);
    expect(await sinkLagMetric(p.worker)).not.toBeNull();
    expect(await waitFor(async () => (await sinkLagMetric(p.worker)) === 0, 10_000, 200)).toBe(true);
  }, 240_000);

  it('Redis SIGKILLed and restarted mid-run: PostgreSQL is not held back, the lag shows, and Redis catches up exactly', async () => {
    const server = await startOwnRedis();
    cleanups.push(() => server.stop());
    const p = await pipeline(server.url);
    const next = stream(9, '2026-02-01T10:00:00Z');
    const sent: Message[] = [];
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch = next(2000);
        await produce(p.kafka, p.cfg.TOPIC_EVENTS, batch);
        sent.push(...batch);
        await sleep(200);
      }
    })();
    cleanups.push(async () => {
      producing = false;
      await producer.catch(() => {});
    });
    const pgCommitted = async () => (await p.db.partitionState.findMany({ where: { topic: p.cfg.TOPIC_EVENTS } })).reduce((s, r) => s + Number(r.nextOffset), 0);

    // Both sinks counting, then Redis dies mid-run.
    expect(await waitFor(async () => (await redisCommitted(p.redis, p.prefix, p.cfg.TOPIC_EVENTS)).next > 5000, 60_000, 100)).toBe(true);
    await server.kill();
    const pgAtKill = await pgCommitted();
    // Nothing sent after this can be in Redis: at most the slice being sent now (2000 and its few extra events) was.
    const sentAtKill = sent.length + 2100;

    // PostgreSQL goes on: past where it was, and (once the producer stops) to the end, while Redis is still down.
    expect(await waitFor(async () => (await pgCommitted()) > pgAtKill + 6000, 60_000, 100), 'PostgreSQL commits while Redis is down').toBe(true);
    // Enough sent while Redis is down for the lag to show it (PostgreSQL may reach the mark above on what was sent before).
    expect(await waitFor(() => Promise.resolve(sent.length - sentAtKill > 4000), 60_000, 100), 'events sent while Redis is down').toBe(true);
    producing = false;
    await producer;
    await waitForCommitted(p.db, p.cfg, sent.length, 120_000);
    expect(await p.redis.ping().catch(() => 'down')).toBe('down');
    // The lag covers at least what was sent since Redis went down.
    let lag: number | null = null;
    expect(sent.length - sentAtKill).toBeGreaterThan(4000);
    expect(await waitFor(async () => ((lag = await sinkLagMetric(p.worker)) ?? 0) >= sent.length - sentAtKill, 20_000, 200), `lag ${lag}`).toBe(true);
    expect(p.worker.health().redis?.retrying).not.toBeNull();
    expect(p.worker.health().status).toBe('ok');

    await server.start();
    await waitForRedisCommitted(p.redis, p.prefix, p.cfg.TOPIC_EVENTS, sent.length, 120_000);
    const truth = await truthOf(p, sent.length);
    const pg = await readDailyTotals(p.db);
    const rd = await readRedisDailyTotals(p.redis, p.prefix);
    expect(differences(truth.days, pg)).toEqual([]);
    expect(differences(truth.days, rd)).toEqual([]);
    expect((await redisCommitted(p.redis, p.prefix, p.cfg.TOPIC_EVENTS)).processed).toBe(truth.counted);
    expect(await waitFor(async () => (await sinkLagMetric(p.worker)) === 0, 20_000, 200), 'the lag is 0 once Redis caught up').toBe(true);
  }, 300_000);
});
