/**
 * Test doubles for the worker shell's unit tests, no services needed: an in-memory AggregateSink
 * that honours the fence like partition_state does and keeps sessions as user_session and
 * session_state do, a kafkajs batch payload, a partition log reader, a side output that records
 * what it was sent, and a batch handler wired to them.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import pino from 'pino';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import type { PartitionLog, StoredPosition } from '@/worker/core/positions';
import type { SessionRow } from '@/worker/core/sessions';
import { createBatchHandler, type BatchPayload, type HandlerSettings } from './batch-handler';
import type { SideOutput } from './outcomes';
import type { PartitionLogReader } from './partition-log';
import { createPositionKeeper } from './positions';
import { createWorkerMetrics, RateMeter } from './prometheus';
import type { SessionWrite, StoredUserSessions } from './session-sink';
import type { AggregateSink, BatchCommit, CommitOutcome, StoredPartition } from './sink';

export const TOPIC = 'events';
export const CLUSTER = 'cluster-1';
/** 2026-01-01T12:00:00Z: event times in the tests are offsets from here. */
export const T0 = Date.UTC(2026, 0, 1, 12);

interface Row extends StoredPosition {
  processed: number;
  invalid: number;
  late: number;
  expired: bigint;
  blockedReason: string | null;
}

const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

/** A user_session row. */
export interface UserSessionRow extends SessionRow {
  partition: number;
  final: boolean;
}

const sessionKey = (k: { userId: string; startMs: number }) => `${k.userId}\n${k.startMs}`;
/** As jsonb hands it back: a copy, never the object the worker holds. */
const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/**
 * An in-memory sink: a commit whose expected offset is not the stored one is fenced, as in
 * PostgreSQL; a commit's sessions are applied with it, as session-sink.ts applies them.
 */
export class FakeSink implements AggregateSink {
  readonly rows = new Map<string, Row>();
  /** user_session, by user and start. */
  readonly userSessions = new Map<string, UserSessionRow>();
  /** session_state: open_sessions by topic/partition, then user. */
  readonly sessionState = new Map<string, Map<string, unknown>>();
  /** Every commit that went through, in order (position moves without events included). */
  readonly commits: BatchCommit[] = [];
  /** Commits refused by the fence. */
  fenced = 0;
  /** Runs before each commit is applied: may move the position elsewhere, or throw (a database error). */
  beforeCommit: ((b: BatchCommit) => void) | undefined;

