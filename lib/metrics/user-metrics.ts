/**
 * A user's metrics over a day or a range of days, as the dashboard shows them: events, time spent,
 * events per type and the most common event, clicks, page views and CTR. One combiner of the
 * metrics in this folder: the worker adds events per user and UTC day (worker/core/aggregate.ts),
 * the stored rows are its accumulators, and the dashboard extracts from them and merges days into
 * ranges. Pure: no I/O, so client components may use it.
 */
import { clickThroughRate, type ClickThroughRate, type ClickThroughRateAcc } from './click-through-rate';
import type { Combiner } from './combiner';
import { eventCount, type EventCount, type EventCountAcc } from './event-count';
import { eventCounts, type EventCounts, type EventCountsAcc } from './event-counts';
import { mostCommonEvent, type MostCommonEvent } from './most-common-event';
import { timeSpent, type TimeSpent, type TimeSpentAcc } from './time-spent';

export interface UserMetricsAcc extends EventCountAcc, TimeSpentAcc, ClickThroughRateAcc, EventCountsAcc {}

export interface UserMetrics {
  eventCount: EventCount;
  timeSpentSeconds: TimeSpent;
  eventCounts: EventCounts;
  mostCommonEvent: MostCommonEvent;
  clicks: number;
  pageViews: number;
  ctr: ClickThroughRate;
}

/** The parts' accumulators as one object, field by field (object spread is slow on the worker's hot path). */
function combine(n: EventCountAcc, t: TimeSpentAcc, c: ClickThroughRateAcc, e: EventCountsAcc): UserMetricsAcc {
  return { eventCount: n.eventCount, timeSpentSeconds: t.timeSpentSeconds, clicks: c.clicks, pageViews: c.pageViews, eventCounts: e.eventCounts };
}

export const userMetrics: Combiner<UserMetricsAcc, UserMetrics> = {
  create: () => combine(eventCount.create(), timeSpent.create(), clickThroughRate.create(), eventCounts.create()),
  add: (acc, e) => {
    eventCount.add(acc, e);
    timeSpent.add(acc, e);
    clickThroughRate.add(acc, e);
    eventCounts.add(acc, e);
  },
  merge: (a, b) => combine(eventCount.merge(a, b), timeSpent.merge(a, b), clickThroughRate.merge(a, b), eventCounts.merge(a, b)),
  extract: (acc) => ({
    eventCount: eventCount.extract(acc),
    timeSpentSeconds: timeSpent.extract(acc),
    eventCounts: eventCounts.extract(acc),
    mostCommonEvent: mostCommonEvent.extract(acc),
    clicks: acc.clicks,
    pageViews: acc.pageViews,
    ctr: clickThroughRate.extract(acc),
  }),
};
