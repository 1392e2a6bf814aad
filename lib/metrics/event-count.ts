/** Events: how many events were counted. */
import type { Combiner } from './combiner';

export interface EventCountAcc {
  eventCount: number;
}

export type EventCount = number;

export const eventCount: Combiner<EventCountAcc, EventCount> = {
  create: () => ({ eventCount: 0 }),
  add: (acc) => {
    acc.eventCount += 1;
  },
  merge: (a, b) => ({ eventCount: a.eventCount + b.eventCount }),
  extract: (acc) => acc.eventCount,
};
