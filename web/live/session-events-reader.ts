/**
 * A session's events, read back from Kafka for the session page. user_session keeps where they
 * are: the events topic's partition (a user's events all go to one, keyed by userId) and the
 * lowest and highest offset of the session's events. That offset range also holds every other user
 * of the partition, so it is read whole and filtered: valid events (the worker's own decoding, the
 * future check against the record's timestamp) of this user with event time in [start, end], in
 * (event time, offset) order, the order the worker folds a session in.
 *
 * Nothing is shown silently short:
 * - the partition's offsets are looked up first (TopicOffsetsReader): a range that retention
 *   removed is `expired`, one whose start it removed is `partial` (what is left is shown), one the
 *   partition does not reach (a re-created topic) is `expired` too, each with a sentence saying so;
 * - a range of more than MAX_SESSION_SCAN messages is `too_large` (not read: one page must not
 *   scan millions of other users' events);
 * - a read whose range stops arriving (retention removed its start after the offsets were looked
 *   up: Kafka moves the consumer to the partition's end) looks the offsets up again and reads what
 *   is left, once; a read that does not finish within the timeout is `unavailable`;
 * - a read whose count differs from the session's event count is `mismatch` (a late event in the
 *   range, which the worker did not count, or a re-created topic).
 *
 * One kafkajs consumer per process, in a consumer group of its own (never committing), started on
 * the first request: every partition paused, and a read seeks one partition to the range's start,
 * resumes it until the range's end, and pauses it again. Reads run one at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Config } from '@/lib/config';
import type { SessionEvent, SessionEventsStatus } from '@/lib/contracts/dashboard';
import { decodeEvent } from '@/lib/events/decode';
import type { Logger } from '@/lib/log';
import type { PartitionOffsets, TopicOffsetsReader } from './topic-offsets';
import { withTimeout } from './with-timeout';

/** The most Kafka messages one session read scans. */
export const MAX_SESSION_SCAN = 200_000;
/** A read whose range sends nothing for this long has stalled (see readOnce). */
const STALL_MS = 3000;
/** kafkajs's fetch wait for the reader's consumer. */
const FETCH_WAIT_MS = 50;
/** How long one read may take, Kafka's offsets included. */
export const SESSION_READ_TIMEOUT_MS = 10_000;

export interface SessionEventsQuery {
  userId: string;
  startMs: number;
  endMs: number;
  partition: number;
  /** Decimal strings (Kafka offsets are 64-bit). */
  firstOffset: string;
  lastOffset: string;
  /** The session's counted events, to compare with what is read. */
  eventCount: number;
}

export interface SessionEventsResult {
  status: SessionEventsStatus;
  message: string | null;
  events: SessionEvent[];
}

export interface SessionEventsReader {
  read(q: SessionEventsQuery): Promise<SessionEventsResult>;
  close(): Promise<void>;
}

/** What to read, from the partition's offsets now: nothing (and why), or a range. */
export type ReadPlan =
  | { kind: 'skip'; status: 'expired' | 'too_large'; message: string }
  | { kind: 'read'; from: bigint; to: bigint; partial: boolean; message: string | null };

export function planSessionRead(q: Pick<SessionEventsQuery, 'partition' | 'firstOffset' | 'lastOffset'>, offsets: PartitionOffsets | undefined, maxScan = MAX_SESSION_SCAN): ReadPlan {
  const first = BigInt(q.firstOffset);
  const last = BigInt(q.lastOffset);
  const where = `partition ${q.partition}, offsets ${q.firstOffset}–${q.lastOffset}`;
  if (!offsets) return { kind: 'skip', status: 'expired', message: `The events topic has no partition ${q.partition} any more (re-created?), so this session's events (${where}) cannot be shown.` };
  const low = BigInt(offsets.low);
  const high = BigInt(offsets.high);
  if (high <= last) {
    return { kind: 'skip', status: 'expired', message: `Partition ${q.partition} now ends at offset ${high}, before this session's events (${where}): the topic was re-created or truncated, so they cannot be shown.` };
  }
  if (low > last) {
    return { kind: 'skip', status: 'expired', message: `Kafka's retention has removed this session's events (${where}; the partition now starts at offset ${low}), so they cannot be shown.` };
  }
  const from = low > first ? low : first;
  if (last - from + 1n > BigInt(maxScan)) {
    return { kind: 'skip', status: 'too_large', message: `This session's events are spread over ${last - from + 1n} Kafka messages (${where}, every user of the partition), more than the ${maxScan} one request reads.` };
  }
  const partial = from > first;
  return {
    kind: 'read',
    from,
    to: last,
    partial,
    message: partial ? `Kafka's retention has removed the start of this session's events (offsets ${first}–${from - 1n} of partition ${q.partition}); only what is left is shown.` : null,
  };
}

