/**
 * A Redis connection (ioredis) that fails fast: while Redis is down a command is refused at once
 * instead of waiting in a queue, so the caller decides (the worker's Redis lane retries its commit,
 * the web server shows the Redis sink as unreachable). It reconnects by itself, for ever.
 *
 * A command cut off by a lost connection is not sent again by the client: the caller retries it.
 * For the sink's commit that is safe whatever happened to the first attempt, because the commit is
 * fenced on the stored offset (a repeat of one that went through is refused, not counted twice).
 */
import { Redis } from 'ioredis';
import type { Logger } from '@/lib/log';

export function createRedis(url: string, log: Logger, what: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 3_000,
    commandTimeout: 60_000,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
  });
  // Without a listener ioredis prints every connection error; say it once per outage instead.
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, `${what}: Redis is not reachable; retrying`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info(`${what}: Redis is reachable again`);
    down = false;
  });
  return redis;
}

/** The stored next offset of each partition (null: none stored), read in one round trip. */
export async function readNextOffsets(redis: Redis, positionKeys: readonly string[]): Promise<(bigint | null)[]> {
  if (positionKeys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const k of positionKeys) pipeline.hget(k, 'nextOffset');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, v]) => {
    if (err) throw err;
    return typeof v === 'string' ? BigInt(v) : null;
  });
}
