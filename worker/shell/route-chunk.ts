/**
 * A chunk's messages through the pipeline's pure steps: decode → core (lateness, watermark,
 * aggregate, sessions: worker/core) → one tagged outcome per message. No I/O: the commit step
 * (commit-chunk.ts) sends and stores what this decides.
 */
import type { KafkaMessage } from 'kafkajs';
import type { Config } from '@/lib/config';
import { decodeEvent, type DecodeResult } from '@/lib/events/decode';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import type { Aggregate } from '@/worker/core/aggregate';
import { processEvents, type CoreSettings } from '@/worker/core/process-events';
import { addToSessions, replacedRows, type SessionEvent, type SessionSettings, type SessionState, type SessionUpdate } from '@/worker/core/sessions';
import { sessionStatsChanges, type UserDaySessionStatsChange } from '@/worker/core/session-stats-changes';
import { sessionEndMinuteChanges, type SessionEndMinuteChange } from '@/worker/core/session-end-minutes';
import { advanceWatermark } from '@/worker/core/watermark';
import type { MessageOutcome } from './outcomes';

export interface RouteSettings extends CoreSettings, SessionSettings {
  /** Events further ahead of their record's Kafka timestamp are invalid. */
  maxFutureMs: number;
}

export interface RoutedChunk {
  /** One per message, in offset order. */
  outcomes: MessageOutcome[];
  /** The counted events' increments. */
  aggregate: Aggregate;
  counted: number;
  invalid: number;
  late: number;
  /** The partition's watermark after the chunk. */
  watermarkMs: number | null;
  /** The counted events added to the partition's sessions, which moved to the watermark after the chunk. */
  sessions: SessionUpdate;
  /** What that changed in each user-day's session figures. */
  sessionStats: UserDaySessionStatsChange[];
  /** What that changed in the number of sessions ending in each minute. */
  sessionEnds: SessionEndMinuteChange[];
}

/** The routing rules as the configuration sets them. */
export function routeSettingsOf(cfg: Config): RouteSettings {
  return {
    maxFutureMs: cfg.MAX_FUTURE_MS,
    windowSizeMs: cfg.WINDOW_SIZE_MS,
    outOfOrdernessMs: cfg.OUT_OF_ORDERNESS_MS,
    allowedLatenessMs: cfg.ALLOWED_LATENESS_MS,
    sessionGapMs: cfg.SESSION_GAP_MS,
  };
}

/** Where a chunk starts: the partition's watermark and its open sessions (their watermark is the same). */
export interface ChunkStart {
  watermarkMs: number | null;
  sessions: SessionState;
}

/** What the core needs of an event, plus the message it came in (for its outcome). */
type Decoded = Pick<ClickstreamEvent, 'userId' | 'eventType' | 'sessionDuration'> & { eventTimeMs: number; message: KafkaMessage; index: number };

/**
 * The instant an event's "too far in the future" is judged against: the record's Kafka timestamp,
 * so a replay classifies every event as the first run did. A record without one (-1, from clients
 * older than Kafka 0.10) is not checked.
 */
function judgedAt(m: KafkaMessage): number {
  const ms = Number(m.timestamp);
  return Number.isFinite(ms) && ms >= 0 ? ms : Infinity;
}

/** Decode: the message's value as a valid event, or why it is not one. */
export function decodeMessage(m: KafkaMessage, maxFutureMs: number): DecodeResult {
  return decodeEvent(m.value, { nowMs: judgedAt(m), maxFutureMs });
}

/**
 * Decodes the messages, runs the valid ones through the core from `from` (its watermark), tags each
 * message, and adds the counted ones to `from`'s sessions (seq: the Kafka offset), moving them to
 * the watermark after the chunk even when nothing was counted, so sessions freeze and close.
 * `from` is left unchanged: a retried or split chunk starts from it again. `refused`: the database
 * refused this chunk's events; each is dead-lettered with that reason, yet still moves the
 * watermark as it did in the attempt the database refused (whose late-topic sends are already
 * out), or an event sent there as late would be counted.
 */
export function routeChunk(messages: readonly KafkaMessage[], from: ChunkStart, s: RouteSettings, refused?: string): RoutedChunk {
  const outcomes: MessageOutcome[] = [];
  const valid: Decoded[] = [];
  const refusedTimes: number[] = [];
  let invalid = 0;
  messages.forEach((message, index) => {
    const r = decodeMessage(message, s.maxFutureMs);
    if (refused !== undefined) {
      outcomes.push({ kind: 'dead-letter', message, reason: refused });
      invalid += 1;
      if (r.ok) refusedTimes.push(r.eventTimeMs);
      return;
    }
    if (!r.ok) {
      outcomes.push({ kind: 'dead-letter', message, reason: r.reason });
      invalid += 1;
      return;
    }
    const { userId, eventType, sessionDuration } = r.event;
    valid.push({ userId, eventType, eventTimeMs: r.eventTimeMs, sessionDuration, message, index });
    outcomes.push({ kind: 'counted', message });
  });
  const core = processEvents(from.watermarkMs, valid, s);
  for (const l of core.late) outcomes[l.event.index] = { kind: 'late', message: l.event.message, reason: l.reason, watermarkMs: l.watermarkMs };
  let watermark = core.watermarkMs;
  for (const t of refusedTimes) watermark = advanceWatermark(watermark, t, s);
  const counted: SessionEvent[] = [];
  for (const v of valid) {
    if (outcomes[v.index]?.kind === 'counted') counted.push({ userId: v.userId, eventType: v.eventType, eventTimeMs: v.eventTimeMs, seq: Number(v.message.offset) });
  }
  const sessions = addToSessions(from.sessions, counted, watermark, s);
  const replaced = replacedRows(from.sessions, sessions);
  return {
    outcomes,
    aggregate: core.aggregate,
    counted: core.counted,
    invalid,
    late: core.late.length,
    watermarkMs: watermark,
    sessions,
    sessionStats: sessionStatsChanges(replaced, sessions.changed),
    sessionEnds: sessionEndMinuteChanges(replaced, sessions.changed),
  };
}
