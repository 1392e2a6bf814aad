/**
 * Exactly-once in both sinks under failure: two worker processes with SINKS=postgres,redis, one
 * SIGKILLed again and again mid-run (each kill lands inside both lanes' batches) and restarted.
 * The per-user-day figures in PostgreSQL and in Redis must both equal the ground truth.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKafka } from '@/lib/kafka/client';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, readDailyTotals, waitForCommitted } from '@/tests/support/pipeline';
import { killRun } from '@/tests/support/kill-run';
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

    /** Both sinks' committed offsets, summed. */
    const committed = async () => {
      const rows = await database.db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
      return [rows.reduce((s, r) => s + Number(r.nextOffset), 0), (await redisCommitted(redis, prefix, cfg.TOPIC_EVENTS)).next];
    };
    // Each kill waits until both sinks committed more: it lands mid-run for both lanes.
    const { events } = await killRun({ env, kafka, cfg, cleanups, seed: 13, startIso: '2026-03-01T23:58:00Z', committed });
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
