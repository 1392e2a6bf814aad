/** Events per type: a count for each event type seen (types never seen are absent). */
import type { Combiner } from './combiner';

export interface EventCountsAcc {
  eventCounts: Record<string, number>;
}

export type EventCounts = Record<string, number>;

export const eventCounts: Combiner<EventCountsAcc, EventCounts> = {
  create: () => ({ eventCounts: {} }),
  add: (acc, e) => {
    acc.eventCounts[e.eventType] = (acc.eventCounts[e.eventType] ?? 0) + 1;
  },
  merge: (a, b) => {
    const out = { ...a.eventCounts };
    for (const [type, n] of Object.entries(b.eventCounts)) out[type] = (out[type] ?? 0) + n;
    return { eventCounts: out };
  },
  extract: (acc) => ({ ...acc.eventCounts }),
};
