/**
 * How dead-letter and late messages are cut into sends the broker accepts (pure; no Kafka here).
 *
 * A topic's `max.message.bytes` limits each record batch, and kafkajs puts all of one send's
 * messages for a partition into one batch. So a partition's messages are split into sends whose
 * estimated batch size stays within a byte budget, in their order, none dropped; a message that is
 * over the budget on its own is sent shortened (value first, the key only when it alone is too
 * big, the headers when they take more than half) with an `x-truncated` header saying what was kept.
 *
 * Sizes are upper bounds of Kafka's v2 record format (varints counted at their longest, no
 * compression), so a plan that fits here fits on the wire.
 */
import type { IHeaders, Message } from 'kafkajs';

/** A record batch's fixed header in the v2 format. */
export const BATCH_OVERHEAD_BYTES = 61;
/** Per record besides key, value and headers: length, attributes, timestamp and offset deltas, key and value lengths, header count. */
export const RECORD_OVERHEAD_BYTES = 40;
/** Per header besides its key and value: their two lengths. */
export const HEADER_OVERHEAD_BYTES = 10;
/** The smallest budget a plan works with: room for the x-* headers and part of the key and value. */
export const MIN_BUDGET_BYTES = 2048;
/** The header that says what a shortened message lost, e.g. "value: kept 1000 of 1048576 bytes". */
export const TRUNCATED_HEADER = 'x-truncated';
/** Room kept for the x-truncated header's value. */
const NOTE_BYTES = 256;
/** When headers must shrink, the x-* headers are kept with values of at most this many bytes. */
const KEPT_HEADER_VALUE_BYTES = 256;

/** The send budget for a topic: its `max.message.bytes` less a safety margin (1%, at least 1 KiB). */
export function sendBudget(maxMessageBytes: number): number {
  return Math.max(MIN_BUDGET_BYTES, maxMessageBytes - Math.max(1024, Math.floor(maxMessageBytes / 100)));
}

type Bytes = Buffer | string;
const size = (v: Bytes | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);
const cut = (v: Bytes, bytes: number): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v).subarray(0, bytes);

/** Headers as kafkajs writes them: one record header per value (arrays give several). */
function headerList(headers: IHeaders | undefined): [string, Bytes | undefined][] {
  return Object.entries(headers ?? {}).flatMap(([k, v]): [string, Bytes | undefined][] => (Array.isArray(v) ? v.map((x): [string, Bytes] => [k, x]) : [[k, v]]));
}

const headerBytes = (list: [string, Bytes | undefined][]) => list.reduce((s, [k, v]) => s + HEADER_OVERHEAD_BYTES + size(k) + size(v), 0);

/** Back to kafkajs's form: repeated keys become arrays (a Map, so keys like "__proto__" stay plain keys). */
function toHeaders(list: [string, Bytes | undefined][]): IHeaders {
  const out = new Map<string, (Bytes | undefined)[]>();
  for (const [k, v] of list) out.set(k, [...(out.get(k) ?? []), v]);
  return Object.fromEntries([...out].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs.filter((v) => v !== undefined)]));
}

/** A message's estimated size in a record batch (without the batch header). */
export function messageBytes(m: Message): number {
  return RECORD_OVERHEAD_BYTES + size(m.key) + size(m.value) + headerBytes(headerList(m.headers));
}

/**
 * The message itself when it fits a send of `budget` bytes on its own; otherwise a shortened copy
 * that does, with TRUNCATED_HEADER saying what was kept. Partition and timestamp are kept.
 */
export function fitMessage(m: Message, budget: number): Message {
  const limit = Math.max(budget, MIN_BUDGET_BYTES) - BATCH_OVERHEAD_BYTES;
  if (messageBytes(m) <= limit) return m;

  // Headers may take at most half: beyond that only the x-* ones stay, with short values.
  let headers = headerList(m.headers).filter(([k]) => k !== TRUNCATED_HEADER);
  let headersNote: string | undefined;
  if (headerBytes(headers) > limit / 2) {
    const total = headers.length;
    let shortened = 0;
    headers = headers
      .filter(([k]) => k.startsWith('x-') && size(k) <= KEPT_HEADER_VALUE_BYTES)
      .map(([k, v]): [string, Bytes | undefined] => {
        if (v === undefined || size(v) <= KEPT_HEADER_VALUE_BYTES) return [k, v];
        shortened++;
        return [k, cut(v, KEPT_HEADER_VALUE_BYTES)];
      });
    while (headerBytes(headers) > limit / 2) headers.pop();
    headersNote = `headers: kept ${headers.length} of ${total}${shortened > 0 ? `, ${shortened} shortened to ${KEPT_HEADER_VALUE_BYTES} bytes` : ''}`;
  }

  // What is left for key and value: the key stays whole unless it alone is too big.
  const room = limit - RECORD_OVERHEAD_BYTES - headerBytes(headers) - (HEADER_OVERHEAD_BYTES + size(TRUNCATED_HEADER) + NOTE_BYTES);
  const keyLen = size(m.key);
  const valueLen = size(m.value);
  const keyKeep = keyLen <= room ? keyLen : Math.floor(room / 2);
  const valueKeep = Math.min(valueLen, room - keyKeep);
  const key = m.key === null || m.key === undefined || keyKeep === keyLen ? m.key : cut(m.key, keyKeep);
  const value = m.value === null || valueKeep === valueLen ? m.value : cut(m.value, valueKeep);
  const notes = [
    key !== m.key ? `key: kept ${keyKeep} of ${keyLen} bytes` : undefined,
    value !== m.value ? `value: kept ${valueKeep} of ${valueLen} bytes` : undefined,
    headersNote,
  ].filter((n) => n !== undefined);
  return { ...m, key, value, headers: toHeaders([...headers, [TRUNCATED_HEADER, notes.join('; ')]]) };
}

export interface PlannedSend {
  /** What to send: the messages from `first`, in order, shortened where they had to be. */
  messages: Message[];
  /** Index of the first message in the planned list, and how many follow. */
  first: number;
  count: number;
  /** Estimated record batch size. */
  bytes: number;
}

/**
 * Splits one partition's messages into sends of at most `budget` estimated bytes each, in order,
 * every message in exactly one send (shortened with fitMessage when it is over the budget alone).
 */
export function planSideSends(messages: readonly Message[], budget: number): PlannedSend[] {
  const limit = Math.max(budget, MIN_BUDGET_BYTES);
  const sends: PlannedSend[] = [];
  let current: PlannedSend | undefined;
  messages.forEach((m, i) => {
    const fitted = fitMessage(m, limit);
    const bytes = messageBytes(fitted);
    if (!current || current.bytes + bytes > limit) {
      current = { messages: [], first: i, count: 0, bytes: BATCH_OVERHEAD_BYTES };
      sends.push(current);
    }
    current.messages.push(fitted);
    current.count++;
    current.bytes += bytes;
  });
  return sends;
}
