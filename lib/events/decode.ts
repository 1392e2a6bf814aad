/**
 * Decoding and validating raw Kafka message values. Never throws: the result is either the event
 * and its time in epoch milliseconds, UTC, or a reason that names the field.
 */
import type { z } from 'zod';
import { fastValidate } from './fast-validate';
import { eventSchemas, isEventType, EVENT_TYPES, type ClickstreamEvent } from './schemas';
import { parseTimestamp } from './timestamp';

/** Larger messages are rejected before parsing: a real event is a few hundred bytes. */
export const MAX_EVENT_BYTES = 64 * 1024;

/** A valid event and its time in epoch milliseconds, UTC (beside it, so the event is not copied: issue 15). */
export type DecodeResult = { ok: true; event: ClickstreamEvent; eventTimeMs: number } | { ok: false; reason: string };

export interface DecodeOptions {
  /**
   * The instant the far-future check compares with. The worker passes the Kafka record's timestamp,
   * so the same record is judged the same way on every replay (Infinity: no check).
   */
  nowMs: number;
  /** Events more than this far ahead of nowMs are invalid. */
  maxFutureMs: number;
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : 'event';
  return `${field}: ${issue.message}`;
}

/** Validates a parsed JSON value. */
export function validateEvent(value: unknown, options: DecodeOptions): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `event: must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const type = (value as { eventType?: unknown }).eventType;
  if (type === undefined) return { ok: false, reason: 'eventType: is required' };
  if (!isEventType(type)) {
    return { ok: false, reason: `eventType: unknown event type ${JSON.stringify(type).slice(0, 64)}; expected one of ${EVENT_TYPES.join(', ')}` };
  }
  let event = fastValidate(value as Record<string, unknown>, type);
  if (event === undefined) {
    const parsed = eventSchemas[type].safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: issue ? describe(issue) : 'event: is not valid' };
    }
    event = parsed.data;
  }
  const eventTimeMs = parseTimestamp(event.timestamp) as number; // checked by the schema
  if (eventTimeMs > options.nowMs + options.maxFutureMs) {
    return { ok: false, reason: `timestamp: ${event.timestamp} is more than ${Math.round(options.maxFutureMs / 1000)} s ahead of the record's Kafka timestamp ${new Date(options.nowMs).toISOString()}` };
  }
  return { ok: true, event, eventTimeMs };
}

/** One strict decoder for every message: creating one per message showed in the worker's profile. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a raw Kafka message value (UTF-8 JSON). */
export function decodeEvent(bytes: Uint8Array | null | undefined, options: DecodeOptions): DecodeResult {
  if (!bytes || bytes.length === 0) return { ok: false, reason: 'message: is empty' };
  if (bytes.length > MAX_EVENT_BYTES) return { ok: false, reason: `message: is ${bytes.length} bytes, more than the ${MAX_EVENT_BYTES} allowed` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'message: is not UTF-8 text' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `message: is not valid JSON (${(err as Error).message.slice(0, 120)})` };
  }
  return validateEvent(value, options);
}