  loadPosition(topic: string, partition: number): Promise<StoredPartition | null> {
    const row = this.rows.get(keyOf(topic, partition));
    const openSessions: StoredUserSessions[] = [...(this.sessionState.get(keyOf(topic, partition)) ?? new Map<string, unknown>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([userId, json]) => ({ userId, openSessions: viaJson(json) }));
    return Promise.resolve(row ? { nextOffset: row.nextOffset, watermarkMs: row.watermarkMs, clusterId: row.clusterId, lastRecord: row.lastRecord, openSessions } : null);
  }

  commit(b: BatchCommit): Promise<CommitOutcome> {
    try {
      this.beforeCommit?.(b);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const k = keyOf(b.topic, b.partition);
    const row = this.rows.get(k);
    if (b.expectedNextOffset === null ? row !== undefined : row?.nextOffset !== b.expectedNextOffset) {
      this.fenced++;
      return Promise.resolve('fenced');
    }
    this.rows.set(k, {
      nextOffset: b.nextOffset,
      watermarkMs: b.watermarkMs,
      clusterId: b.clusterId,
      lastRecord: b.lastRecord,
      processed: (row?.processed ?? 0) + b.counted,
      invalid: (row?.invalid ?? 0) + b.invalid,
      late: (row?.late ?? 0) + b.late,
      expired: (row?.expired ?? 0n) + b.expired,
      blockedReason: null,
    });
    this.applySessions(b.topic, b.partition, b.sessions ?? null);
    this.commits.push(b);
    return Promise.resolve('committed');
  }

  private applySessions(topic: string, partition: number, w: SessionWrite | null): void {
    if (w === null) return;
    const state = this.sessionState.get(keyOf(topic, partition)) ?? new Map<string, unknown>();
    this.sessionState.set(keyOf(topic, partition), state);
    if (w.kind === 'close-all') {
      for (const r of this.userSessions.values()) if (r.partition === partition && !r.final && state.has(r.userId)) r.final = true;
      state.clear();
      return;
    }
    const closed = new Set(w.closed.map(sessionKey));
    for (const k of w.removed) this.userSessions.delete(sessionKey(k));
    for (const r of w.changed) this.userSessions.set(sessionKey(r), { ...r, partition, final: closed.has(sessionKey(r)) });
    for (const k of w.closed) {
      const r = this.userSessions.get(sessionKey(k));
      if (r) r.final = true;
    }
    for (const u of w.users) {
      if (u.sessions.length === 0) state.delete(u.userId);
      else state.set(u.userId, viaJson({ settings: w.settings, sessions: u.sessions }));
    }
  }

  /** Stores a user's open sessions as another run would have (open_sessions as stored). */
  storeSessions(partition: number, userId: string, openSessions: unknown, topic = TOPIC): void {
    const state = this.sessionState.get(keyOf(topic, partition)) ?? new Map<string, unknown>();
    state.set(userId, openSessions);
    this.sessionState.set(keyOf(topic, partition), state);
  }

  /** What `npm run positions -- close-sessions` does (closeOpenSessions): open sessions final, state gone. */
  closeAll(partition: number, topic = TOPIC): void {
    this.applySessions(topic, partition, { kind: 'close-all' });
  }

  /** user_session, by user and start. */
  sessions(): UserSessionRow[] {
    return [...this.userSessions.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.startMs - b.startMs));
  }

  /** The users with open sessions stored for a partition. */
  sessionStateUsers(partition: number, topic = TOPIC): string[] {
    return [...(this.sessionState.get(keyOf(topic, partition))?.keys() ?? [])].sort();
  }

  setBlocked(topic: string, partition: number, reason: string | null): Promise<void> {
    const row = this.rows.get(keyOf(topic, partition));
    if (row) row.blockedReason = reason;
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Stores a position, as an earlier run (or another worker) would have. */
  store(partition: number, pos: StoredPosition, topic = TOPIC): void {
    const row = this.rows.get(keyOf(topic, partition));
    this.rows.set(keyOf(topic, partition), { processed: 0, invalid: 0, late: 0, expired: 0n, blockedReason: null, ...row, ...pos });
  }

  row(partition: number, topic = TOPIC): Row | undefined {
    return this.rows.get(keyOf(topic, partition));
  }

  /** The commits that carried events (not position moves). */
  eventCommits(): BatchCommit[] {
    return this.commits.filter((c) => c.notice !== null);
  }
}

/** Kafka's view of the partitions, changeable by the test. */
export function fakeLogs(log: Partial<PartitionLog> = {}) {
  const current: PartitionLog = { clusterId: CLUSTER, logStart: 0n, logEnd: 1_000n, ...log };
  const reader: PartitionLogReader = {
    read: () => Promise.resolve(new Map([0, 1, 2].map((p) => [p, { ...current }]))),
    close: () => Promise.resolve(),
  };
  return { reader, current };
}

/** A side output that records each send. */
export function fakeSide() {
  const sent: { topic: string; messages: Message[] }[] = [];
  const side: SideOutput = {
    send: (topic, messages) => {
      sent.push({ topic, messages });
      return Promise.resolve();
    },
  };
  return { side, sent, offsetsSentTo: (topic: string) => sent.filter((s) => s.topic === topic).flatMap((s) => s.messages.map((m) => m.headers?.['x-source-offset'])) };
}

/** A record as kafkajs hands it over. */
export function record(offset: number, value: string | null, timestampMs: number, key: string | null = null): KafkaMessage {
  return { offset: String(offset), key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: String(timestampMs), attributes: 0, headers: {} };
}

/** A valid event at `offset`, `seconds` after T0 (its Kafka timestamp too). */
export function event(offset: number, seconds = offset, userId = `user-${offset % 3}`, eventType = 'pageView'): KafkaMessage {
  const at = T0 + seconds * 1000;
  return record(offset, JSON.stringify({ timestamp: new Date(at).toISOString(), userId, eventType, sessionDuration: 10 }), at, userId);
}

/** Valid events at offsets from..to-1. */
export function events(from: number, to: number): KafkaMessage[] {
  return Array.from({ length: to - from }, (_, i) => event(from + i));
}

export interface BatchOptions {
  partition?: number;
  /** Where the fetch started (default: the first message's offset). */
  fetchedOffset?: bigint;
  highWatermark?: bigint;
  isRunning?: () => boolean;
  isStale?: () => boolean;
}

/** A kafkajs batch payload over these messages, recording what the handler resolves and how often it heartbeats. */
export function fakeBatch(messages: KafkaMessage[], o: BatchOptions = {}) {
  const resolved: string[] = [];
  const calls = { heartbeats: 0 };
  const last = messages.at(-1);
  const highWatermark = o.highWatermark ?? (last ? BigInt(last.offset) + 1n : (o.fetchedOffset ?? 0n));
  const payload: BatchPayload = {
    batch: {
      topic: TOPIC,
      partition: o.partition ?? 0,
      highWatermark: String(highWatermark),
      messages,
      fetchedOffset: String(o.fetchedOffset ?? (messages[0] ? BigInt(messages[0].offset) : highWatermark)),
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => last?.offset ?? String(highWatermark - 1n),
    },
    resolveOffset: (offset) => {
      resolved.push(offset);
    },
    heartbeat: () => {
      calls.heartbeats++;
      return Promise.resolve();
    },
    isRunning: o.isRunning ?? (() => true),
    isStale: o.isStale ?? (() => false),
  };
  return { payload, resolved, calls };
}

export const SETTINGS: HandlerSettings = {
  groupId: 'group',
  dlqTopic: 'events.dlq',
  lateTopic: 'events.late',
  maxFutureMs: 300_000,
  windowSizeMs: 60_000,
  outOfOrdernessMs: 5_000,
  allowedLatenessMs: 600_000,
  sessionGapMs: 1_800_000,
  chunkSize: 5_000,
};

/** A batch handler on the fakes, with the real position keeper; `sink`: share one with another handler (another worker). */
export function handlerWithFakes(o: { chunkSize?: number; log?: Partial<PartitionLog>; onMismatch?: 'refuse' | 'adopt'; sessionGapMs?: number; sink?: FakeSink } = {}) {
  const log = pino({ level: 'silent' });
  const sink = o.sink ?? new FakeSink();
  const settings: HandlerSettings = { ...SETTINGS, chunkSize: o.chunkSize ?? SETTINGS.chunkSize, sessionGapMs: o.sessionGapMs ?? SETTINGS.sessionGapMs };
  const logs = fakeLogs(o.log);
  const side = fakeSide();
  const metrics = createWorkerMetrics();
  const seeks: { partition: number; offset: bigint }[] = [];
  const paused: number[] = [];
  const notices: CommitNotice[] = [];
  const positions = createPositionKeeper({
    sink,
    log,
    logs: logs.reader,
    groupId: SETTINGS.groupId,
    onMismatch: o.onMismatch ?? 'refuse',
    sessions: settings,
    pause: (_t, partition) => paused.push(partition),
    resume: () => {},
    onBlocked: () => {},
    onExpired: () => {},
  });
  const handler = createBatchHandler({
    sink,
    side: side.side,
    positions,
    logs: logs.reader,
    settings,
    metrics,
    rate: new RateMeter(),
    log,
    seek: (_t, partition, offset) => seeks.push({ partition, offset }),
    onCommit: (n) => notices.push(n),
    now: () => T0,
  });
  /** The events counter by outcome, as /metrics would show it. */
  const counted = async () => Object.fromEntries((await metrics.events.get()).values.map((v) => [String(v.labels.outcome), v.value]));
  return { handler, sink, logs, side, metrics, seeks, paused, notices, positions, counted };
}
