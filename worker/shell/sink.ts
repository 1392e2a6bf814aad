/**
 * Where the worker's results go. PostgreSQL (postgres-sink.ts) is the system of record; another
 * store can implement this interface without touching the core. A sink must commit a batch's
 * increments, its sessions, the partition's next offset and its watermark atomically, and refuse a
 * commit whose expected offset is no longer the stored one (another worker got there first). It
 * loads a position together with the open sessions stored with it (one snapshot), so the two
 * always belong to the same commit.
 *
 * Positions are keyed by topic and partition, not by consumer group: whichever group reads the
 * topic goes on from what is stored, so a new group id never counts an event twice.
 */
import type { Aggregate } from '@/worker/core/aggregate';
import type { RecordFingerprint, StoredPosition } from '@/worker/core/positions';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import type { SessionWrite, StoredUserSessions } from './session-sink';

/** A stored position with the partition's open sessions as stored with it (session_state rows). */
export interface StoredPartition extends StoredPosition {
  openSessions: StoredUserSessions[];
}

export interface BatchCommit {
  /** The group committing (recorded for operators; not part of the position's key). */
  groupId: string;
  topic: string;
  partition: number;
  /** The stored next offset this batch started from; the commit is refused if it moved (null: no row yet). */
  expectedNextOffset: bigint | null;
  nextOffset: bigint;
  watermarkMs: number | null;
  /** The Kafka cluster and the last record counted: which cluster and topic incarnation the position belongs to. */
  clusterId: string;
  lastRecord: RecordFingerprint | null;
  aggregate: Aggregate;
  counted: number;
  invalid: number;
  late: number;
  /** Offsets passed over because retention removed them before they were read. */
  expired: bigint;
  /** What the commit does to the partition's sessions (absent or null: nothing). */
  sessions?: SessionWrite | null;
  /** Announced to listeners only if the commit succeeds (null: nothing to announce). */
  notice: CommitNotice | null;
}

export type CommitOutcome = 'committed' | 'fenced';

export interface AggregateSink {
  /** The stored position of a partition with its open sessions, or null when it has never been committed. */
  loadPosition(topic: string, partition: number): Promise<StoredPartition | null>;
  commit(batch: BatchCommit): Promise<CommitOutcome>;
  /** Records why the worker refuses to count a partition (null clears it). */
  setBlocked(topic: string, partition: number, reason: string | null): Promise<void>;
  close(): Promise<void>;
}
