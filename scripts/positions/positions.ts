/**
 * Reading and resetting stored positions (partition_state) against what Kafka holds now. A reset
 * moves a partition's next offset, records the cluster it now belongs to, forgets the last-record
 * fingerprint and the watermark, and clears a refusal; the aggregates stay as they are. Sessions
 * start afresh with the watermark: the partition's open sessions are closed as they stand (final,
 * like the aggregates, kept) and its session_state goes, in the same transaction. A running worker
 * notices within seconds: its next commit on that partition is refused (the stored offset moved)
 * and it loads the new position (and no open sessions), or its check of refused partitions resumes it.
 *
 * Closing sessions alone (close-sessions) resolves a refusal for sessions built with other
 * settings; the position stays.
 */
import { isSessionsRefusal } from '@/lib/contracts/position-reset';
import type { Db } from '@/lib/db/prisma';
import { planStart, type PartitionLog, type StoredPosition } from '@/worker/core/positions';
import { closeOpenSessions } from '@/worker/shell/session-sink';

export interface PositionRow {
  partition: number;
  nextOffset: bigint | null;
  clusterId: string | null;
  refused: string | null;
  log: PartitionLog | undefined;
}

export async function listPositions(db: Db, topic: string, logs: Map<number, PartitionLog>): Promise<PositionRow[]> {
  const rows = await db.partitionState.findMany({ where: { topic }, orderBy: { partition: 'asc' } });
  const byPartition = new Map(rows.map((r) => [r.partition, r]));
  const partitions = [...new Set([...logs.keys(), ...byPartition.keys()])].sort((a, b) => a - b);
  return partitions.map((partition) => {
    const r = byPartition.get(partition);
    return { partition, nextOffset: r?.nextOffset ?? null, clusterId: r?.clusterId ?? null, refused: r?.blockedReason ?? null, log: logs.get(partition) };
  });
}

export function describePosition(topic: string, p: PositionRow): string {
  const stored = p.nextOffset === null ? 'nothing stored' : `next offset ${p.nextOffset}${p.clusterId ? ` on cluster ${p.clusterId}` : ''}`;
  const kafka = p.log ? `Kafka holds ${p.log.logStart}-${p.log.logEnd} on cluster ${p.log.clusterId}` : 'no such partition in Kafka';
  return `${topic} partition ${p.partition}: ${stored}; ${kafka}${p.refused ? `; REFUSED: ${p.refused}` : ''}`;
}

export interface ResetOutcome {
  done: boolean;
  line: string;
}

/**
 * Moves one partition's stored position; says what was done. A position that fits the partition's
 * log and that no worker refuses is left alone unless `force`: moving it would count events twice
 * (backwards) or skip them (forwards).
 */
export async function resetPosition(db: Db, topic: string, partition: number, log: PartitionLog, to: 'earliest' | 'latest' | bigint, force = false): Promise<ResetOutcome> {
  const target = to === 'earliest' ? log.logStart : to === 'latest' ? log.logEnd : to;
  if (target < log.logStart || target > log.logEnd) {
    throw new Error(`--to ${target}: partition ${partition} of ${topic} holds offsets ${log.logStart}-${log.logEnd} now`);
  }
  const before = await db.partitionState.findUnique({ where: { topic_partition: { topic, partition } } });
  if (!before) return { done: false, line: `${topic} partition ${partition}: nothing stored; the worker will count it from its earliest offset ${log.logStart} by itself` };
  const stored: StoredPosition = {
    nextOffset: before.nextOffset,
    watermarkMs: null,
    clusterId: before.clusterId,
    lastRecord: before.lastRecordTimestamp !== null && before.lastRecordCrc !== null ? { timestampMs: Number(before.lastRecordTimestamp), crc: Number(before.lastRecordCrc) } : null,
  };
  if (!force && before.blockedReason === null && planStart(stored, log).kind === 'start') {
    return {
      done: false,
      line: `${topic} partition ${partition}: left as it is: its stored position (next offset ${before.nextOffset}) fits Kafka's offsets ${log.logStart}-${log.logEnd} and no worker refuses it; moving it to ${target} would count events twice or skip them (add --force to move it anyway)`,
    };
  }
  // Offsets of this incarnation below the log start were never read: they count as expired.
  const expired = to === 'earliest' ? log.logStart : 0n;
  // Sessions start afresh with the watermark: the open ones are closed as they stand (not named
  // in the line, which stays as it was for scripts that read it; see docs/RELIABILITY.md).
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE partition_state
      SET next_offset = ${target}, watermark = NULL, cluster_id = ${log.clusterId}, last_record_timestamp = NULL, last_record_crc = NULL,
          expired = expired + ${expired}, blocked_reason = NULL, blocked_at = NULL, updated_at = now()
      WHERE topic = ${topic} AND partition = ${partition}`;
    await closeOpenSessions(tx, topic, partition);
  });
  return {
    done: true,
    line: `${topic} partition ${partition}: next offset ${before.nextOffset}${before.clusterId ? ` (cluster ${before.clusterId})` : ''} -> ${target} (cluster ${log.clusterId}); aggregates counted so far are kept; events from offset ${target} will be counted`,
  };
}

const sessionsClosed = (n: number) => (n === 1 ? '1 open session closed as it stood' : `${n} open sessions closed as they stood`);

/**
 * Closes the open sessions of a partition the worker refuses for them (built with other session
 * settings): they become final as they stand and its session_state goes; the position stays. A
 * partition no worker refuses for its sessions is left alone: a worker may be adding to them.
 */
export async function closeSessions(db: Db, topic: string, partition: number): Promise<ResetOutcome> {
  const row = await db.partitionState.findUnique({ where: { topic_partition: { topic, partition } }, select: { blockedReason: true } });
  if (!row) return { done: false, line: `${topic} partition ${partition}: nothing stored; no sessions to close` };
  if (row.blockedReason === null || !isSessionsRefusal(row.blockedReason)) {
    return { done: false, line: `${topic} partition ${partition}: left as it is: no worker refuses it for its sessions (a worker may be adding to them)` };
  }
  const closed = await closeOpenSessions(db, topic, partition); // one statement: atomic
  return { done: true, line: `${topic} partition ${partition}: ${sessionsClosed(closed)} (final); the position stays; a worker refusing it goes on within seconds, with the settings it runs with` };
}
