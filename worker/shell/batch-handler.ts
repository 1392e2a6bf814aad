/**
 * The imperative shell around the core, for one kafkajs batch (one partition):
 *   decode and validate → drop what is already committed → core (lateness, watermark, aggregate)
 *   → dead-letter and late topics → sink commit (aggregates + next offset + watermark, one
 *   transaction) → resolve the offsets in kafkajs.
 * The sink's stored offset is the source of truth: messages below it were committed before (a
 * restart, a rebalance, a retried commit) and are skipped, which is what makes counting
 * exactly-once. Large batches are committed in chunks, with heartbeats between them.
 */
import type { EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import { decodeEvent, type ValidEvent } from '../../lib/events/decode';
import { MAX_NOTICE_USERS, type CommitNotice } from '../../lib/live/commit-notice';
import type { Logger } from '../../lib/log';
import { processEvents, type CoreSettings } from '../core/process-events';
import type { WorkerMetrics, RateMeter } from './metrics';
import { retryUntilDone } from './retry';
import type { AggregateSink, PartitionPosition } from './sink';

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
  settings: HandlerSettings;
  metrics: WorkerMetrics;
  rate: RateMeter;
  log: Logger;
  seek: (topic: string, partition: number, offset: bigint) => void;
  onCommit: (notice: CommitNotice) => void;
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

export function createBatchHandler(d: HandlerDeps) {
  const positions = new Map<string, PartitionPosition>();
  const now = d.now ?? Date.now;
  const key = (topic: string, partition: number) => `${topic}:${partition}`;

  async function position(topic: string, partition: number, retry: Parameters<typeof retryUntilDone>[1]): Promise<PartitionPosition> {
    const k = key(topic, partition);
    let p = positions.get(k);
    if (!p) {
      p = await retryUntilDone('loading partition position', retry, () => d.sink.loadPosition(d.settings.groupId, topic, partition));
      positions.set(k, p);
    }
    return p;
  }

  async function handleChunk(payload: EachBatchPayload, messages: KafkaMessage[], from: PartitionPosition): Promise<PartitionPosition | 'fenced'> {
    const { topic, partition } = payload.batch;
    const started = performance.now();
    const retry = { isRunning: payload.isRunning, heartbeat: payload.heartbeat, log: d.log };
    const valid: Decoded[] = [];
    const side: { topic: string; message: Message }[] = [];
    const nowMs = now();
    for (const m of messages) {
      const r = decodeEvent(m.value, { nowMs, maxFutureMs: d.settings.maxFutureMs });
      if (r.ok) {
        const { userId, eventType, eventTimeMs, sessionDuration } = r.event;
        valid.push({ userId, eventType, eventTimeMs, sessionDuration, message: m });
      }
      else side.push({ topic: d.settings.dlqTopic, message: sideMessage(topic, partition, m, r.reason) });
    }
    const invalid = side.length;
    const core = processEvents(from.watermarkMs, valid, d.settings);
    for (const l of core.late) {
      side.push({
        topic: d.settings.lateTopic,
        message: sideMessage(topic, partition, l.event.message, l.reason, { 'x-watermark': new Date(l.watermarkMs).toISOString() }),
      });
    }
    // Side topics first: if we crash after this and before the commit, the batch is replayed and
    // these are sent again (at-least-once there), but the counts stay exactly-once.
    for (const t of [d.settings.dlqTopic, d.settings.lateTopic]) {
      const batch = side.filter((s) => s.topic === t).map((s) => s.message);
      if (batch.length > 0) await retryUntilDone(`sending to ${t}`, retry, () => d.side.send(t, batch));
    }

    const last = messages[messages.length - 1] as KafkaMessage;
    const nextOffset = BigInt(last.offset) + 1n;
    const countedUsers = [...new Set([...core.aggregate.userDays.values()].map((u) => u.userId))];
    const notice: CommitNotice = {
      at: new Date().toISOString(),
      groupId: d.settings.groupId,
      topic,
      partitions: [partition],
      events: core.counted,
      invalid,
      late: core.late.length,
      users: countedUsers.slice(0, MAX_NOTICE_USERS),
      usersTruncated: countedUsers.length > MAX_NOTICE_USERS,
      days: [...new Set([...core.aggregate.userDays.values()].map((u) => u.day))].sort(),
      minutes: [...new Set([...core.aggregate.userWindows.values()].map((w) => w.windowStartMs))].sort((a, b) => a - b).slice(-60).map((ms) => new Date(ms).toISOString()),
    };
    const outcome = await retryUntilDone('committing batch', retry, () =>
      d.sink.commit({
        groupId: d.settings.groupId,
        topic,
        partition,
        expectedNextOffset: from.nextOffset,
        nextOffset,
        watermarkMs: core.watermarkMs,
        aggregate: core.aggregate,
        counted: core.counted,
        invalid,
        late: core.late.length,
        notice,
      }),
    );
    if (outcome === 'fenced') return 'fenced';

    d.metrics.batchSize.observe(messages.length);
    d.metrics.batchDuration.observe((performance.now() - started) / 1000);
    d.metrics.events.inc({ outcome: 'counted' }, core.counted);
    d.metrics.events.inc({ outcome: 'invalid' }, invalid);
    d.metrics.events.inc({ outcome: 'late' }, core.late.length);
    d.metrics.lastCommit.set(Date.now() / 1000);
    d.rate.add(messages.length);
    d.onCommit(notice);
    return { nextOffset, watermarkMs: core.watermarkMs };
  }

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.isEmpty()) return;
    const retry = { isRunning: payload.isRunning, heartbeat: payload.heartbeat, log: d.log };
    let pos = await position(topic, partition, retry);
    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    if (pos.nextOffset !== null && first > pos.nextOffset) {
      // Kafka handed us messages past the stored position (its committed offset ran ahead of
      // ours): go back to the stored offset so nothing is skipped.
      d.log.warn({ topic, partition, first: first.toString(), stored: pos.nextOffset.toString() }, 'seeking back to the stored offset');
      d.seek(topic, partition, pos.nextOffset);
      return;
    }
    const fresh = pos.nextOffset === null ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= (pos.nextOffset as bigint));
    if (fresh.length < batch.messages.length) d.log.info({ topic, partition, skipped: batch.messages.length - fresh.length }, 'skipping messages committed before');

    for (let i = 0; i < fresh.length; i += d.settings.chunkSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = fresh.slice(i, i + d.settings.chunkSize);
      const next = await handleChunk(payload, chunk, pos);
      if (next === 'fenced') {
        // Another member committed this partition meanwhile: forget our view and let the fetch
        // loop hand us the messages again (none were resolved), to be filtered afresh.
        d.log.warn({ topic, partition }, 'commit refused: partition moved on elsewhere; reloading its position');
        positions.delete(key(topic, partition));
        return;
      }
      pos = next;
      positions.set(key(topic, partition), pos);
      payload.resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      d.metrics.lag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - pos.nextOffset!)));
      await payload.heartbeat();
    }
    if (fresh.length === 0) payload.resolveOffset(batch.lastOffset());
  }

  return {
    handleBatch,
    /** Forgets cached positions (after a rebalance), so they are reloaded from the sink. */
    forget(topic: string, partitions?: number[]) {
      for (const k of [...positions.keys()]) {
        const [t, p] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
        if (t === topic && (!partitions || partitions.includes(p))) positions.delete(k);
      }
    },
    /** Loads a partition's stored position (for seeking on assignment). */
    load: (topic: string, partition: number, retry: Parameters<typeof retryUntilDone>[1]) => position(topic, partition, retry),
  };
}
