/**
 * The imperative shell around the core, for one kafkajs batch (one partition):
 *   position check (worker/shell/positions.ts) → decode and validate → core (lateness, watermark,
 *   aggregate) → dead-letter and late topics → sink commit (aggregates + next offset + watermark,
 *   one transaction) → resolve the offsets in kafkajs.
 * The sink's stored offset is the source of truth: messages below it were committed before (a
 * restart, a rebalance, a retried commit) and are skipped, which is what makes counting
 * exactly-once. Large batches are committed in chunks, with heartbeats between them. A chunk the
 * database refuses for its data is split until the refused event is found; that event goes to the
 * dead-letter topic with the database's reason, and the partition moves on.
 */
import { crc32 } from 'node:zlib';
import type { EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import { decodeEvent, type ValidEvent } from '@/lib/events/decode';
import { MAX_NOTICE_USERS, type CommitNotice } from '@/lib/contracts/commit-notice';
import type { Logger } from '@/lib/log';
import { planBatch, type BatchPlan, type RecordAccess, type RecordFingerprint } from '@/worker/core/positions';
import { processEvents, type CoreSettings } from '@/worker/core/process-events';
import { advanceWatermark } from '@/worker/core/watermark';
import { databaseMessage, isPermanentDataError, sqlState } from './db-errors';
import type { WorkerMetrics, RateMeter } from './prometheus';
import type { PartitionLogReader } from './partition-log';
import type { Position, PositionKeeper } from './positions';
import { retryUntilDone, type RetryContext } from './retry';
import type { AggregateSink } from './sink';

export interface HandlerSettings extends CoreSettings {
  groupId: string;
  dlqTopic: string;
  lateTopic: string;
  maxFutureMs: number;
  /** Messages per transaction. */
  chunkSize: number;
}

export interface SideOutput {
  send(topic: string, messages: Message[]): Promise<void>;
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

/** What the core needs of an event, plus the message it came in (for the late topic). */
type Decoded = Pick<ValidEvent, 'userId' | 'eventType' | 'eventTimeMs' | 'sessionDuration'> & { message: KafkaMessage };

function sideMessage(topic: string, partition: number, m: KafkaMessage, reason: string, extra: Record<string, string> = {}): Message {
  return {
    key: m.key,
    value: m.value,
    headers: {
      'x-reason': reason,
      'x-source-topic': topic,
      'x-source-partition': String(partition),
      'x-source-offset': m.offset,
      'x-source-timestamp': m.timestamp,
      ...extra,
    },
  };
}

const EMPTY = new Uint8Array(0);

/** The Kafka timestamp and CRC-32 (value, then key) of a record: which incarnation of the topic it is from. */
export function fingerprintOf(m: KafkaMessage): RecordFingerprint {
  return { timestampMs: Number(m.timestamp), crc: crc32(m.key ?? EMPTY, crc32(m.value ?? EMPTY)) };
}

const access: RecordAccess<KafkaMessage> = { offset: (m) => BigInt(m.offset), fingerprint: fingerprintOf };

/**
 * The instant an event's "too far in the future" is judged against: the record's Kafka timestamp,
 * so a replay classifies every event as the first run did. A record without one (-1, from clients
 * older than Kafka 0.10) is not checked.
 */
function judgedAt(m: KafkaMessage): number {
  const ms = Number(m.timestamp);
  return Number.isFinite(ms) && ms >= 0 ? ms : Infinity;
}

export function createBatchHandler(d: HandlerDeps) {
  const now = d.now ?? Date.now;

  /**
   * One chunk through decode, core, side topics and commit. `refused`: the database refused this
   * (single) event, which is dead-lettered with that reason. `sideSent`: an attempt on a larger chunk
   * around this one already sent its dead-letter and late messages, with the same decisions.
   */
  async function handleChunk(payload: EachBatchPayload, messages: KafkaMessage[], from: Position, opts: { refused?: string; sideSent?: boolean } = {}): Promise<Position | 'fenced'> {
    const { refused, sideSent = false } = opts;
    const { topic, partition } = payload.batch;
    const started = performance.now();
    const retry = retryContext(payload);
    const valid: Decoded[] = [];
    const dead: Message[] = [];
    for (const m of messages) {
      const r = refused === undefined ? decodeEvent(m.value, { nowMs: judgedAt(m), maxFutureMs: d.settings.maxFutureMs }) : { ok: false as const, reason: refused };
      if (r.ok) {
        const { userId, eventType, eventTimeMs, sessionDuration } = r.event;
        valid.push({ userId, eventType, eventTimeMs, sessionDuration, message: m });
      } else dead.push(sideMessage(topic, partition, m, r.reason));
    }
    const core = processEvents(from.watermarkMs, valid, d.settings);
    // The refused event moved the watermark in the attempt the database refused, whose late-topic
    // sends are already out: it moves it here too, or an event sent there as late would be counted.
    if (refused !== undefined) {
      for (const m of messages) {
        const r = decodeEvent(m.value, { nowMs: judgedAt(m), maxFutureMs: d.settings.maxFutureMs });
        if (r.ok) core.watermarkMs = advanceWatermark(core.watermarkMs, r.event.eventTimeMs, d.settings);
      }
    }
    const late = core.late.map((l) => sideMessage(topic, partition, l.event.message, l.reason, { 'x-watermark': new Date(l.watermarkMs).toISOString() }));
    // Side topics first: if we crash after this and before the commit, the batch is replayed and
    // these are sent again (at-least-once there), but the counts stay exactly-once.
    if (dead.length > 0 && (!sideSent || refused !== undefined)) await retryUntilDone(`sending to ${d.settings.dlqTopic}`, retry, () => d.side.send(d.settings.dlqTopic, dead));
    if (late.length > 0 && !sideSent) await retryUntilDone(`sending to ${d.settings.lateTopic}`, retry, () => d.side.send(d.settings.lateTopic, late));

    const last = messages[messages.length - 1] as KafkaMessage;
    const nextOffset = BigInt(last.offset) + 1n;
    const countedUsers = [...new Set([...core.aggregate.userDays.values()].map((u) => u.userId))];
    const minutes = [...new Set([...core.aggregate.userWindows.values()].map((w) => w.windowStartMs))].sort((a, b) => a - b);
    const notice: CommitNotice = {
      at: new Date(now()).toISOString(),
      groupId: d.settings.groupId,
      topic,
      partitions: [partition],
      events: core.counted,
      invalid: dead.length,
      late: core.late.length,
      users: countedUsers.slice(0, MAX_NOTICE_USERS),
      usersTruncated: countedUsers.length > MAX_NOTICE_USERS,
      days: [...new Set([...core.aggregate.userDays.values()].map((u) => u.day))].sort(),
      minutes: minutes.slice(-60).map((ms) => new Date(ms).toISOString()),
      minutesTruncated: minutes.length > 60,
    };
    const outcome = await retryUntilDone(
      'committing batch',
      { ...retry, isPermanent: isPermanentDataError },
      () =>
        d.sink.commit({
          groupId: d.settings.groupId,
          topic,
          partition,
          expectedNextOffset: from.nextOffset,
          nextOffset,
          watermarkMs: core.watermarkMs,
          clusterId: from.clusterId,
          lastRecord: fingerprintOf(last),
          aggregate: core.aggregate,
          counted: core.counted,
          invalid: dead.length,
          late: core.late.length,
          expired: 0n,
          notice,
        }),
    );
    if (outcome === 'fenced') return 'fenced';

    d.metrics.batchSize.observe(messages.length);
    d.metrics.batchDuration.observe((performance.now() - started) / 1000);
    d.metrics.events.inc({ outcome: 'counted' }, core.counted);
    d.metrics.events.inc({ outcome: 'invalid' }, dead.length);
    d.metrics.events.inc({ outcome: 'late' }, core.late.length);
    d.metrics.lastCommit.set(Date.now() / 1000);
    d.rate.add(messages.length);
    d.onCommit(notice);
    return { nextOffset, watermarkMs: core.watermarkMs, clusterId: from.clusterId, verify: null };
  }

  /**
   * A chunk, split in halves while the database refuses it for its data (a value it cannot
   * store): the one event it refuses is dead-lettered with the database's reason.
   */
  async function commitChunk(payload: EachBatchPayload, messages: KafkaMessage[], from: Position, sideSent = false): Promise<Position | 'fenced'> {
    try {
      return await handleChunk(payload, messages, from, { sideSent });
    } catch (err) {
      if (!isPermanentDataError(err)) throw err;
      const { topic, partition } = payload.batch;
      const reason = `database: refused the event (SQLSTATE ${sqlState(err) ?? '?'}: ${databaseMessage(err).replace(/\s+/g, ' ').slice(0, 300)})`;
      if (messages.length === 1) {
        d.log.error({ topic, partition, offset: (messages[0] as KafkaMessage).offset, reason }, 'the database refused an event; sending it to the dead-letter topic');
        return handleChunk(payload, messages, from, { refused: reason, sideSent: true });
      }
      d.log.warn({ topic, partition, messages: messages.length, reason }, 'the database refused a batch for its data; splitting it to find the event');
      const half = Math.ceil(messages.length / 2);
      // The attempt that failed sent the chunk's side messages; the halves make the same decisions.
      const first = await commitChunk(payload, messages.slice(0, half), from, true);
      if (first === 'fenced') return first;
      return commitChunk(payload, messages.slice(half), first, true);
    }
  }

  function retryContext(payload: EachBatchPayload): RetryContext {
    return { isRunning: payload.isRunning, heartbeat: payload.heartbeat, log: d.log, onRetrying: d.onRetrying };
  }

  /** The position check's plan for a batch, reading the log start when it needs it. */
  async function plan(payload: EachBatchPayload, pos: Position): Promise<BatchPlan<KafkaMessage>> {
    const { batch } = payload;
    // kafkajs keeps the offset each fetch asked for on the batch; its types leave it out.
    const fetched = { fetchedOffset: BigInt((batch as unknown as { fetchedOffset: string }).fetchedOffset), highWatermark: BigInt(batch.highWatermark), messages: batch.messages };
    const first = planBatch(pos, fetched, access);
    if (first.kind !== 'need-log-start') return first;
    const log = await retryUntilDone('reading the partition\'s offsets', retryContext(payload), () => d.logs.read(batch.topic));
    return planBatch(pos, fetched, access, log.get(batch.partition)?.logStart ?? 0n);
  }

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.isEmpty()) return;
    const retry = retryContext(payload);
    let pos = await d.positions.get(topic, partition, retry);
    if (pos === null) return; // refused: the partition is paused until its position is reset
    const p = await plan(payload, pos);
    let messages: KafkaMessage[];
    switch (p.kind) {
      case 'need-log-start':
        return;
      case 'mismatch': {
        const at = pos;
        const next = await retryUntilDone(`checking partition ${partition} of ${topic} against its stored position`, retry, () => d.positions.refuse(topic, partition, p.reason, p.cause, at));
        if (next) d.seek(topic, partition, next.verify?.offset ?? next.nextOffset); // adopted, or the end was only reported low for a moment
        return;
      }
      case 'seek':
        d.log.info({ topic, partition, fetched: batch.firstOffset(), seekTo: p.offset.toString() }, 'reading from the stored position');
        d.seek(topic, partition, p.offset);
        return;
      case 'expired': {
        const at = pos;
        const moved = await retryUntilDone('recording expired offsets', retry, () => d.positions.expire(topic, partition, at, p.to));
        if (moved === 'fenced') return; // moved on elsewhere: loaded again with the next batch
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

    for (let i = 0; i < messages.length; i += d.settings.chunkSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = messages.slice(i, i + d.settings.chunkSize);
      const next = await commitChunk(payload, chunk, pos);
      if (next === 'fenced') {
        // Another member committed this partition meanwhile: forget our view and let the fetch
        // loop hand us the messages again (none were resolved), to be filtered afresh.
        d.log.warn({ topic, partition }, 'commit refused: partition moved on elsewhere; reloading its position');
        d.positions.forget(topic, partition);
        return;
      }
      pos = next;
      d.positions.set(topic, partition, pos);
      payload.resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      d.metrics.lag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - pos.nextOffset)));
      await payload.heartbeat();
    }
    if (messages.length === 0 && pos.verify === null) payload.resolveOffset(batch.lastOffset());
  }

  return { handleBatch };
}
