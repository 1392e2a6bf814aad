/**
 * The Redis sink's line of the pipeline status (only when SINKS includes redis): its lag, read
 * cheaply from what is already at hand: the topic's partition ends (the offsets reader the
 * pipeline status uses anyway) minus the next offsets the Redis sink stored (one pipelined HGET per
 * partition). A partition with nothing stored in Redis is behind by everything still in the log.
 */
import type { Redis } from 'ioredis';
import type { Config } from '@/lib/config';
import type { Logger } from '@/lib/log';
import { createRedis, readNextOffsets } from '@/lib/redis/client';
import { redisKeys } from '@/lib/redis/keys';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';
import type { PartitionOffsets } from './topic-offsets';
import { withTimeout } from './with-timeout';

export type RedisSinkStatus = NonNullable<PipelineStatus['redisSink']>;

export interface RedisSinkStatusReader {
  /** `offsets`: the partitions' offsets when Kafka answered (undefined: it did not, so the lag is unknown). */
  read(offsets: PartitionOffsets[] | undefined): Promise<RedisSinkStatus>;
  close(): Promise<void>;
}

export function createRedisSinkStatusReader(cfg: Config, log: Logger, timeoutMs = 2000): RedisSinkStatusReader {
  // Connected now, at start-up: the client refuses commands until it is (it queues none).
  const redis: Redis = createRedis(cfg.REDIS_URL, log, 'the pipeline status');
  const keys = redisKeys(cfg.REDIS_KEY_PREFIX);
  return {
    async read(offsets) {
      try {
        const partitions = offsets ?? [];
        const stored = await withTimeout(readNextOffsets(redis, partitions.map((o) => keys.position(cfg.TOPIC_EVENTS, o.partition))), timeoutMs, 'Redis');
        if (offsets === undefined) return { lag: null, reachable: true, error: null };
        const lag = partitions.reduce((sum, o, i) => sum + Math.max(0, o.high - Number(stored[i] ?? BigInt(o.low))), 0);
        return { lag, reachable: true, error: null };
      } catch (err) {
        return { lag: null, reachable: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 200) };
      }
    },
    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
