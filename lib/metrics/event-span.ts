/** First and last event: the earliest and the latest event time seen (stored, not shown). */
import type { Combiner } from './combiner';

export interface EventSpanAcc {
  /** Epoch milliseconds; +Infinity while empty. */
  firstEventMs: number;
  /** Epoch milliseconds; -Infinity while empty. */
  lastEventMs: number;
}

/** ISO-8601 instants, UTC; null while empty. */
export interface EventSpan {
  firstEventAt: string | null;
  lastEventAt: string | null;
}

const isoOrNull = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export const eventSpan: Combiner<EventSpanAcc, EventSpan> = {
  create: () => ({ firstEventMs: Infinity, lastEventMs: -Infinity }),
  add: (acc, e) => {
    acc.firstEventMs = Math.min(acc.firstEventMs, e.eventTimeMs);
    acc.lastEventMs = Math.max(acc.lastEventMs, e.eventTimeMs);
  },
  merge: (a, b) => ({ firstEventMs: Math.min(a.firstEventMs, b.firstEventMs), lastEventMs: Math.max(a.lastEventMs, b.lastEventMs) }),
  extract: (acc) => ({ firstEventAt: isoOrNull(acc.firstEventMs), lastEventAt: isoOrNull(acc.lastEventMs) }),
};
