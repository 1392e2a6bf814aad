/**
 * One lane of the worker: a batch consumer in its own group, feeding one sink through the batch
 * handler (the shell around the core) with its own position keeper. The PostgreSQL sink (the
 * record) is one lane; each further sink (Redis) is another, in the same process, so a sink that is
 * down or slow holds back only its own lane: it keeps its own positions, and when it is back it
 * goes on from them, skipping exactly what it already has.
 *
 * Every lane routes the same messages from the same stored watermark, so it makes the same
 * decisions (counted, late, invalid); only the record's lane sends the dead-letter and late
 * messages (the others get an output that drops them).
 */
import type { Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import { BatchConsumer } from '@/lib/kafka/consumer';
import type { Logger } from '@/lib/log';
import { createBatchHandler } from '@/worker/shell/batch-handler';
import type { SideOutput } from '@/worker/shell/outcomes';
import { routeSettingsOf } from '@/worker/shell/route-chunk';
import type { PartitionLogReader } from '@/worker/shell/partition-log';
import { createPositionKeeper, type BlockedPartition } from '@/worker/shell/positions';
import type { RateMeter, WorkerMetrics } from '@/worker/shell/prometheus';
import { StoppedError, type RetryContext } from '@/worker/shell/retry';
import type { AggregateSink } from '@/worker/shell/sink';

export interface LaneOptions {
  cfg: Config;
  kafka: Kafka;
  log: Logger;
  sink: AggregateSink;
  /** This lane's consumer group (a group per sink: each lane reads every partition). */
  groupId: string;
  /** Where dead-letter and late messages go (the record's lane), or an output that drops them. */
  side: SideOutput;
  metrics: WorkerMetrics;
  rate: RateMeter;
  logs: PartitionLogReader;
  chunkSize: number;
  recheckMs: number;
  now?: () => number;
  onCommit: () => void;
  /** The worker is stopping (retries give up). */
  stopped: () => boolean;
}

export type Retrying = { what: string; attempt: number; error: string; since: string } | null;

/** Drops side messages: a lane that is not the record's makes the same decisions, but its messages were sent by the record's lane. */
export const noSideMessages: SideOutput = { send: () => Promise.resolve() };

export function createLane(o: LaneOptions) {
  const { cfg, log, logs } = o;
  const topic = cfg.TOPIC_EVENTS;
  let retrying: Retrying = null;
  const positions = createPositionKeeper({
    sink: o.sink,
    log,
    logs,
    groupId: o.groupId,
    onMismatch: cfg.WORKER_ON_POSITION_MISMATCH,
    sessions: { sessionGapMs: cfg.SESSION_GAP_MS, allowedLatenessMs: cfg.ALLOWED_LATENESS_MS, windowSizeMs: cfg.WINDOW_SIZE_MS },
    pause: (t, partition) => consumer.pause(t, [partition]),
    resume: (t, partition) => consumer.resume(t, [partition]),
    onBlocked: (t, partition, refused) => o.metrics.refused.set({ topic: t, partition: String(partition) }, refused ? 1 : 0),
    onExpired: (_t, partition, count) => o.metrics.expired.inc({ partition: String(partition) }, Number(count)),
  });

  const reportRetrying: NonNullable<RetryContext['onRetrying']> = (what, attempt, err) => {
    retrying = err === null ? null : { what, attempt, error: err.message.slice(0, 300), since: retrying?.since ?? new Date().toISOString() };
  };
  /** Counts rebalances, so a check of positions started for an earlier assignment gives up. */
  let generation = 0;

  const handler = createBatchHandler({
    sink: o.sink,
    positions,
    logs,
    metrics: o.metrics,
    rate: o.rate,
    log,
    side: o.side,
    now: o.now,
    seek: (t, partition, offset) => consumer.seek(t, partition, offset),
    onCommit: o.onCommit,
    onRetrying: reportRetrying,
    settings: {
      groupId: o.groupId,
      dlqTopic: cfg.TOPIC_DLQ,
      lateTopic: cfg.TOPIC_LATE,
      ...routeSettingsOf(cfg),
      chunkSize: o.chunkSize,
    },
  });

  const consumer = new BatchConsumer({
    kafka: o.kafka,
    log,
    groupId: o.groupId,
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
      const ctx: RetryContext = { isRunning: () => !o.stopped() && mine === generation, heartbeat: async () => {}, log, onRetrying: reportRetrying };
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
  let recheck: NodeJS.Timeout | undefined;

  return {
    groupId: o.groupId,
    async start(): Promise<void> {
      recheck = setInterval(() => void positions.recheck(), o.recheckMs);
      recheck.unref();
      await consumer.start();
    },
    async stop(): Promise<void> {
      clearInterval(recheck);
      await consumer.stop();
    },
    consumerHealth: () => consumer.health(),
    blocked: (): BlockedPartition[] => positions.blocked(),
    retrying: (): Retrying => retrying,
  };
}

export type Lane = ReturnType<typeof createLane>;
