/**
 * The worker process's parts, wired together: a batch consumer in the worker group, the batch
 * handler (the shell around the core), the PostgreSQL sink, a producer for the dead-letter and
 * late topics, metrics and the health endpoint. Scale out by running more of these in one group.
 */
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { BatchConsumer } from '@/lib/kafka/consumer';
import { createEventProducer } from '@/lib/kafka/producer';
import { logger } from '@/lib/log';
import { stopStep } from '@/lib/shutdown';
import { createBatchHandler } from '@/worker/shell/batch-handler';
import { createPartitionLogReader } from '@/worker/shell/partition-log';
import { createPositionKeeper } from '@/worker/shell/positions';
import { StoppedError, type RetryContext } from '@/worker/shell/retry';
import { startHealthServer, type WorkerHealth } from '@/worker/shell/health-server';
import { createWorkerMetrics, RateMeter } from '@/worker/shell/prometheus';
import { PostgresSink } from '@/worker/shell/postgres-sink';
import { createSideTopicSender } from '@/worker/shell/side-topic-sender';
import type { AggregateSink } from '@/worker/shell/sink';

/**
 * Batches grow with the lag: a partition that is behind is fetched FETCH_BYTES_PER_PARTITION
 * (lib/kafka/consumer.ts) at a time, about 40,000 events, and each batch is one transaction of up
 * to this many messages. One transaction then merges a user's events of a minute, a day and a
 * session into one row each, where 1 MiB fetches (kafkajs's default) wrote one per ~5,000-event
 * chunk; on the bench's topic: 2.29 aggregate rows per event at 5,000, 1.62 at 20,000, 1.37 at
 * 40,000 (docs/BENCHMARKS.md, issue 15). A caught-up partition still commits whatever each ~100 ms
 * fetch brings, so live latency is unchanged.
 */
const DEFAULT_CHUNK_SIZE = 40_000;

export interface WorkerOptions {
  cfg: Config;
  kafka: Kafka;
  sink?: AggregateSink;
  /** Messages per transaction at most (a partition's batch is cut into chunks of this size). */
  chunkSize?: number;
  /** How often refused partitions are looked at again, ms. */
  recheckMs?: number;
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
  const sink = o.sink ?? new PostgresSink(createPrisma(cfg.DATABASE_URL, 10));
  const metrics = createWorkerMetrics();
  const rate = new RateMeter();
  // Dead-letter and late messages; sends queue in call order (see lib/kafka/producer.ts).
  const producer = createEventProducer(kafka, { topic: cfg.TOPIC_DLQ });
  const sideTopics = createSideTopicSender({ kafka, producer, log });
  let lastCommitAt: number | null = null;
  let state: WorkerHealth['status'] = 'starting';
  let server: http.Server | undefined;

  const logs = createPartitionLogReader(kafka);
  const topic = cfg.TOPIC_EVENTS;
  let retrying: WorkerHealth['retrying'] = null;
  const positions = createPositionKeeper({
    sink,
    log,
    logs,
    groupId: cfg.WORKER_GROUP_ID,
    onMismatch: cfg.WORKER_ON_POSITION_MISMATCH,
    sessions: { sessionGapMs: cfg.SESSION_GAP_MS, allowedLatenessMs: cfg.ALLOWED_LATENESS_MS, windowSizeMs: cfg.WINDOW_SIZE_MS },
    pause: (t, partition) => consumer.pause(t, [partition]),
    resume: (t, partition) => consumer.resume(t, [partition]),
    onBlocked: (t, partition, refused) => metrics.refused.set({ topic: t, partition: String(partition) }, refused ? 1 : 0),
    onExpired: (_t, partition, count) => metrics.expired.inc({ partition: String(partition) }, Number(count)),
  });

  const reportRetrying: NonNullable<RetryContext['onRetrying']> = (what, attempt, err) => {
    retrying = err === null ? null : { what, attempt, error: err.message.slice(0, 300), since: retrying?.since ?? new Date().toISOString() };
  };
  /** Counts rebalances, so a check of positions started for an earlier assignment gives up. */
  let generation = 0;

