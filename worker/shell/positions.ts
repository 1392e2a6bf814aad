/**
 * Partition positions, kept for the batch handler: loaded from the sink and checked against Kafka
 * (worker/core/positions.ts decides), cached while the partition is ours, and moved only by fenced
 * commits. A position that does not belong to the partition's log (another cluster, another
 * incarnation of the topic) is never used to skip records: the partition is refused, loudly, with
 * the command that resolves it, or adopted when WORKER_ON_POSITION_MISMATCH=adopt.
 *
 * The partition's open sessions travel with its position: loaded with it (one snapshot), rebuilt
 * with the stored watermark, replaced only by the state a successful commit stored, and forgotten
 * with it. Sessions built with other settings refuse the partition like a position that does not
 * fit (never emptied silently). A fresh start of the partition (its first position, an adopted
 * topic) closes its open sessions as they stand, as the aggregates counted so far are kept.
 */
import { createAggregate } from '@/worker/core/aggregate';
import { planStart, type LivePosition, type PartitionLog, type StoredPosition } from '@/worker/core/positions';
import { createSessionState, type SessionSettings, type SessionState } from '@/worker/core/sessions';
import type { Logger } from '@/lib/log';
import { isSessionsRefusal, refusalFix } from '@/lib/contracts/position-reset';
import type { PartitionLogReader } from './partition-log';
import { retryUntilDone, type RetryContext } from './retry';
import { restoreSessions, type SessionWrite } from './session-sink';
import type { AggregateSink, BatchCommit } from './sink';

/**
 * A partition being counted. Its nextOffset is also the stored one: every position is stored
 * before it is used (a first row, an expired gap, an adopted topic are committed as moves), so the
 * next commit is fenced on it. `sessions` is the open sessions stored with it (its watermark is
 * `watermarkMs`).
 */
export interface Position extends LivePosition {
  watermarkMs: number | null;
  clusterId: string;
  sessions: SessionState;
}

export interface BlockedPartition {
  topic: string;
  partition: number;
  reason: string;
  since: string;
}

