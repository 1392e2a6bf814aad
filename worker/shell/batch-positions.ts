/**
 * Position bookkeeping for one batch. Before counting: the stored position decides
 * (worker/core/positions.ts plans, this carries out) — records below it are skipped (counted
 * before), a consumer that read past it is sought back, offsets gone to retention are recorded as
 * expired, a partition whose position does not fit its log is refused (or adopted). After each
 * chunk: the position the commit moved to, or, when the commit was fenced (another owner moved
 * the stored position), forgetting ours so the next batch reloads it.
 */
import { crc32 } from 'node:zlib';
import type { Batch, KafkaMessage } from 'kafkajs';
import type { Logger } from '@/lib/log';
import { planBatch, type BatchPlan, type RecordAccess, type RecordFingerprint } from '@/worker/core/positions';
import type { PartitionLogReader } from './partition-log';
import type { Position, PositionKeeper } from './positions';
import { retryUntilDone, type RetryContext } from './retry';

/** What the handler reads of a kafkajs batch. */
export interface BatchView extends Pick<Batch, 'topic' | 'partition' | 'highWatermark' | 'messages' | 'isEmpty' | 'firstOffset' | 'lastOffset'> {
  /** The offset the fetch asked for: kafkajs keeps it on the batch, its types leave it out. */
  fetchedOffset?: string;
}

/** Count these messages from this position, or nothing in this batch is to be counted. */
export type BatchStart = { kind: 'count'; pos: Position; messages: KafkaMessage[] } | { kind: 'none' };

export interface BatchPositionsDeps {
  positions: PositionKeeper;
  logs: PartitionLogReader;
  log: Logger;
  seek: (topic: string, partition: number, offset: bigint) => void;
}

const EMPTY = new Uint8Array(0);

/** The Kafka timestamp and CRC-32 (value, then key) of a record: which incarnation of the topic it is from. */
export function fingerprintOf(m: KafkaMessage): RecordFingerprint {
  return { timestampMs: Number(m.timestamp), crc: crc32(m.key ?? EMPTY, crc32(m.value ?? EMPTY)) };
}

const access: RecordAccess<KafkaMessage> = { offset: (m) => BigInt(m.offset), fingerprint: fingerprintOf };

export function createBatchPositions(d: BatchPositionsDeps) {
  /** The position check's plan for a batch, reading the log start when it needs it. */
  async function plan(batch: BatchView, pos: Position, retry: RetryContext): Promise<BatchPlan<KafkaMessage>> {
    if (batch.fetchedOffset === undefined) throw new Error(`kafkajs gave a batch of ${batch.topic} partition ${batch.partition} without its fetched offset`);
    const fetched = { fetchedOffset: BigInt(batch.fetchedOffset), highWatermark: BigInt(batch.highWatermark), messages: batch.messages };
    const first = planBatch(pos, fetched, access);
    if (first.kind !== 'need-log-start') return first;
    const log = await retryUntilDone("reading the partition's offsets", retry, () => d.logs.read(batch.topic));
    return planBatch(pos, fetched, access, log.get(batch.partition)?.logStart ?? 0n);
  }

  return {
    /** Where counting goes on in this batch, after whatever the position check asks for (a seek, a refusal, expired offsets). */
    async start(batch: BatchView, retry: RetryContext): Promise<BatchStart> {
      const { topic, partition } = batch;
      let pos = await d.positions.get(topic, partition, retry);
      if (pos === null) return { kind: 'none' }; // refused: the partition is paused until its position is reset
      const p = await plan(batch, pos, retry);
      let messages: KafkaMessage[];
      switch (p.kind) {
        case 'need-log-start':
          return { kind: 'none' };
        case 'mismatch': {
          const at = pos;
          const next = await retryUntilDone(`checking partition ${partition} of ${topic} against its stored position`, retry, () => d.positions.refuse(topic, partition, p.reason, p.cause, at));
          if (next) d.seek(topic, partition, next.verify?.offset ?? next.nextOffset); // adopted, or the end was only reported low for a moment
          return { kind: 'none' };
        }
        case 'seek':
          d.log.info({ topic, partition, fetched: batch.firstOffset(), seekTo: p.offset.toString() }, 'reading from the stored position');
          d.seek(topic, partition, p.offset);
          return { kind: 'none' };
        case 'expired': {
          const at = pos;
          const moved = await retryUntilDone('recording expired offsets', retry, () => d.positions.expire(topic, partition, at, p.to));
          if (moved === 'fenced') return { kind: 'none' }; // moved on elsewhere: loaded again with the next batch
          pos = moved;
          messages = p.messages;
          break;
        }
        case 'count':
          if (p.verified) pos = { ...pos, verify: null };
          messages = p.messages;
          break;
      }
      d.positions.set(topic, partition, pos);
      return { kind: 'count', pos, messages };
    },

    /** A chunk committed: the partition is at `pos` now. */
    committed(topic: string, partition: number, pos: Position): void {
      d.positions.set(topic, partition, pos);
    },

    /**
     * A commit was fenced: another member committed this partition meanwhile. Forget our view; the
     * fetch loop hands us the messages again (none were resolved), to be filtered afresh.
     */
    fenced(topic: string, partition: number): void {
      d.log.warn({ topic, partition }, 'commit refused: partition moved on elsewhere; reloading its position');
      d.positions.forget(topic, partition);
    },
  };
}

export type BatchPositions = ReturnType<typeof createBatchPositions>;
