/**
 * Where a partition's counting goes on, decided from the position stored with the aggregates and
 * what Kafka says about the partition now. Pure: the shell (worker/shell/positions.ts) reads the
 * stored row and Kafka's offsets, and carries out the decision.
 *
 * A stored position belongs to one Kafka cluster and one incarnation of the topic. Kafka 2.8+ gives
 * topics ids, but the client we use cannot read them, so the incarnation is recognised by the last
 * record counted: its Kafka timestamp and CRC-32 are stored with the offset, and that record is read
 * again before counting goes on. A position that belongs elsewhere is never used to skip records
 * silently: the decision says why it does not fit.
 */

/** What identifies one record of one incarnation of a topic. */
export interface RecordFingerprint {
  /** The record's Kafka timestamp, epoch ms. */
  timestampMs: number;
  /** CRC-32 of the record's value and key. */
  crc: number;
}

/** A position as stored with the aggregates. */
export interface StoredPosition {
  /** The next offset to count; every offset below it has been counted (or expired). */
  nextOffset: bigint;
  watermarkMs: number | null;
  /** The Kafka cluster the position was stored for (null: stored before clusters were recorded). */
  clusterId: string | null;
  /** The record at nextOffset - 1, as counted (null: not recorded). */
  lastRecord: RecordFingerprint | null;
}

/** The partition's log as Kafka reports it now. */
export interface PartitionLog {
  clusterId: string;
  /** The earliest offset still in the log (retention moves it up). */
  logStart: bigint;
  /** The offset the next record will get (the high watermark). */
  logEnd: bigint;
}

export type StartPlan =
  /** Count from `from`; `expired` offsets between the stored position and `from` are gone. */
  | { kind: 'start'; from: bigint; expired: bigint; verify: { offset: bigint; record: RecordFingerprint } | null }
  /** The stored position does not belong to this partition's log. */
  | { kind: 'mismatch'; reason: string };

/** Where to start a partition, given its stored position (null: never counted) and its log. */
export function planStart(stored: StoredPosition | null, log: PartitionLog): StartPlan {
  if (stored === null) {
    // The database is the source of truth: nothing stored means nothing counted, whatever offsets
    // Kafka may hold for the group. Offsets below the log start existed and were never read.
    return { kind: 'start', from: log.logStart, expired: log.logStart, verify: null };
  }
  if (stored.clusterId !== null && stored.clusterId !== log.clusterId) {
    return {
      kind: 'mismatch',
      reason: `the stored position (next offset ${stored.nextOffset}) belongs to Kafka cluster ${stored.clusterId}, but the brokers now answering are cluster ${log.clusterId}`,
    };
  }
  if (stored.nextOffset > log.logEnd) return { kind: 'mismatch', reason: beyondEnd(stored.nextOffset, log.logEnd) };
  if (stored.nextOffset < log.logStart) {
    return { kind: 'start', from: log.logStart, expired: log.logStart - stored.nextOffset, verify: null };
  }
  const last = stored.nextOffset - 1n;
  const verify = stored.lastRecord !== null && last >= log.logStart ? { offset: last, record: stored.lastRecord } : null;
  return { kind: 'start', from: stored.nextOffset, expired: 0n, verify };
}

function beyondEnd(nextOffset: bigint, logEnd: bigint): string {
  return `the stored next offset ${nextOffset} is beyond the partition's end (${logEnd}): the topic was deleted and re-created, or the partition lost records`;
}

export interface FetchedBatch<M> {
  /** The offset the fetch asked for (where the consumer's position was). */
  fetchedOffset: bigint;
  /** The partition's end when the batch was fetched. */
  highWatermark: bigint;
  messages: readonly M[];
}

/** How to read a message's offset and fingerprint. */
export interface RecordAccess<M> {
  offset(m: M): bigint;
  fingerprint(m: M): RecordFingerprint;
}

