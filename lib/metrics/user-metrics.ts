/**
 * A user's event metrics over a day or a range of days: events, time on site (the sum of the
 * events' sessionDuration), events per type and the most common events (ties kept), clicks, page
 * views and clicks per page view. One combiner of the metrics in this folder: the worker adds
 * events per user and UTC day (worker/core/aggregate.ts), the stored rows are its accumulators,
 * and the dashboard extracts from them and merges days into ranges. The session metrics of the
 * same days are ./session-stats.ts. Pure: no I/O, so client components may use it.
 */
import { clicksPerPageView, type ClicksPerPageView, type ClicksPerPageViewAcc } from './clicks-per-page-view';
import type { Combiner } from './combiner';
import { eventCount, type EventCount, type EventCountAcc } from './event-count';
import { eventCounts, type EventCounts, type EventCountsAcc } from './event-counts';
import { mostCommonEvents, type MostCommonEvents } from './most-common-event';
import { timeSpent, type TimeSpent, type TimeSpentAcc } from './time-spent';

export interface UserMetricsAcc extends EventCountAcc, TimeSpentAcc, ClicksPerPageViewAcc, EventCountsAcc {}

export interface UserMetrics {
  eventCount: EventCount;
  timeSpentSeconds: TimeSpent;
  eventCounts: EventCounts;
  mostCommonEvents: MostCommonEvents;
  clicks: number;
  pageViews: number;
  clicksPerPageView: ClicksPerPageView;
}

/** The parts' accumulators as one object, field by field (object spread is slow on the worker's hot path). */
function combine(n: EventCountAcc, t: TimeSpentAcc, c: ClicksPerPageViewAcc, e: EventCountsAcc): UserMetricsAcc {
  return { eventCount: n.eventCount, timeSpentSeconds: t.timeSpentSeconds, clicks: c.clicks, pageViews: c.pageViews, eventCounts: e.eventCounts };
}

export const userMetrics: Combiner<UserMetricsAcc, UserMetrics> = {
  create: () => combine(eventCount.create(), timeSpent.create(), clicksPerPageView.create(), eventCounts.create()),
  add: (acc, e) => {
    eventCount.add(acc, e);
    timeSpent.add(acc, e);
    clicksPerPageView.add(acc, e);
    eventCounts.add(acc, e);
  },
  merge: (a, b) => combine(eventCount.merge(a, b), timeSpent.merge(a, b), clicksPerPageView.merge(a, b), eventCounts.merge(a, b)),
  extract: (acc) => ({
    eventCount: eventCount.extract(acc),
    timeSpentSeconds: timeSpent.extract(acc),
    eventCounts: eventCounts.extract(acc),
    mostCommonEvents: mostCommonEvents.extract(acc),
    clicks: acc.clicks,
    pageViews: acc.pageViews,
    clicksPerPageView: clicksPerPageView.extract(acc),
  }),
};
