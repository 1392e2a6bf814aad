/**
 * Optional disorder, for exercising the worker: events held back so they arrive out of order, and
 * messages made invalid in every way the worker must recognise. Both are off by default.
 *
 * The invalid-message makers are exported for the worker's tests: each returns the bytes and the
 * field that the decoder's reason should name.
 */
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createRandom, intBetween, pick, type Random } from './distributions';

export const INVALID_KINDS = [
  'malformedJson',
  'nonObject',
  'missingField',
  'wrongType',
  'unknownEventType',
  'negativeDuration',
  'absurdDuration',
  'unparseableTimestamp',
  'farFutureTimestamp',
  'empty',
  'oversized',
  'binaryGarbage',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface InvalidMessage {
  kind: InvalidKind;
  value: Buffer;
  /** The field the decoder's reason must name (`message` for bytes that are not a JSON event at all). */
  field: string;
}

/** "1 MB": well over the decoder's limit, under the broker's 2 MiB message.max.bytes. */
export const OVERSIZED_BYTES = 1024 * 1024;

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const omit = (event: ClickstreamEvent, field: string) => Object.fromEntries(Object.entries(event).filter(([k]) => k !== field));

type Maker = (event: ClickstreamEvent, random: Random) => { value: Buffer; field: string };

export const invalidMakers: Record<InvalidKind, Maker> = {
  malformedJson: (event, random) => {
    const text = JSON.stringify(event);
    const variants = [text.slice(0, Math.max(1, Math.floor(text.length / 2))), text.replace(/"/g, "'"), `${text},`, `{${text}`];
    return { value: Buffer.from(pick(random, variants), 'utf8'), field: 'message' };
  },
  nonObject: (event, random) => ({ value: json(pick(random, [[event], 'pageView', 42, null, true])), field: 'event' }),
  missingField: (event, random) => {
    const field = pick(random, ['timestamp', 'userId', 'sessionDuration', 'eventType'] as const);
    return { value: json(omit(event, field)), field };
  },
  wrongType: (event, random) => {
    const [field, wrong] = pick(random, [
      ['sessionDuration', String(event.sessionDuration)],
      ['userId', 12345],
      ['timestamp', Date.parse(event.timestamp)],
      ['sessionDuration', [event.sessionDuration]],
    ] as const);
    return { value: json({ ...event, [field]: wrong }), field };
  },
  unknownEventType: (event, random) => ({ value: json({ ...event, eventType: pick(random, ['hover', 'PageView', 'page_view', '']) }), field: 'eventType' }),
  negativeDuration: (event, random) => ({ value: json({ ...event, sessionDuration: -intBetween(random, 1, 10_000) }), field: 'sessionDuration' }),
  absurdDuration: (event, random) => ({ value: json({ ...event, sessionDuration: pick(random, [86_401, 1e9, 3.5, 1e300]) }), field: 'sessionDuration' }),
  unparseableTimestamp: (event, random) => ({
    value: json({ ...event, timestamp: pick(random, ['yesterday', '2023-02-30T10:00:00', '25/09/2023 14:30', '2023-09-25T25:00:00Z', '']) }),
    field: 'timestamp',
  }),
  farFutureTimestamp: (event) => {
    // The year 2999, keeping the time of day: deterministic, and far ahead of any wall clock.
    const timeOfDay = ((Date.parse(event.timestamp) % 86_400_000) + 86_400_000) % 86_400_000;
    return { value: json({ ...event, timestamp: new Date(Date.UTC(2999, 0, 1) + timeOfDay).toISOString() }), field: 'timestamp' };
  },
  empty: () => ({ value: Buffer.alloc(0), field: 'message' }),
  oversized: (event) => {
    // A well-formed event padded to exactly OVERSIZED_BYTES: only its size is wrong.
    const bare = JSON.stringify({ ...event, page: '' });
    return { value: Buffer.from(JSON.stringify({ ...event, page: 'x'.repeat(OVERSIZED_BYTES - bare.length) }), 'utf8'), field: 'message' };
  },
  binaryGarbage: (_event, random) => {
    const bytes = Buffer.alloc(intBetween(random, 8, 256));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    bytes[0] = 0xff; // never valid in UTF-8, so the garbage cannot pass as text by chance
    return { value: bytes, field: 'message' };
  },
};

/** One invalid message of this kind, derived from a valid event. */
export function makeInvalid(kind: InvalidKind, event: ClickstreamEvent, random: Random = createRandom(0)): InvalidMessage {
  return { kind, ...invalidMakers[kind](event, random) };
}

export interface DisorderOptions {
  /** Fraction of events held back, 0..1. */
  lateFraction: number;
  /** A held-back event is released up to this many seconds after it was made. */
  maxDelaySeconds: number;
  /** Fraction of messages replaced by an invalid one, 0..1 (kinds in rotation). */
  invalidFraction: number;
}

export const NO_DISORDER: DisorderOptions = { lateFraction: 0, maxDelaySeconds: 0, invalidFraction: 0 };

/**
 * Items held until a release time: a binary min-heap on (releaseMs, arrival order), the arrival
 * order keeping equal release times in a deterministic order.
 */
export class DelayBuffer<T> {
  private readonly heap: { releaseMs: number; order: number; item: T }[] = [];
  private order = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T, releaseMs: number): void {
    const h = this.heap;
    h.push({ releaseMs, order: this.order++, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest item whose release time is at or before nowMs, if any. */
  popDue(nowMs: number): T | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top || top.releaseMs > nowMs) return undefined;
    const last = h.pop() as (typeof h)[number];
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.item;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as (typeof this.heap)[number];
    const y = this.heap[b] as (typeof this.heap)[number];
    return x.releaseMs < y.releaseMs || (x.releaseMs === y.releaseMs && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    [h[a], h[b]] = [h[b] as (typeof h)[number], h[a] as (typeof h)[number]];
  }
}