/** The in-memory position of a partition being counted. */
export interface LivePosition {
  nextOffset: bigint;
  /** A counted record still to be read again and compared before counting goes on. */
  verify: { offset: bigint; record: RecordFingerprint } | null;
}

export type BatchPlan<M> =
  /** Count these messages (those below the position are dropped: they were counted before). */
  | { kind: 'count'; messages: M[]; verified: boolean }
  /** The batch was fetched past where reading must go on: call again with the log start. */
  | { kind: 'need-log-start' }
  /** Read from `offset` instead (the consumer's position ran ahead of the stored one). */
  | { kind: 'seek'; offset: bigint }
  /** Offsets from the position up to `to` are gone (retention): record them, then count these. */
  | { kind: 'expired'; to: bigint; messages: M[] }
  /** `end`: the batch reported an end below the position; `record`: another record at the last counted offset. */
  | { kind: 'mismatch'; reason: string; cause: 'end' | 'record' };

/**
 * What to do with a fetched batch. `logStart` is the partition's log start, which the shell reads
 * only when asked (a batch fetched past where reading must go on).
 */
export function planBatch<M>(pos: LivePosition, batch: FetchedBatch<M>, read: RecordAccess<M>, logStart?: bigint): BatchPlan<M> {
  if (batch.highWatermark < pos.nextOffset) return { kind: 'mismatch', reason: beyondEnd(pos.nextOffset, batch.highWatermark), cause: 'end' };
  // Where reading must start: the record to compare again, if any, else the position.
  const mustRead = pos.verify?.offset ?? pos.nextOffset;
  if (batch.fetchedOffset > mustRead) {
    if (logStart === undefined) return { kind: 'need-log-start' };
    if (logStart <= mustRead) return { kind: 'seek', offset: mustRead };
    // The record to compare is gone; so may be offsets after the position (retention).
    if (logStart <= pos.nextOffset) return batch.fetchedOffset > pos.nextOffset ? { kind: 'seek', offset: pos.nextOffset } : countFrom(pos, batch, read, true);
    if (batch.fetchedOffset > logStart) return { kind: 'seek', offset: logStart };
    return { kind: 'expired', to: batch.fetchedOffset, messages: [...batch.messages] };
  }
  if (pos.verify === null) return countFrom(pos, batch, read, false);
  const { offset, record } = pos.verify;
  const again = batch.messages.find((m) => read.offset(m) === offset);
  if (again !== undefined) {
    const now = read.fingerprint(again);
    if (now.timestampMs !== record.timestampMs || now.crc !== record.crc) {
      return {
        kind: 'mismatch',
        reason: `the record at offset ${offset} is not the one counted there (Kafka timestamp ${now.timestampMs}, CRC ${now.crc}; counted: ${record.timestampMs}, ${record.crc}): the topic was deleted and re-created`,
        cause: 'record',
      };
    }
    return countFrom(pos, batch, read, true);
  }
  // No record at that offset any more (a transaction marker, compaction): nothing to compare.
  const last = batch.messages.at(-1);
  if (last !== undefined && read.offset(last) >= offset) return countFrom(pos, batch, read, true);
  // The batch ends before the record to compare (fetched from far below it: a fenced commit
  // reloaded a position another worker moved on). Nothing in it is counted or resolved, so the
  // same fetch would come back for ever: read from the record to compare instead.
  if (last !== undefined) return { kind: 'seek', offset };
  return countFrom(pos, batch, read, false);
}

function countFrom<M>(pos: LivePosition, batch: FetchedBatch<M>, read: RecordAccess<M>, verified: boolean): BatchPlan<M> {
  const first = batch.messages[0];
  // Usually nothing is below the position: keep the array as it is.
  if (first === undefined || read.offset(first) >= pos.nextOffset) return { kind: 'count', messages: [...batch.messages], verified };
  return { kind: 'count', messages: batch.messages.filter((m) => read.offset(m) >= pos.nextOffset), verified };
}