/** The record's Kafka timestamp, against which the worker judges "too far in the future" (no check without one). */
function judgedAt(m: KafkaMessage): number {
  const ms = Number(m.timestamp);
  return Number.isFinite(ms) && ms >= 0 ? ms : Infinity;
}

/** A message as a session event of `q`, or undefined (invalid, another user, outside [start, end]). */
export function sessionEventOf(m: KafkaMessage, partition: number, q: Pick<SessionEventsQuery, 'userId' | 'startMs' | 'endMs'>, maxFutureMs: number): (SessionEvent & { eventTimeMs: number }) | undefined {
  const r = decodeEvent(m.value, { nowMs: judgedAt(m), maxFutureMs });
  if (!r.ok) return undefined;
  const { event: e, eventTimeMs } = r;
  if (e.userId !== q.userId || eventTimeMs < q.startMs || eventTimeMs > q.endMs) return undefined;
  return {
    userId: e.userId,
    eventType: e.eventType,
    timestamp: e.timestamp,
    eventTime: new Date(eventTimeMs).toISOString(),
    eventTimeMs,
    sessionDuration: e.sessionDuration,
    page: e.page ?? null,
    productId: e.productId ?? null,
    partition,
    offset: m.offset,
  };
}

/** Events in the order the worker folds a session: event time, then offset. */
export function inSessionOrder<E extends { eventTimeMs: number; offset: string }>(events: E[]): E[] {
  return events.sort((a, b) => a.eventTimeMs - b.eventTimeMs || (BigInt(a.offset) < BigInt(b.offset) ? -1 : BigInt(a.offset) > BigInt(b.offset) ? 1 : 0));
}

/** The result of a finished read: its status by the count read against the session's. */
export function readResult(plan: Extract<ReadPlan, { kind: 'read' }>, events: (SessionEvent & { eventTimeMs: number })[], eventCount: number): SessionEventsResult {
  const ordered: SessionEvent[] = inSessionOrder(events).map((e) => ({
    userId: e.userId,
    eventType: e.eventType,
    timestamp: e.timestamp,
    eventTime: e.eventTime,
    sessionDuration: e.sessionDuration,
    page: e.page,
    productId: e.productId,
    partition: e.partition,
    offset: e.offset,
  }));
  if (plan.partial) return { status: 'partial', message: `${plan.message ?? ''} ${ordered.length} of the session's ${eventCount} events are shown.`.trim(), events: ordered };
  if (ordered.length === eventCount) return { status: 'complete', message: null, events: ordered };
  return {
    status: 'mismatch',
    message: `Kafka holds ${ordered.length} events of this user in the session's offset range and time span, but the session counted ${eventCount} (late events are in no metric; a re-created topic has other events at these offsets). They are shown as read.`,
    events: ordered,
  };
}

export interface ActiveRead {
  partition: number;
  from: bigint;
  to: bigint;
  query: SessionEventsQuery;
  /** A message of the range has been seen (batches fetched before the seek are ignored until then). */
  started: boolean;
  /** When a message of the range last came (or the read began). */
  progressAt: number;
  /** By offset: a batch fetched twice (before and after a seek) adds nothing twice. */
  events: Map<string, SessionEvent & { eventTimeMs: number }>;
  done: (outcome: ReadOutcome) => void;
}

export type ReadOutcome = 'done' | 'stalled' | 'timeout' | 'closed';

/**
 * Takes one fetched batch of the read's partition into the read: the user's events of the range,
 * `done` at the range's last offset (or past it). Messages past the range before any of it was
 * seen were fetched before the seek, and are ignored.
 */
export function takeBatch(a: ActiveRead, partition: number, messages: readonly KafkaMessage[], maxFutureMs: number, nowMs = Date.now()): void {
  for (const m of messages) {
    const offset = BigInt(m.offset);
    if (offset < a.from) continue;
    if (offset > a.to) {
      if (!a.started) continue; // fetched before the seek
      a.done('done');
      return;
    }
    a.started = true;
    a.progressAt = nowMs;
    const e = sessionEventOf(m, partition, a.query, maxFutureMs);
    if (e) a.events.set(e.offset, e);
    if (offset === a.to) {
      a.done('done');
      return;
    }
  }
}

export interface SessionEventsReaderOptions {
  kafka: Kafka;
  cfg: Config;
  log: Logger;
  offsets: TopicOffsetsReader;
  timeoutMs?: number;
  maxScan?: number;
}

