/**
 * The worker process's parts, wired together: one lane per sink (worker/lane.ts: a batch consumer
 * in its own group, the batch handler and a position keeper), the PostgreSQL sink (the record), a
 * producer for the dead-letter and late topics, metrics and the health endpoint. With
 * SINKS=postgres,redis a second lane feeds the Redis sink from the same topic in group
 * `${WORKER_GROUP_ID}.redis`: PostgreSQL never waits for Redis, and Redis catches up from its own
 * stored positions. Scale out by running more of these in one group.
 */
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import { createEventProducer } from '@/lib/kafka/producer';
import { logger } from '@/lib/log';
import { createRedis } from '@/lib/redis/client';
import { stopStep } from '@/lib/shutdown';
import { createPartitionLogReader } from '@/worker/shell/partition-log';
import { startHealthServer, type WorkerHealth } from '@/worker/shell/health-server';
import { createWorkerMetrics, RateMeter } from '@/worker/shell/prometheus';
import { createPostgresSink } from '@/worker/shell/postgres-sink';
import { RedisSink } from '@/worker/shell/redis-sink';
import { createSideTopicSender } from '@/worker/shell/side-topic-sender';
import { startSinkLagSampler } from '@/worker/shell/sink-lag';
import type { AggregateSink } from '@/worker/shell/sink';
import { createLane, noSideMessages, type Lane } from './lane';

/** The Redis lane's consumer group: its own, so it reads every partition whatever the PostgreSQL lane does. */
export const redisGroupId = (workerGroupId: string) => `${workerGroupId}.redis`;

export interface WorkerOptions {
  cfg: Config;
  kafka: Kafka;
  sink?: AggregateSink;
  /** The Redis sink when SINKS includes redis (default: one on REDIS_URL). */
  redisSink?: RedisSink;
  /** Messages per transaction at most (a partition's batch is cut into chunks of this size; default WORKER_CHUNK_SIZE). */
  chunkSize?: number;
  /** How often refused partitions are looked at again, ms. */
  recheckMs?: number;
  /** How often the Redis sink's lag is sampled, ms. */
  sinkLagMs?: number;
  /** The batch handler's clock, for its commit notices' time (tests shift it; validity never depends on it). */
  now?: () => number;
}

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): WorkerHealth;
  /** Base URL of /healthz and /metrics, once started (null if the port could not be bound). */
  endpoint(): string | null;
}

