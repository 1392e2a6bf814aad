/**
 * The most common event: the event type with the highest count; ties go to the type name first in
 * ascending order (JavaScript's `<`, byte order on these ASCII names); null without events. Kept
 * in the per-type counts (./event-counts.ts). The same rule in SQL, for sorting the users table:
 * mostCommonEventSql in ./sql.ts.
 */
import type { Combiner } from './combiner';
import { eventCounts, type EventCountsAcc } from './event-counts';

export type MostCommonEvent = string | null;

export const mostCommonEvent: Combiner<EventCountsAcc, MostCommonEvent> = {
  create: eventCounts.create,
  add: eventCounts.add,
  merge: eventCounts.merge,
  extract: ({ eventCounts: counts }) => {
    let best: string | null = null;
    let bestCount = 0;
    for (const [type, count] of Object.entries(counts)) {
      if (count > bestCount || (count === bestCount && count > 0 && best !== null && type < best)) {
        best = type;
        bestCount = count;
      }
    }
    return best;
  },
};