export function createSessionEventsReader(o: SessionEventsReaderOptions): SessionEventsReader {
  const topic = o.cfg.TOPIC_EVENTS;
  const timeoutMs = o.timeoutMs ?? SESSION_READ_TIMEOUT_MS;
  let consumer: Consumer | undefined;
  let starting: Promise<Consumer> | undefined;
  let active: ActiveRead | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const drop = async (c: Consumer | undefined) => {
    if (consumer === c) consumer = undefined;
    await c?.disconnect().catch(() => undefined);
  };

  function onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const a = active;
    if (a && batch.partition === a.partition) takeBatch(a, batch.partition, batch.messages, o.cfg.MAX_FUTURE_MS);
    return payload.heartbeat();
  }

  const started = (): Promise<Consumer> => {
    if (consumer) return Promise.resolve(consumer);
    starting ??= (async () => {
      // A short fetch wait: with every partition paused, kafkajs sleeps this long between looks, which
      // is the delay before a resumed partition is fetched (the default 5 s would be every read's).
      const c = o.kafka.consumer({
        groupId: `${o.cfg.KAFKA_CLIENT_ID}-web-sessions-${randomUUID()}`,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        maxWaitTimeInMs: FETCH_WAIT_MS,
        retry: { retries: 3 },
      });
      c.on(c.events.CRASH, (e) => {
        if (e.payload.restart) return;
        o.log.warn({ err: e.payload.error.message }, 'session events reader crashed; it starts again on the next request');
        void drop(c);
      });
      try {
        await c.connect();
        await c.subscribe({ topic, fromBeginning: false });
        await c.run({ autoCommit: false, eachBatch: onBatch });
        c.pause([{ topic }]);
      } catch (err) {
        await c.disconnect().catch(() => undefined);
        throw err;
      }
      if (closed) {
        await c.disconnect().catch(() => undefined);
        throw new Error('closed');
      }
      consumer = c;
      return c;
    })().finally(() => {
      starting = undefined;
    });
    return starting;
  };

  /** One pass over the plan's range: resolves 'done' at its last offset, 'stalled' when no message of the range came for STALL_MS. */
  async function pass(c: Consumer, plan: Extract<ReadPlan, { kind: 'read' }>, q: SessionEventsQuery, deadline: number): Promise<{ outcome: ReadOutcome; read: ActiveRead }> {
    let settle: (outcome: ReadOutcome) => void = () => undefined;
    const finished = new Promise<ReadOutcome>((resolve) => {
      settle = resolve;
    });
    const read: ActiveRead = { partition: q.partition, from: plan.from, to: plan.to, query: q, started: false, progressAt: Date.now(), events: new Map(), done: (outcome) => settle(outcome) };
    const watch = setInterval(() => {
      if (Date.now() - read.progressAt > STALL_MS) read.done('stalled');
      else if (Date.now() > deadline) read.done('timeout');
    }, 100);
    active = read;
    try {
      c.seek({ topic, partition: q.partition, offset: plan.from.toString() });
      c.resume([{ topic, partitions: [q.partition] }]);
      return { outcome: await finished, read };
    } finally {
      clearInterval(watch);
      active = undefined;
      try {
        c.pause([{ topic, partitions: [q.partition] }]);
      } catch {
        await drop(c);
      }
    }
  }

  async function readOnce(q: SessionEventsQuery): Promise<SessionEventsResult> {
    const deadline = Date.now() + timeoutMs;
    const unavailable = (why: string): SessionEventsResult => ({ status: 'unavailable', message: `Kafka did not return this session's events (${why}); try again shortly.`, events: [] });
    const why = (err: unknown) => (err instanceof Error ? err.message : String(err));
    try {
      let c: Consumer | undefined;
      for (let attempt = 1; ; attempt++) {
        // Fresh, not the pipeline panel's cached answer: an open session's newest events may have
        // been committed within the last second, and a stale end would read as a truncated topic.
        const offsets = await withTimeout(o.offsets.latest(true), Math.max(1, deadline - Date.now()), 'Kafka');
        const plan = planSessionRead(q, offsets.find((p) => p.partition === q.partition), o.maxScan ?? MAX_SESSION_SCAN);
        if (plan.kind === 'skip') return { status: plan.status, message: plan.message, events: [] };
        c ??= await withTimeout(started(), Math.max(1, deadline - Date.now()), 'Kafka');
        const { outcome, read } = await pass(c, plan, q, deadline);
        if (outcome === 'done') return readResult(plan, [...read.events.values()], q.eventCount);
        if (outcome === 'closed') return unavailable('the web server is shutting down');
        if (outcome === 'timeout' || attempt === 2) return unavailable(`no answer within ${timeoutMs} ms`);
        // Stalled: retention may have removed the range's start since the offsets were looked up
        // (Kafka then moves the consumer to the end of the partition). Look again and read what is there.
        await new Promise((r) => setTimeout(r, 1100));
      }
    } catch (err) {
      return unavailable(why(err));
    }
  }

  return {
    read(q) {
      if (closed) return Promise.resolve({ status: 'unavailable', message: 'The web server is shutting down.', events: [] });
      const next = queue.then(() => readOnce(q));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      closed = true;
      active?.done('closed');
      const s = starting;
      await drop(consumer);
      if (s) await s.then(drop, () => undefined);
    },
  };
}
