/**
 * A batch consumer on a consumer group: the class owns the loop and its health (assignment, last
 * fetch, stalled), business code is a batch callback. Offsets are never auto-resolved: the handler
 * resolves them once its work is durable. Connection loss and broker restarts are retried by
 * kafkajs with backoff; if the consumer crashes anyway it is restarted, with the cause logged.
 * stop() is idempotent and finishes the batch in hand.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '@/lib/log';
import { stopWithin } from '@/lib/shutdown';

/** How long stop() waits for the batch in hand and for leaving the group. */
export const STOP_TIMEOUT_MS = 5_000;

/** A running consumer without a fetch for longer than this is stalled. */
export const STALLED_AFTER_MS = 60_000;

/**
 * Fetch size per partition: 8 MiB, about 40,000 events of ~200 bytes (kafkajs's default is 1 MiB).
 * The worker commits each batch in one transaction, so a partition catching up is counted in large
 * transactions (fewer, fuller rows per event), while a caught-up one still gets small batches.
 */
export const FETCH_BYTES_PER_PARTITION = 8 * 2 ** 20;

export interface ConsumerHealth {
  /** This member's partitions per topic, from the last (re)join. */
  assignment: Record<string, number[]>;
  /** The last fetch from the brokers, epoch ms (null: none yet). */
  lastFetchAt: number | null;
  /** Started, not stopped, and no fetch for more than STALLED_AFTER_MS. */
  stalled: boolean;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Where a group with no committed offsets starts. */
  fromBeginning?: boolean;
  /** Batches of different partitions handled at once in this process. */
  partitionsConsumedConcurrently?: number;
  /** Milliseconds without a heartbeat before the group gives this member's partitions away. */
  sessionTimeoutMs?: number;
  /**
   * The most bytes one fetch returns per partition (default FETCH_BYTES_PER_PARTITION). A partition
   * that is behind comes in batches of about this size, one that is caught up in whatever arrived
   * since the last fetch, so larger values make batches grow with the lag only. The fetch as a whole
   * may return this much for every partition.
   */
  maxBytesPerPartition?: number;
  /** Commit resolved offsets to Kafka too (the handler's own store stays the source of truth). */
  commitToKafka?: boolean;
  handleBatch: (payload: EachBatchPayload) => Promise<void>;
  /** Called after each (re)join with this member's partitions per topic. */
  onAssignment?: (assignment: Record<string, number[]>) => Promise<void>;
  log: Logger;
}

export class BatchConsumer {
  private readonly consumer: Consumer;
  private stopping: Promise<void> | undefined;
  private started = false;
  private assignment: Record<string, number[]> = {};
  private lastFetchAt: number | null = null;

  constructor(private readonly o: BatchConsumerOptions) {
    const perPartition = o.maxBytesPerPartition ?? FETCH_BYTES_PER_PARTITION;
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: 2 * (o.sessionTimeoutMs ?? 30_000),
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: perPartition,
      maxBytes: Math.max(10 * 2 ** 20, 6 * perPartition),
      retry: {
        retries: 10,
        initialRetryTime: 300,
        maxRetryTime: 10_000,
        restartOnFailure: (err) => {
          // Once stop() was called, a crash (often the broker going away under it) ends the consumer.
          if (this.stopping) return Promise.resolve(false);
          o.log.error({ err: err.message }, 'consumer crashed; restarting it');
          return Promise.resolve(true);
        },
      },
    });
    const { GROUP_JOIN, CRASH, DISCONNECT, FETCH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      o.log.info({ assignment: e.payload.memberAssignment }, 'joined consumer group');
      this.assignment = e.payload.memberAssignment;
      if (o.onAssignment) {
        o.onAssignment(e.payload.memberAssignment).catch((err: unknown) => o.log.error({ err }, 'assignment handler failed'));
      }
    });
    this.consumer.on(CRASH, (e) => o.log.error({ err: e.payload.error.message, restart: e.payload.restart }, 'consumer crash'));
    this.consumer.on(DISCONNECT, () => o.log.warn('consumer disconnected'));
    this.consumer.on(FETCH, () => {
      this.lastFetchAt = Date.now();
    });
  }

  health(now = Date.now()): ConsumerHealth {
    const running = this.started && this.stopping === undefined;
    const stalled = running && this.lastFetchAt !== null && now - this.lastFetchAt > STALLED_AFTER_MS;
    return { assignment: this.assignment, lastFetchAt: this.lastFetchAt, stalled };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.consumer.connect();
    for (const topic of this.o.topics) await this.consumer.subscribe({ topic, fromBeginning: this.o.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: this.o.commitToKafka ?? true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.o.handleBatch(payload),
    });
  }

  pause(topic: string, partitions?: number[]): void {
    this.consumer.pause([partitions ? { topic, partitions } : { topic }]);
  }

  resume(topic: string, partitions?: number[]): void {
    this.consumer.resume([partitions ? { topic, partitions } : { topic }]);
  }

  seek(topic: string, partition: number, offset: bigint): void {
    this.consumer.seek({ topic, partition, offset: offset.toString() });
  }

  /**
   * Stops fetching, lets the batch in hand finish, leaves the group. Safe to call many times.
   * Rejects after STOP_TIMEOUT_MS (kafkajs keeps retrying an unreachable broker far longer).
   */
  stop(): Promise<void> {
    this.stopping ??= this.started ? stopWithin(`Kafka consumer of group ${this.o.groupId}`, STOP_TIMEOUT_MS, this.consumer.disconnect()) : Promise.resolve();
    return this.stopping;
  }
}
