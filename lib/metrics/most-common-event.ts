/**
 * The most common event: every event type with the highest count, sorted in byte order (the order
 * of COLLATE "C"; JavaScript's `<` on these ASCII names). Ties are shown as ties: a user with as
 * many clicks as page views has ["click", "pageView"]. Empty without events. Kept in the per-type
 * counts (./event-counts.ts). Where one value is needed (sorting the users table), it is the first
 * tied type. The same rule in SQL: mostCommonEventsSql in ./sql.ts.
 */
import type { Combiner } from './combiner';
import { eventCounts, type EventCountsAcc } from './event-counts';

/** Every tied type, in byte order; empty without events. */
export type MostCommonEvents = string[];

/** How a list of tied types is written in one CSV cell. */
export const MOST_COMMON_EVENTS_SEPARATOR = '|';

export const mostCommonEvents: Combiner<EventCountsAcc, MostCommonEvents> = {
  create: eventCounts.create,
  add: eventCounts.add,
  merge: eventCounts.merge,
  extract: ({ eventCounts: counts }) => {
    let best: string[] = [];
    let bestCount = 0;
    for (const [type, count] of Object.entries(counts)) {
      if (count > bestCount) {
        best = [type];
        bestCount = count;
      } else if (count === bestCount && count > 0) best.push(type);
    }
    return best.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  },
};