export interface PositionKeeperDeps {
  sink: AggregateSink;
  log: Logger;
  logs: PartitionLogReader;
  groupId: string;
  onMismatch: 'refuse' | 'adopt';
  /** The settings the open sessions are built with; stored sessions built with others are refused. */
  sessions: SessionSettings;
  /** Stops (or resumes) fetching a partition. */
  pause: (topic: string, partition: number) => void;
  resume: (topic: string, partition: number) => void;
  /** Tells metrics and health that a partition is refused (true) or counting again (false). */
  onBlocked: (topic: string, partition: number, blocked: boolean) => void;
  onExpired: (topic: string, partition: number, count: bigint) => void;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function samePosition(a: StoredPosition | null, b: StoredPosition | null): boolean {
  if (a === null || b === null) return a === b;
  return a.nextOffset === b.nextOffset && a.clusterId === b.clusterId && a.lastRecord?.timestampMs === b.lastRecord?.timestampMs && a.lastRecord?.crc === b.lastRecord?.crc;
}

export function createPositionKeeper(d: PositionKeeperDeps) {
  const cache = new Map<string, Position>();
  const blocked = new Map<string, BlockedPartition>();
  /** The stored position each refusal was made on: a refused partition is looked at again only once it changed (a reset). */
  const refusedOn = new Map<string, StoredPosition | null>();
  /** Loads in progress, so concurrent callers (assignment, a batch) share one. */
  const loading = new Map<string, Promise<Position | null>>();
  let rechecking = false;

  async function readLog(topic: string, partition: number): Promise<PartitionLog> {
    const log = (await d.logs.read(topic)).get(partition);
    if (!log) throw new Error(`Kafka reports no partition ${partition} of topic ${topic}`);
    return log;
  }

  /**
   * Commits a move of the position with no events: a gap that expired (sessions untouched), or a
   * fresh start (a first position, an adopted topic: sessions closed as they stand).
   */
  async function move(topic: string, partition: number, m: Omit<BatchCommit, 'groupId' | 'topic' | 'partition' | 'aggregate' | 'counted' | 'invalid' | 'late' | 'notice' | 'lastRecord' | 'sessions'>, sessions: SessionWrite | null) {
    return d.sink.commit({ ...m, groupId: d.groupId, topic, partition, aggregate: createAggregate(), counted: 0, invalid: 0, late: 0, lastRecord: null, notice: null, sessions });
  }

  /** Counts the topic as it is now from its earliest offset (WORKER_ON_POSITION_MISMATCH=adopt). */
  async function adopt(topic: string, partition: number, reason: string, storedNextOffset: bigint, log: PartitionLog): Promise<Position | 'fenced'> {
    d.log.warn(
      { topic, partition },
      `partition ${partition} of ${topic}: ${reason}. WORKER_ON_POSITION_MISMATCH=adopt: counting the topic as it is now from its earliest offset ${log.logStart}, keeping the aggregates counted so far and closing its open sessions as they stand`,
    );
    const outcome = await move(topic, partition, { expectedNextOffset: storedNextOffset, nextOffset: log.logStart, watermarkMs: null, clusterId: log.clusterId, expired: log.logStart }, { kind: 'close-all' });
    return outcome === 'fenced' ? outcome : { nextOffset: log.logStart, watermarkMs: null, clusterId: log.clusterId, verify: null, sessions: createSessionState(null) };
  }

  /** Records that the offsets from `pos` up to `to` expired (retention) before they were read, and moves past them. */
  async function expire(topic: string, partition: number, pos: Omit<Position, 'verify'>, to: bigint): Promise<Position | 'fenced'> {
    const expired = to - pos.nextOffset;
    const outcome = await move(topic, partition, { expectedNextOffset: pos.nextOffset, nextOffset: to, watermarkMs: pos.watermarkMs, clusterId: pos.clusterId, expired }, null);
    if (outcome === 'fenced') return outcome;
    reportExpired(topic, partition, expired, to);
    return { ...pos, nextOffset: to, verify: null };
  }

  function reportExpired(topic: string, partition: number, expired: bigint, to: bigint): void {
    d.log.warn({ topic, partition, expired: expired.toString() }, `partition ${partition} of ${topic}: ${expired} events expired (retention) before they were read; counting goes on from offset ${to}`);
    d.onExpired(topic, partition, expired);
  }

  async function block(topic: string, partition: number, reason: string, stored: StoredPosition | null, log: PartitionLog): Promise<void> {
    const k = keyOf(topic, partition);
    const first = blocked.get(k)?.reason !== reason;
    // Stored first, so that once health and metrics say "refused", partition_state says so too.
    await d.sink.setBlocked(topic, partition, reason).catch((err: unknown) => d.log.warn({ err: (err as Error).message }, 'could not record the refused partition'));
    blocked.set(k, { topic, partition, reason, since: blocked.get(k)?.since ?? new Date().toISOString() });
    refusedOn.set(k, stored);
    cache.delete(k);
    d.pause(topic, partition);
    d.onBlocked(topic, partition, true);
    if (first) {
      d.log.error(
        { topic, partition, storedNextOffset: stored?.nextOffset.toString(), storedCluster: stored?.clusterId, logStart: log.logStart.toString(), logEnd: log.logEnd.toString(), cluster: log.clusterId },
        `not counting partition ${partition} of ${topic}: ${reason}. ` +
          (isSessionsRefusal(reason) ? '' : `Kafka now holds offsets ${log.logStart}-${log.logEnd} on cluster ${log.clusterId}. `) +
          refusalFix(topic, partition, reason),
      );
    }
  }

  /** Loads, checks and (when needed) moves a partition's position; null when the partition is refused. */
  async function load(topic: string, partition: number): Promise<Position | null> {
    const stored = await d.sink.loadPosition(topic, partition);
    const log = await readLog(topic, partition);
    const plan = planStart(stored, log);
    if (plan.kind === 'mismatch') {
      if (d.onMismatch === 'refuse' || stored === null) {
        await block(topic, partition, plan.reason, stored, log);
        return null;
      }
      const adopted = await adopt(topic, partition, plan.reason, stored.nextOffset, log);
      return adopted === 'fenced' ? load(topic, partition) : adopted;
    }
    let sessions: SessionState;
    if (stored === null) {
      // A first row, so that every position in use is a stored one. Sessions start afresh too
      // (session_state rows without a position could only be left by hand: closed as they stand).
      const outcome = await move(topic, partition, { expectedNextOffset: null, nextOffset: plan.from, watermarkMs: null, clusterId: log.clusterId, expired: plan.expired }, { kind: 'close-all' });
      if (outcome === 'fenced') return load(topic, partition);
      if (plan.expired > 0n) reportExpired(topic, partition, plan.expired, plan.from);
      sessions = createSessionState(null);
    } else {
      const restored = restoreSessions(stored.watermarkMs, stored.openSessions, d.sessions);
      if ('refused' in restored) {
        await block(topic, partition, restored.refused, stored, log);
        return null;
      }
      sessions = restored.state;
      if (plan.expired > 0n) {
        const moved = await expire(topic, partition, { nextOffset: stored.nextOffset, watermarkMs: stored.watermarkMs, clusterId: log.clusterId, sessions }, plan.from);
        if (moved === 'fenced') return load(topic, partition);
      }
    }
    refusedOn.delete(keyOf(topic, partition));
    if (blocked.delete(keyOf(topic, partition))) {
      d.log.info({ topic, partition }, `partition ${partition} of ${topic} fits its stored position again; counting goes on`);
      d.onBlocked(topic, partition, false);
      await d.sink.setBlocked(topic, partition, null).catch((err: unknown) => d.log.warn({ err: (err as Error).message }, 'could not clear the refusal'));
      d.resume(topic, partition);
    }
    return { nextOffset: plan.from, watermarkMs: stored?.watermarkMs ?? null, clusterId: log.clusterId, verify: plan.verify, sessions };
  }

  return {
    /** The partition's position, loaded and checked when not cached; null while it is refused. */
    async get(topic: string, partition: number, retry: RetryContext): Promise<Position | null> {
      const k = keyOf(topic, partition);
      if (blocked.has(k)) return null;
      const cached = cache.get(k);
      if (cached) return cached;
      // Each caller retries with its own context (its heartbeats, its health reports); concurrent
      // callers share each attempt.
      const pos = await retryUntilDone(`loading the position of partition ${partition} of ${topic}`, retry, () => {
        let attempt = loading.get(k);
        if (!attempt) {
          attempt = load(topic, partition).finally(() => loading.delete(k));
          loading.set(k, attempt);
        }
        return attempt;
      });
      if (pos) cache.set(k, pos);
      return pos;
    },
    set(topic: string, partition: number, pos: Position): void {
      cache.set(keyOf(topic, partition), pos);
    },
    /** Forgets a cached position (a refused commit, a rebalance): it is loaded again when needed. */
    forget(topic: string, partition: number): void {
      cache.delete(keyOf(topic, partition));
    },
    /**
     * Forgets every cached position and refusal of the topic's partitions (after a rebalance): each
     * is loaded and checked again when next needed, and paused again if it still does not fit.
     */
    forgetAll(topic: string): void {
      for (const [k, b] of blocked) {
        if (b.topic !== topic) continue;
        blocked.delete(k);
        refusedOn.delete(k);
        d.onBlocked(b.topic, b.partition, false);
        d.resume(b.topic, b.partition);
      }
      for (const k of [...cache.keys()]) if (k.startsWith(`${topic}\u0000`)) cache.delete(k);
    },
    /**
     * Refuses (or adopts) a partition whose batch showed that the position does not belong to it.
     * An end below the position is read again first: a new leader can report a lower end for a
     * moment; returns the position unchanged then.
     */
    async refuse(topic: string, partition: number, reason: string, cause: 'end' | 'record', pos: Position): Promise<Position | null> {
      const log = await readLog(topic, partition);
      if (cause === 'end' && log.logEnd >= pos.nextOffset) {
        d.log.warn({ topic, partition, nextOffset: pos.nextOffset.toString(), logEnd: log.logEnd.toString() }, `partition ${partition} of ${topic}: a fetch reported the end below the position, but the partition now ends at ${log.logEnd}; going on`);
        return pos;
      }
      const stored = await d.sink.loadPosition(topic, partition);
      if (stored === null || stored.nextOffset !== pos.nextOffset) {
        cache.delete(keyOf(topic, partition)); // moved on elsewhere meanwhile: load it again
        return null;
      }
      if (d.onMismatch === 'adopt') {
        const adopted = await adopt(topic, partition, reason, pos.nextOffset, log);
        cache.delete(keyOf(topic, partition));
        if (adopted === 'fenced') return null;
        cache.set(keyOf(topic, partition), adopted);
        return adopted;
      }
      await block(topic, partition, reason, stored, log);
      return null;
    },
    /** Records offsets that expired before they were read (a batch fetched past them) and moves past them. */
    async expire(topic: string, partition: number, pos: Position, to: bigint): Promise<Position | 'fenced'> {
      const moved = await expire(topic, partition, pos, to);
      if (moved === 'fenced') cache.delete(keyOf(topic, partition));
      else cache.set(keyOf(topic, partition), moved);
      return moved;
    },
    /**
     * Looks again at refused partitions whose stored position changed (a reset), and at those
     * refused for their sessions (closed by `npm run positions -- close-sessions`): one that fits now resumes.
     */
    async recheck(): Promise<void> {
      if (rechecking) return; // the last one is still going (a slow database or broker)
      rechecking = true;
      try {
        for (const b of [...blocked.values()]) {
          const k = keyOf(b.topic, b.partition);
          try {
            const stored = await d.sink.loadPosition(b.topic, b.partition);
            if (!isSessionsRefusal(b.reason) && samePosition(stored, refusedOn.get(k) ?? null)) continue; // not reset: still refused
            const pos = await load(b.topic, b.partition);
            if (pos) cache.set(k, pos);
          } catch (err) {
            d.log.warn({ err: (err as Error).message, partition: b.partition }, 'could not check a refused partition again');
          }
        }
      } finally {
        rechecking = false;
      }
    },
    blocked(): BlockedPartition[] {
      return [...blocked.values()];
    },
  };
}

export type PositionKeeper = ReturnType<typeof createPositionKeeper>;
