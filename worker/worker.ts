/**
 * The worker process's parts, wired together: a batch consumer in the worker group, the batch
 * handler (the shell around the core), the PostgreSQL sink, a producer for the dead-letter and
 * late topics, metrics and the health endpoint. Scale out by running more of these in one group.
 */
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import type { Config } from '../lib/config';
import { createPrisma } from '../lib/db/prisma';
import { BatchConsumer } from '../lib/kafka/consumer';
import { createEventProducer } from '../lib/kafka/producer';
import { logger } from '../lib/log';
import { createBatchHandler } from './shell/batch-handler';
import { startHealthServer, type WorkerHealth } from './shell/health-server';
import { createWorkerMetrics, RateMeter } from './shell/metrics';
import { PostgresSink } from './shell/postgres-sink';
import type { AggregateSink } from './shell/sink';

export interface WorkerOptions {
  cfg: Config;
  kafka: Kafka;
  sink?: AggregateSink;
  chunkSize?: number;
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
  let lastFetchAt: number | null = null;
  let lastCommitAt: number | null = null;
  let assignment: Record<string, number[]> = {};
  let state: WorkerHealth['status'] = 'starting';
  let server: http.Server | undefined;

  const handler = createBatchHandler({
    sink,
    metrics,
    rate,
    log,
    side: { send: async (topic, messages) => void (await producer.sendRaw(topic, messages)) },
    seek: (topic, partition, offset) => consumer.seek(topic, partition, offset),
    onCommit: () => {
      lastCommitAt = Date.now();
      metrics.eventsPerSecond.set(rate.rate());
    },
    settings: {
      groupId: cfg.WORKER_GROUP_ID,
      dlqTopic: cfg.TOPIC_DLQ,
      lateTopic: cfg.TOPIC_LATE,
      maxFutureMs: cfg.MAX_FUTURE_MS,
      windowSizeMs: cfg.WINDOW_SIZE_MS,
      outOfOrdernessMs: cfg.OUT_OF_ORDERNESS_MS,
      allowedLatenessMs: cfg.ALLOWED_LATENESS_MS,
      chunkSize: o.chunkSize ?? 5000,
    },
  });

  const consumer = new BatchConsumer({
    kafka,
    log,
    groupId: cfg.WORKER_GROUP_ID,
    topics: [cfg.TOPIC_EVENTS],
    fromBeginning: true,
    partitionsConsumedConcurrently: cfg.WORKER_CONCURRENCY,
    sessionTimeoutMs: cfg.WORKER_SESSION_TIMEOUT_MS,
    handleBatch: handler.handleBatch,
    onAssignment: async (assigned) => {
      assignment = assigned;
      // Seek each newly assigned partition to the offset stored with its aggregates.
      const partitions = assigned[cfg.TOPIC_EVENTS] ?? [];
      handler.forget(cfg.TOPIC_EVENTS);
      for (const partition of partitions) {
        const pos = await handler.load(cfg.TOPIC_EVENTS, partition, { isRunning: () => state !== 'stopped', heartbeat: async () => {}, log });
        if (pos.nextOffset !== null) consumer.seek(cfg.TOPIC_EVENTS, partition, pos.nextOffset);
      }
    },
  });
  consumer.consumer.on(consumer.consumer.events.FETCH, () => {
    lastFetchAt = Date.now();
  });

  let stopping: Promise<void> | undefined;
  return {
    async start() {
      server = await startHealthServer(cfg.WORKER_METRICS_PORT, cfg.HOST, metrics.registry, this.health, log);
      await producer.connect();
      await consumer.start();
      state = 'ok';
      log.info({ groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS }, 'worker started');
    },
    stop() {
      stopping ??= (async () => {
        state = 'stopped';
        await consumer.stop();
        await producer.disconnect();
        await sink.close();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
        log.info('worker stopped');
      })();
      return stopping;
    },
    endpoint() {
      const addr = server?.address();
      return addr && typeof addr === 'object' ? `http://${cfg.HOST}:${addr.port}` : null;
    },
    health(): WorkerHealth {
      const stalled = state === 'ok' && lastFetchAt !== null && Date.now() - lastFetchAt > 60_000;
      return {
        status: stalled ? 'stalled' : state,
        lastFetchAt: lastFetchAt === null ? null : new Date(lastFetchAt).toISOString(),
        lastCommitAt: lastCommitAt === null ? null : new Date(lastCommitAt).toISOString(),
        eventsPerSecond: rate.rate(),
        assignment,
      };
    },
  };
}