  const handler = createBatchHandler({
    sink,
    positions,
    logs,
    metrics,
    rate,
    log,
    side: sideTopics,
    now: o.now,
    seek: (t, partition, offset) => consumer.seek(t, partition, offset),
    onCommit: () => {
      lastCommitAt = Date.now();
      metrics.eventsPerSecond.set(rate.rate());
    },
    onRetrying: reportRetrying,
    settings: {
      groupId: cfg.WORKER_GROUP_ID,
      dlqTopic: cfg.TOPIC_DLQ,
      lateTopic: cfg.TOPIC_LATE,
      maxFutureMs: cfg.MAX_FUTURE_MS,
      windowSizeMs: cfg.WINDOW_SIZE_MS,
      outOfOrdernessMs: cfg.OUT_OF_ORDERNESS_MS,
      allowedLatenessMs: cfg.ALLOWED_LATENESS_MS,
      sessionGapMs: cfg.SESSION_GAP_MS,
      chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE,
    },
  });

  const consumer = new BatchConsumer({
    kafka,
    log,
    groupId: cfg.WORKER_GROUP_ID,
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: cfg.WORKER_CONCURRENCY,
    sessionTimeoutMs: cfg.WORKER_SESSION_TIMEOUT_MS,
    handleBatch: handler.handleBatch,
    onAssignment: async (assigned) => {
      // Positions are checked and loaded again after every rebalance; seeking to them at once
      // saves reading from wherever Kafka's committed offset is (the handler would seek anyway).
      const partitions = assigned[topic] ?? [];
      const mine = ++generation;
      positions.forgetAll(topic);
      // kafkajs heartbeats only from its fetch loop; the batch handler waits on these same loads
      // with its own heartbeats, so none are needed here.
      const ctx: RetryContext = { isRunning: () => state !== 'stopped' && mine === generation, heartbeat: async () => {}, log, onRetrying: reportRetrying };
      for (const partition of partitions) {
        if (mine !== generation) return; // a newer assignment took over
        const pos = await positions.get(topic, partition, ctx).catch((err: unknown) => {
          if (err instanceof StoppedError) return null; // stopping, or a newer assignment
          throw err;
        });
        if (pos && mine === generation) consumer.seek(topic, partition, pos.verify?.offset ?? pos.nextOffset);
      }
    },
  });
  // Refused partitions are looked at again now and then: a reset (npm run positions) resumes them.
  const recheck = setInterval(() => void positions.recheck(), o.recheckMs ?? 10_000);
  recheck.unref();

  /** The worker's health: its own state, the consumer's, refused partitions and a step that keeps failing. */
  function health(): WorkerHealth {
    const c = consumer.health();
    const stalled = state === 'ok' && c.stalled;
    const refused = positions.blocked();
    const status = state !== 'ok' ? state : refused.length > 0 ? 'refusing' : retrying !== null && retrying.attempt >= 3 ? 'retrying' : stalled ? 'stalled' : 'ok';
    return {
      status,
      refused,
      retrying,
      lastFetchAt: c.lastFetchAt === null ? null : new Date(c.lastFetchAt).toISOString(),
      lastCommitAt: lastCommitAt === null ? null : new Date(lastCommitAt).toISOString(),
      eventsPerSecond: rate.rate(),
      assignment: c.assignment,
    };
  }

  let stopping: Promise<void> | undefined;
  return {
    health,
    async start() {
      server = await startHealthServer(cfg.WORKER_METRICS_PORT, cfg.HOST, metrics.registry, health, log, cfg);
      await producer.connect();
      await sideTopics.prepare([cfg.TOPIC_DLQ, cfg.TOPIC_LATE]);
      await consumer.start();
      state = 'ok';
      log.info({ groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS }, 'worker started');
    },
    stop() {
      stopping ??= (async () => {
        state = 'stopped';
        clearInterval(recheck);
        // Every step runs even when one before it fails (a consumer that cannot leave its group
        // must not keep the database pool open); the first failure is reported at the end.
        const steps: [string, () => Promise<void>][] = [
          ['the Kafka consumer', () => consumer.stop()],
          ['the dead-letter producer', () => producer.disconnect()],
          ['the Kafka admin client', () => logs.close()],
          ['the database pool', () => sink.close()],
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
