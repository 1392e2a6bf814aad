/**
 * The Redis sink: the same per-user figures as PostgreSQL's user_daily (with its counts per type) /
 * user_minute (and global_minute), kept as Redis hashes and per-day sorted sets for services that
 * want counters (personalisation, rate limits, leaderboards). Exactly-once on its own: each batch
 * is one atomic Lua script fenced on this sink's own stored offset (redis-commit-script.ts), and
 * the position lives in Redis with the counters, so a Redis that lost its data also lost its
 * position and is counted again from Kafka's earliest offset.
 *
 * Redis keeps no sessions: loadPosition returns no open sessions, and the sessions a commit
 * carries are ignored (session metrics live in PostgreSQL only). The core still tracks sessions
 * in memory for this lane; nothing it decides about counting depends on them.
 *
 * One Redis server (not Redis Cluster): the script writes keys it builds from the batch.
 */
import type { Redis } from 'ioredis';
import { readNextOffsets } from '@/lib/redis/client';
import { redisKeys, type RedisKeys } from '@/lib/redis/keys';
import type { Aggregate } from '@/worker/core/aggregate';
import { COMMIT_SCRIPT } from './redis-commit-script';
import type { AggregateSink, BatchCommit, CommitOutcome, StoredPartition } from './sink';

const COMMAND = 'clickstreamCommit';

/** The client with the script defined on it (ioredis sends it as EVALSHA, loading it once when Redis lacks it). */
type WithCommit = Redis & { [COMMAND](positionKey: string, refusedKey: string, expectedNextOffset: string, batch: string): Promise<unknown> };

/** The batch as the script reads it: arrays rather than objects, to keep large batches small. */
export interface RedisBatchJson {
  prefix: string;
  ttl: number;
  /** [userId, day, events, timeSpentSeconds, clicks, pageViews, firstEventMs, lastEventMs, {eventType: count}] */
  days: [string, string, number, number, number, number, string, string, Record<string, number>][];
  /** [userId, window start ISO, events, timeSpentSeconds] */
  mins: [string, string, number, number][];
  /** [window start ISO, eventType, count] */
  glob: [string, string, number][];
  pos: { next: string; wm: string; cluster: string; ts: string; crc: string; group: string; at: string; counted: number; invalid: number; late: number; expired: string };
}

export interface RedisSinkOptions {
  prefix: string;
  minuteTtlSeconds: number;
  /** The clock for the position's updatedAtMs (for operators only). */
  now?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function redisBatchJson(b: BatchCommit, o: RedisSinkOptions, atMs: number): RedisBatchJson {
  const agg: Aggregate = b.aggregate;
  return {
    prefix: o.prefix,
    ttl: o.minuteTtlSeconds,
    days: [...agg.userDays.values()].map((d) => [d.userId, d.day, d.eventCount, d.timeSpentSeconds, d.clicks, d.pageViews, String(d.firstEventMs), String(d.lastEventMs), { ...d.eventCounts }]),
    mins: [...agg.userWindows.values()].map((w) => [w.userId, iso(w.windowStartMs), w.eventCount, w.timeSpentSeconds]),
    glob: [...agg.globalWindows.values()].map((g) => [iso(g.windowStartMs), g.eventType, g.count]),
    pos: {
      next: b.nextOffset.toString(),
      wm: b.watermarkMs === null ? '' : String(b.watermarkMs),
      cluster: b.clusterId,
      ts: b.lastRecord === null ? '' : String(b.lastRecord.timestampMs),
      crc: b.lastRecord === null ? '' : String(b.lastRecord.crc),
      group: b.groupId,
      at: String(atMs),
      counted: b.counted,
      invalid: b.invalid,
      late: b.late,
      expired: b.expired.toString(),
    },
  };
}

export class RedisSink implements AggregateSink {
  private readonly keys: RedisKeys;
  private readonly redis: WithCommit;

  constructor(redis: Redis, private readonly o: RedisSinkOptions) {
    this.keys = redisKeys(o.prefix);
    redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: COMMIT_SCRIPT });
    this.redis = redis as WithCommit;
  }

  async loadPosition(topic: string, partition: number): Promise<StoredPartition | null> {
    const h = await this.redis.hgetall(this.keys.position(topic, partition));
    const next = h.nextOffset;
    if (next === undefined) return null;
    const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    const ts = num(h.lastRecordTs);
    const crc = num(h.lastRecordCrc);
    return {
      nextOffset: BigInt(next),
      watermarkMs: num(h.watermarkMs),
      clusterId: h.clusterId === undefined || h.clusterId === '' ? null : h.clusterId,
      lastRecord: ts !== null && crc !== null ? { timestampMs: ts, crc } : null,
      openSessions: [],
    };
  }

  async commit(b: BatchCommit): Promise<CommitOutcome> {
    const batch = redisBatchJson(b, this.o, (this.o.now ?? Date.now)());
    const expected = b.expectedNextOffset === null ? '' : b.expectedNextOffset.toString();
    const reply = await this.redis[COMMAND](this.keys.position(b.topic, b.partition), this.keys.refused(b.topic, b.partition), expected, JSON.stringify(batch));
    if (reply === 'committed' || reply === 'fenced') return reply;
    throw new Error(`the Redis sink's commit script answered ${JSON.stringify(reply)}`);
  }

  /** The stored next offsets of these partitions (null: none stored), in one round trip: for the sink's lag. */
  nextOffsets(topic: string, partitions: readonly number[]): Promise<(bigint | null)[]> {
    return readNextOffsets(this.redis, partitions.map((p) => this.keys.position(topic, p)));
  }

  async setBlocked(topic: string, partition: number, reason: string | null): Promise<void> {
    const key = this.keys.refused(topic, partition);
    if (reason === null) await this.redis.del(key);
    else await this.redis.set(key, reason);
  }

  close(): Promise<void> {
    // Every commit has been awaited by now; nothing is in flight to flush.
    this.redis.disconnect();
    return Promise.resolve();
  }
}
