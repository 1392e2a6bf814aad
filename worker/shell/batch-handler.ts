/**
 * The imperative shell around the core, for one kafkajs batch (one partition), as pipeline steps:
 *   position (batch-positions.ts: skip, seek back, refuse, expire) → per chunk: decode → core →
 *   tagged outcomes (route-chunk.ts) → side topics and one fenced commit (commit-chunk.ts) →
 *   resolve the chunk's offsets in kafkajs.
 * The sink's stored offset is the source of truth: messages below it were committed before (a
 * restart, a rebalance, a retried commit) and are skipped, which is what makes counting
 * exactly-once. Large batches are committed in chunks, with heartbeats between them.
 */
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import type { Logger } from '@/lib/log';
import { createBatchPositions, type BatchView } from './batch-positions';
import { createChunkCommitter, type ChunkSettings } from './commit-chunk';
import type { SideOutput } from './outcomes';
import type { PartitionLogReader } from './partition-log';
import type { PositionKeeper } from './positions';
import { recordLag, type RateMeter, type WorkerMetrics } from './prometheus';
import type { RetryContext } from './retry';
import type { AggregateSink } from './sink';

export interface HandlerSettings extends ChunkSettings {
  /** Messages per transaction. */
  chunkSize: number;
}

export interface HandlerDeps {
  sink: AggregateSink;
  side: SideOutput;
  positions: PositionKeeper;
  logs: PartitionLogReader;
  settings: HandlerSettings;
  metrics: WorkerMetrics;
  rate: RateMeter;
  log: Logger;
  seek: (topic: string, partition: number, offset: bigint) => void;
  onCommit: (notice: CommitNotice) => void;
  /** Told about a step that keeps failing (null once it succeeds), for health. */
  onRetrying?: RetryContext['onRetrying'];
  /** The wall clock, for the notice's time only: validity never depends on it. */
  now?: () => number;
}

/** What the handler uses of kafkajs's EachBatchPayload. */
export interface BatchPayload extends Pick<EachBatchPayload, 'resolveOffset' | 'heartbeat' | 'isRunning' | 'isStale'> {
  batch: BatchView;
}

export function createBatchHandler(d: HandlerDeps) {
  const positions = createBatchPositions(d);
  const commitChunk = createChunkCommitter({ ...d, now: d.now ?? Date.now });

  async function handleBatch(payload: BatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.isEmpty()) return;
    const retry: RetryContext = { isRunning: () => payload.isRunning(), heartbeat: () => payload.heartbeat(), log: d.log, onRetrying: d.onRetrying };
    const start = await positions.start(batch, retry);
    if (start.kind === 'none') return;
    const { messages } = start;
    let pos = start.pos;

    for (let i = 0; i < messages.length; i += d.settings.chunkSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = messages.slice(i, i + d.settings.chunkSize);
      const next = await commitChunk({ topic, partition, retry }, chunk, pos);
      if (next === 'fenced') {
        positions.fenced(topic, partition);
        return;
      }
      pos = next;
      positions.committed(topic, partition, pos);
      payload.resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      recordLag(d.metrics, partition, BigInt(batch.highWatermark), pos.nextOffset);
      await payload.heartbeat();
    }
    if (messages.length === 0 && pos.verify === null) payload.resolveOffset(batch.lastOffset());
  }

  return { handleBatch };
}
