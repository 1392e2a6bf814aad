/**
 * The commit step for one chunk of a partition's batch: route its messages (route-chunk.ts), send
 * the dead-letter and late ones, then commit aggregates + sessions + next offset + watermark +
 * notice in one transaction fenced on the position the chunk started from (the sink). A chunk the
 * database refuses for its data (SQLSTATE class 22 or 23) is split in halves until the refused
 * event is found; that event is dead-lettered with the database's reason, and the partition moves
 * on.
 *
 * Sessions: every attempt (a retry, each half of a split) starts from the session state of the
 * position it is given, which nothing changes; the state after the chunk becomes the partition's
 * only as part of the position a successful commit returns. A fenced commit returns no state.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { buildCommitNotice, type CommitNotice } from '@/lib/contracts/commit-notice';
import type { Logger } from '@/lib/log';
import { fingerprintOf } from './batch-positions';
import { databaseMessage, isPermanentDataError, sqlState } from './db-errors';
import { sideMessagesOf, type SideOutcome, type SideOutput, type SourcePartition } from './outcomes';
import type { Position } from './positions';
import { recordCommittedChunk, type RateMeter, type WorkerMetrics } from './prometheus';
import { retryUntilDone, type RetryContext } from './retry';
import { routeChunk, type RouteSettings } from './route-chunk';
import type { AggregateSink } from './sink';
import { dayOf } from '@/lib/days';

export interface ChunkSettings extends RouteSettings {
  groupId: string;
  dlqTopic: string;
  lateTopic: string;
}

export interface ChunkCommitDeps {
  sink: AggregateSink;
  side: SideOutput;
  settings: ChunkSettings;
  metrics: WorkerMetrics;
  rate: RateMeter;
  log: Logger;
  onCommit: (notice: CommitNotice) => void;
  /** The wall clock, for the notice's time only: validity never depends on it. */
  now: () => number;
}

/** The partition a chunk is from, and how to retry its steps (the batch's heartbeats and running state). */
export interface ChunkSource extends SourcePartition {
  retry: RetryContext;
}

/** The position after the chunk, or 'fenced': another owner moved the stored position meanwhile (nothing counted). */
export type ChunkResult = Position | 'fenced';

/** The (user, day)s a chunk changed: its aggregates', then those of sessions it only closed (marked final, no new event), whose pages show it too. */
function* changedUserDays(aggregated: Iterable<{ userId: string; day: string }>, closed: readonly { userId: string; startMs: number }[]) {
  yield* aggregated;
  for (const k of closed) yield { userId: k.userId, day: dayOf(k.startMs) };
}

export function createChunkCommitter(d: ChunkCommitDeps) {
  const topicOf: Record<SideOutcome, string> = { 'dead-letter': d.settings.dlqTopic, late: d.settings.lateTopic };

  async function send(src: ChunkSource, kind: SideOutcome, messages: Message[]): Promise<void> {
    const topic = topicOf[kind];
    await retryUntilDone(`sending to ${topic}`, src.retry, () => d.side.send(topic, messages));
  }

  /**
   * One attempt at a chunk. `refused`: the database refused this (single) event, which is
   * dead-lettered with that reason. `sideSent`: an attempt on a larger chunk around this one already
   * sent its dead-letter and late messages, with the same decisions.
   */
  async function attempt(src: ChunkSource, messages: KafkaMessage[], from: Position, refused: string | undefined, sideSent: boolean): Promise<ChunkResult> {
    const started = performance.now();
    const routed = routeChunk(messages, from, d.settings, refused);
    const side = sideMessagesOf(routed.outcomes, src);
    // Side topics first: if we crash after this and before the commit, the chunk is replayed and
    // these are sent again (at-least-once there), but the counts stay exactly-once.
    if (side['dead-letter'].length > 0 && (!sideSent || refused !== undefined)) await send(src, 'dead-letter', side['dead-letter']);
    if (side.late.length > 0 && !sideSent) await send(src, 'late', side.late);

    const last = messages[messages.length - 1] as KafkaMessage;
    const nextOffset = BigInt(last.offset) + 1n;
    const { counted, invalid, late, aggregate, sessions, sessionStats, sessionEnds } = routed;
    const { sessionGapMs, allowedLatenessMs, windowSizeMs } = d.settings;
    const notice = buildCommitNotice({
      atMs: d.now(),
      groupId: d.settings.groupId,
      topic: src.topic,
      partition: src.partition,
      events: counted,
      invalid,
      late,
      userDays: changedUserDays(aggregate.userDays.values(), sessions.closed),
      windowStartsMs: Array.from(aggregate.userWindows.values(), (w) => w.windowStartMs),
    });
    const outcome = await retryUntilDone('committing batch', { ...src.retry, isPermanent: isPermanentDataError }, () =>
      d.sink.commit({
        groupId: d.settings.groupId,
        topic: src.topic,
        partition: src.partition,
        expectedNextOffset: from.nextOffset,
        nextOffset,
        watermarkMs: routed.watermarkMs,
        clusterId: from.clusterId,
        lastRecord: fingerprintOf(last),
        aggregate,
        counted,
        invalid,
        late,
        expired: 0n,
        sessions: {
          kind: 'update',
          settings: { sessionGapMs, allowedLatenessMs, windowSizeMs },
          changed: sessions.changed,
          removed: sessions.removed,
          closed: sessions.closed,
          users: sessions.users,
          stats: sessionStats,
          ends: sessionEnds,
        },
        notice,
      }),
    );
    if (outcome === 'fenced') return 'fenced';

    recordCommittedChunk(d.metrics, { messages: messages.length, seconds: (performance.now() - started) / 1000, counted, invalid, late });
    d.rate.add(messages.length);
    d.onCommit(notice);
    return { nextOffset, watermarkMs: routed.watermarkMs, clusterId: from.clusterId, verify: null, sessions: sessions.state };
  }

  /**
   * Commits a chunk, split in halves while the database refuses it for its data (a value it cannot
   * store): the one event it refuses is dead-lettered with the database's reason.
   */
  async function commitChunk(src: ChunkSource, messages: KafkaMessage[], from: Position, sideSent = false): Promise<ChunkResult> {
    try {
      return await attempt(src, messages, from, undefined, sideSent);
    } catch (err) {
      if (!isPermanentDataError(err)) throw err;
      const { topic, partition } = src;
      const reason = `database: refused the event (SQLSTATE ${sqlState(err) ?? '?'}: ${databaseMessage(err).replace(/\s+/g, ' ').slice(0, 300)})`;
      if (messages.length === 1) {
        d.log.error({ topic, partition, offset: (messages[0] as KafkaMessage).offset, reason }, 'the database refused an event; sending it to the dead-letter topic');
        return attempt(src, messages, from, reason, true);
      }
      d.log.warn({ topic, partition, messages: messages.length, reason }, 'the database refused a batch for its data; splitting it to find the event');
      const half = Math.ceil(messages.length / 2);
      // The attempt that failed sent the chunk's side messages; the halves make the same decisions.
      const first = await commitChunk(src, messages.slice(0, half), from, true);
      if (first === 'fenced') return first;
      return commitChunk(src, messages.slice(half), first, true);
    }
  }

  return commitChunk;
}
