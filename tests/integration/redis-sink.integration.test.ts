/**
 * The Redis sink's commit script against the real Redis (the machine's, under a key prefix of this
 * file's own): the fence on the stored offset, the increments and their key layout, the position
 * it stores and loads, refusals, and a batch that would fail half-way written not at all.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log';
import { createRedis } from '@/lib/redis/client';
import { redisKeys } from '@/lib/redis/keys';
import { addEvent, createAggregate, type Aggregate } from '@/worker/core/aggregate';
import { RedisSink } from '@/worker/shell/redis-sink';
import type { BatchCommit } from '@/worker/shell/sink';
import { configFor } from '@/tests/support/pipeline';
import { createRedisSinkStatusReader } from '@/web/live/redis-sink-status';
import { deleteUnder, readRedisDailyTotals, testRedis, uniquePrefix } from '@/tests/support/redis';

const prefix = uniquePrefix();
const keys = redisKeys(prefix);
const redis = testRedis();
// The sink's client queues nothing while it connects (the worker retries instead), so the tests
// start once it is connected.
const sinkRedis = createRedis('redis://127.0.0.1:6379', logger('test'), 'test');
const sink = new RedisSink(sinkRedis, { prefix, minuteTtlSeconds: 3600, now: () => 1_700_000_000_000 });
beforeAll(async () => {
  if (sinkRedis.status !== 'ready') await once(sinkRedis, 'ready');
});
afterAll(async () => {
  await deleteUnder(redis, prefix);
  redis.disconnect();
  await sink.close();
});
beforeEach(() => deleteUnder(redis, prefix));

const T = Date.parse('2026-05-04T10:00:30Z');
function agg(events: [string, string, number, number][]): Aggregate {
  const a = createAggregate();
  for (const [userId, eventType, eventTimeMs, sessionDuration] of events) addEvent(a, { userId, eventType, eventTimeMs, sessionDuration }, 60_000);
  return a;
}

function batch(expected: bigint | null, next: bigint, aggregate = agg([]), more: Partial<BatchCommit> = {}): BatchCommit {
  return {
    groupId: 'g',
    topic: 't',
    partition: 0,
    expectedNextOffset: expected,
    nextOffset: next,
    watermarkMs: T - 5000,
    clusterId: 'cluster-1',
    lastRecord: { timestampMs: T, crc: 123 },
    aggregate,
    counted: aggregate.userDays.size,
    invalid: 0,
    late: 0,
    expired: 0n,
    notice: null,
    ...more,
  };
}

describe('Redis sink', () => {
  it('fences every commit on the stored next offset and writes nothing when fenced', async () => {
    const a = agg([['u:1', 'click', T, 10]]);
    expect(await sink.loadPosition('t', 0)).toBeNull();
    expect(await sink.commit(batch(null, 5n, a))).toBe('committed');
    // A first position where one exists, a stale offset, an offset ahead: all refused.
    expect(await sink.commit(batch(null, 6n, a))).toBe('fenced');
    expect(await sink.commit(batch(4n, 6n, a))).toBe('fenced');
    expect(await sink.commit(batch(6n, 7n, a))).toBe('fenced');
    expect((await readRedisDailyTotals(redis, prefix)).get('u:1|2026-05-04')?.eventCount).toBe(1);
    expect((await sink.loadPosition('t', 0))?.nextOffset).toBe(5n);
    // The right one goes through.
    expect(await sink.commit(batch(5n, 9n, a))).toBe('committed');
    expect((await readRedisDailyTotals(redis, prefix)).get('u:1|2026-05-04')?.eventCount).toBe(2);
    // Another partition has its own position.
    expect(await sink.commit(batch(null, 1n, a, { partition: 1 }))).toBe('committed');
    expect((await sink.loadPosition('t', 1))?.nextOffset).toBe(1n);
  });

  it('stores the position (watermark, cluster, last record, counters) and loads it back without sessions', async () => {
    expect(await sink.commit(batch(null, 10n, agg([]), { counted: 7, invalid: 2, late: 1, expired: 3n }))).toBe('committed');
    expect(await sink.loadPosition('t', 0)).toEqual({ nextOffset: 10n, watermarkMs: T - 5000, clusterId: 'cluster-1', lastRecord: { timestampMs: T, crc: 123 }, openSessions: [] });
    expect(await sink.commit(batch(10n, 11n, agg([]), { watermarkMs: null, lastRecord: null }))).toBe('committed');
    expect(await sink.loadPosition('t', 0)).toEqual({ nextOffset: 11n, watermarkMs: null, clusterId: 'cluster-1', lastRecord: null, openSessions: [] });
    expect(await redis.hgetall(keys.position('t', 0))).toMatchObject({ processed: '7', invalid: '2', late: '1', expired: '3', groupId: 'g', updatedAtMs: '1700000000000' });
  });

  it('writes the per-user-day, top-user, per-minute and global keys as documented', async () => {
    const a = agg([
      ['ann', 'pageView', T, 30],
      ['ann', 'click', T + 60_000, 5],
      ['bob', 'pageView', T - 3_600_000, 100],
    ]);
    expect(await sink.commit(batch(null, 3n, a))).toBe('committed');
    // A second batch moves first/last only outward and adds to the counts.
    expect(await sink.commit(batch(3n, 4n, agg([['ann', 'purchase', T - 60_000, 1]])))).toBe('committed');
    expect(await redis.hgetall(keys.userDay('ann', '2026-05-04'))).toEqual({
      events: '3',
      timeSpentSeconds: '36',
      clicks: '1',
      pageViews: '1',
      firstEventMs: String(T - 60_000),
      lastEventMs: String(T + 60_000),
      'type:pageView': '1',
      'type:click': '1',
      'type:purchase': '1',
    });
    expect(await redis.zrevrange(keys.topTime('2026-05-04'), 0, -1, 'WITHSCORES')).toEqual(['bob', '100', 'ann', '36']);
    expect(await redis.zrevrange(keys.topEvents('2026-05-04'), 0, -1, 'WITHSCORES')).toEqual(['ann', '3', 'bob', '1']);
    const minute = keys.userMinute('ann', Date.parse('2026-05-04T10:00:00Z'));
    expect(minute).toBe(`${prefix}user:ann:minute:2026-05-04T10:00:00.000Z`);
    expect(await redis.hgetall(minute)).toEqual({ events: '1', timeSpentSeconds: '30' });
    const ttl = await redis.ttl(minute);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await redis.hgetall(keys.globalMinute(Date.parse('2026-05-04T10:00:00Z')))).toEqual({ pageView: '1' });
    expect(await redis.ttl(keys.userDay('ann', '2026-05-04'))).toBe(-1); // days do not expire
  });

  it('records a refusal, and a commit clears it', async () => {
    await sink.setBlocked('t', 0, 'the stored position belongs elsewhere');
    expect(await redis.get(keys.refused('t', 0))).toBe('the stored position belongs elsewhere');
    await sink.setBlocked('t', 0, null);
    expect(await redis.exists(keys.refused('t', 0))).toBe(0);
    await sink.setBlocked('t', 0, 'again');
    expect(await sink.commit(batch(null, 1n))).toBe('committed');
    expect(await redis.exists(keys.refused('t', 0))).toBe(0);
  });

  it('writes nothing of a batch when one of its keys holds another type (no half-applied script)', async () => {
    expect(await sink.commit(batch(null, 1n, agg([['ann', 'click', T, 1]])))).toBe('committed');
    await redis.set(keys.userDay('zed', '2026-05-04'), 'not a hash');
    const bad = agg([['ann', 'click', T, 1], ['zed', 'click', T, 1]]);
    await expect(sink.commit(batch(1n, 2n, bad))).rejects.toThrow(/WRONGTYPE .*nothing of this batch was written/);
    expect(await redis.hget(keys.userDay('ann', '2026-05-04'), 'events')).toBe('1');
    expect(await redis.zscore(keys.topEvents('2026-05-04'), 'ann')).toBe('1');
    expect((await sink.loadPosition('t', 0))?.nextOffset).toBe(1n);
  });

  it("gives the pipeline panel the sink's lag from Kafka's ends and its stored offsets, and says when Redis does not answer", async () => {
    expect(await sink.commit(batch(null, 40n, agg([]), { topic: 'panel' }))).toBe('committed');
    const cfg = configFor({ SINKS: 'postgres,redis', REDIS_KEY_PREFIX: prefix, TOPIC_EVENTS: 'panel' });
    const reader = createRedisSinkStatusReader(cfg, logger('test'));
    try {
      const ends = [{ partition: 0, low: 0, high: 100 }, { partition: 1, low: 10, high: 25 }];
      let status = await reader.read(ends);
      for (let i = 0; i < 20 && !status.reachable; i++) status = await new Promise((r) => setTimeout(r, 100)).then(() => reader.read(ends));
      expect(status).toEqual({ lag: 60 + 15, reachable: true, error: null });
      expect(await reader.read(undefined)).toEqual({ lag: null, reachable: true, error: null });
    } finally {
      await reader.close();
    }
    const down = createRedisSinkStatusReader(configFor({ SINKS: 'postgres,redis', REDIS_URL: 'redis://127.0.0.1:1', TOPIC_EVENTS: 'panel' }), logger('test'));
    try {
      expect(await down.read([{ partition: 0, low: 0, high: 1 }])).toMatchObject({ lag: null, reachable: false });
    } finally {
      await down.close();
    }
  });
});
