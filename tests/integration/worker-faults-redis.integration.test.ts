/**
 * Exactly-once in both sinks under failure: two worker processes with SINKS=postgres,redis, one
 * SIGKILLed again and again mid-run (each kill lands inside both lanes' batches) and restarted.
 * The per-user-day figures in PostgreSQL and in Redis must both equal the ground truth.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, spawnWorker, stopWorker, waitForCommitted, waitForExit } from '@/tests/support/pipeline';
import { deleteUnder, readRedisDailyTotals, redisCommitted, testRedis, uniquePrefix, waitForRedisCommitted } from '@/tests/support/redis';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('worker faults with both sinks', () => {
  it('a worker SIGKILLed again and again (two in the group), and restarted, leaves PostgreSQL and Redis exactly equal to the ground truth', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const prefix = uniquePrefix();
    const redis = testRedis();
    cleanups.push(async () => {
      await deleteUnder(redis, prefix);
      redis.disconnect();
    });
    const env = pipelineEnv(database.url, { WORKER_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'error', SINKS: 'postgres,redis', REDIS_KEY_PREFIX: prefix });
    const cfg = configFor(env);
    const kafka = createKafka(cfg, 'it-faults-redis');
    await createTopics(kafka, cfg);
    cleanups.push(() => deleteTopics(kafka, cfg));

    let over = false;
    const respawn = () => {
      if (over) throw new Error('the test is over (failed or timed out): not restarting a worker');
      return spawnWorker(env);
    };
    const workers: ChildProcess[] = [respawn(), respawn()];
    cleanups.push(async () => {
      over = true;
      await Promise.all(workers.map((w) => stopWorker(w)));
    });

    const sequence = createEventSequence({ seed: 13, users: 500, clock: simulatedClock(Date.parse('2026-03-01T23:58:00Z'), 200) });
    const events: ClickstreamEvent[] = [];
    let killing = true;
    const producing = (async () => {
      while (!over && (killing || events.length < 40_000)) {
        const batch = sequence.take(2000);
        await produce(kafka, cfg.TOPIC_EVENTS, batch.map((m) => ({ key: m.key, value: m.value })));
        events.push(...batch.map((m) => m.event as ClickstreamEvent));
        await sleep(250);
      }
    })();
    cleanups.push(async () => {
      over = true;
      await producing.catch(() => {});
    });

    /** Both sinks' committed offsets, summed. */
    const committed = async () => {
      const rows = await database.db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
      return { pg: rows.reduce((s, r) => s + Number(r.nextOffset), 0), redis: (await redisCommitted(redis, prefix, cfg.TOPIC_EVENTS)).next };
    };
    for (let round = 0; round < 6; round++) {
      // Kill only once both sinks have committed more since the last kill: mid-run for both lanes.
      const before = await committed();
      const moved = await waitFor(async () => {
        const now = await committed();
        return now.pg > before.pg && now.redis > before.redis;
      }, 90_000, 100);
      expect(moved, `both sinks made progress before kill ${round + 1}`).toBe(true);
      await sleep(Math.random() * 300);
      const i = round % 2;
      workers[i]?.kill('SIGKILL');
      await waitForExit(workers[i] as ChildProcess);
      workers[i] = respawn();
    }
    killing = false;
    await producing;
    await waitForCommitted(database.db, cfg, events.length, 240_000);
    await waitForRedisCommitted(redis, prefix, cfg.TOPIC_EVENTS, events.length, 240_000);

    const truth = groundTruth(events);
    const pg = await readDailyTotals(database.db);
    const rd = await readRedisDailyTotals(redis, prefix);
    expect(differences(truth, pg)).toEqual([]);
    expect(differences(truth, rd)).toEqual([]);
    expect(rd.size).toBe(truth.size);
    expect((await redisCommitted(redis, prefix, cfg.TOPIC_EVENTS)).processed).toBe(events.length);
    // Two processes of two lanes each, restarted six times: about a minute alone, longer on a busy machine.
  }, 360_000);
});
