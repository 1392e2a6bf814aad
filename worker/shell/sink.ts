/**
 * Where the worker's results go. PostgreSQL (postgres-sink.ts) is the system of record; another
 * store can implement this interface without touching the core. A sink must commit a batch's
 * increments, the partition's next offset and its watermark atomically, and refuse a commit whose
 * expected offset is no longer the stored one (another worker got there first).
 */
import type { Aggregate } from '../core/aggregate';
import type { CommitNotice } from '../../lib/live/commit-notice';

export interface PartitionPosition {
  /** The next offset to process; null when the partition has never been committed. */
  nextOffset: bigint | null;
  watermarkMs: number | null;
}

export interface BatchCommit {
  groupId: string;
  topic: string;
  partition: number;
  /** The offset this batch started from, as loaded; the commit is refused if it moved. */
  expectedNextOffset: bigint | null;
  nextOffset: bigint;
  watermarkMs: number | null;
  aggregate: Aggregate;
  counted: number;
  invalid: number;
  late: number;
  /** Announced to listeners only if the commit succeeds. */
  notice: CommitNotice;
}

export type CommitOutcome = 'committed' | 'fenced';

export interface AggregateSink {
  loadPosition(groupId: string, topic: string, partition: number): Promise<PartitionPosition>;
  commit(batch: BatchCommit): Promise<CommitOutcome>;
  close(): Promise<void>;
}