export function createWorker(o: WorkerOptions): Worker {
  const { cfg, kafka } = o;
  const log = logger('worker');
  const sink = o.sink ?? createPostgresSink(cfg.DATABASE_URL, 10);
  const metrics = createWorkerMetrics();
  const rate = new RateMeter();
  // Dead-letter and late messages; sends queue in call order (see lib/kafka/producer.ts).
  const producer = createEventProducer(kafka, { topic: cfg.TOPIC_DLQ });
  const sideTopics = createSideTopicSender({ kafka, producer, log });
  let lastCommitAt: number | null = null;
  let state: WorkerHealth['status'] = 'starting';
  let server: http.Server | undefined;
  const logs = createPartitionLogReader(kafka);
  const common = { cfg, kafka, logs, chunkSize: o.chunkSize ?? cfg.WORKER_CHUNK_SIZE, recheckMs: o.recheckMs ?? 10_000, now: o.now, stopped: () => state === 'stopped' };

  const record = createLane({
    ...common,
    log,
    sink,
    groupId: cfg.WORKER_GROUP_ID,
    side: sideTopics,
    metrics,
    rate,
    onCommit: () => {
      lastCommitAt = Date.now();
      metrics.eventsPerSecond.set(rate.rate());
    },
  });

  // The Redis lane: its own metrics registry (its batch counters would otherwise add to the
  // record's); what /metrics shows of it is its lag (clickstream_worker_sink_lag{sink="redis"}).
  const redisLog = log.child({ sink: 'redis' });
  const redisSink = cfg.SINKS.includes('redis')
    ? (o.redisSink ?? new RedisSink(createRedis(cfg.REDIS_URL, redisLog, 'the Redis sink'), { prefix: cfg.REDIS_KEY_PREFIX, minuteTtlSeconds: cfg.REDIS_MINUTE_TTL_SECONDS }))
    : undefined;
  let redisLastCommitAt: number | null = null;
  let redisLag: number | null = null;
  const redisLane: Lane | undefined = redisSink
    ? createLane({
        ...common,
        log: redisLog,
        sink: redisSink,
        groupId: redisGroupId(cfg.WORKER_GROUP_ID),
        side: noSideMessages,
        metrics: createWorkerMetrics(),
        rate: new RateMeter(),
        onCommit: () => {
          redisLastCommitAt = Date.now();
        },
      })
    : undefined;
  let lagSampler: ReturnType<typeof startSinkLagSampler> | undefined;

  /** The worker's health: its own state, the record lane's consumer, refused partitions and a step that keeps failing; the Redis lane beside it. */
  function health(): WorkerHealth {
    const c = record.consumerHealth();
    const stalled = state === 'ok' && c.stalled;
    const refused = record.blocked();
    const retrying = record.retrying();
    const status = state !== 'ok' ? state : refused.length > 0 ? 'refusing' : retrying !== null && retrying.attempt >= 3 ? 'retrying' : stalled ? 'stalled' : 'ok';
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      status,
      refused,
      retrying,
      lastFetchAt: iso(c.lastFetchAt),
      lastCommitAt: iso(lastCommitAt),
      eventsPerSecond: rate.rate(),
      assignment: c.assignment,
      ...(redisLane ? { redis: { lag: redisLag, retrying: redisLane.retrying(), refused: redisLane.blocked(), lastCommitAt: iso(redisLastCommitAt), assignment: redisLane.consumerHealth().assignment } } : {}),
    };
  }

  let stopping: Promise<void> | undefined;
  return {
    health,
    async start() {
      server = await startHealthServer(cfg.WORKER_METRICS_PORT, cfg.HOST, metrics.registry, health, log, cfg);
      await producer.connect();
      await sideTopics.prepare([cfg.TOPIC_DLQ, cfg.TOPIC_LATE]);
      await record.start();
      if (redisLane && redisSink) {
        await redisLane.start();
        lagSampler = startSinkLagSampler({
          topic: cfg.TOPIC_EVENTS,
          logs,
          readNextOffsets: (topic, partitions) => redisSink.nextOffsets(topic, partitions),
          onLag: (lag) => {
            redisLag = lag;
            if (lag === null) metrics.sinkLag.remove({ sink: 'redis' });
            else metrics.sinkLag.set({ sink: 'redis' }, lag);
          },
          log: redisLog,
          everyMs: o.sinkLagMs ?? 2_000,
        });
      }
      state = 'ok';
      log.info({ groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS, sinks: cfg.SINKS }, 'worker started');
    },
    stop() {
      stopping ??= (async () => {
        state = 'stopped';
        lagSampler?.stop();
        // Every step runs even when one before it fails (a consumer that cannot leave its group
        // must not keep the database pool open); the first failure is reported at the end.
        const steps: [string, () => Promise<void>][] = [
          ['the Kafka consumer', () => record.stop()],
          ...(redisLane ? [['the Redis lane\'s Kafka consumer', () => redisLane.stop()] as [string, () => Promise<void>]] : []),
          ['the dead-letter producer', () => producer.disconnect()],
          ['the Kafka admin client', () => logs.close()],
          ['the database pool', () => sink.close()],
          ...(redisSink ? [['the Redis connection', () => redisSink.close()] as [string, () => Promise<void>]] : []),
          ['the health endpoint', () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))],
        ];
        let failure: Error | undefined;
        for (const [what, step] of steps) {
          await stopStep(what, step()).catch((err: unknown) => {
            const error = err instanceof Error ? err : new Error(String(err));
            log.warn({ err: error.message }, `stopping ${what} failed`);
            failure ??= error;
          });
        }
        log.info('worker stopped');
        if (failure !== undefined) throw failure;
      })();
      return stopping;
    },
    endpoint() {
      const addr = server?.address();
      return addr && typeof addr === 'object' ? `http://${cfg.HOST}:${addr.port}` : null;
    },
  };
}
