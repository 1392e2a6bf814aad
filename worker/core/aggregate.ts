/**
 * Aggregation as four functions, as in Beam's CombineFn: create an accumulator, add an event,
 * merge two accumulators, extract the metrics. Merge is what makes batching and scale-out safe:
 * any split of a stream gives the same totals. Accumulators hold increments for one batch; the
 * sink adds them to the stored rows.
 */
import { clickThroughRate, mostCommonEvent } from '@/lib/metrics';
import { utcDay, windowStart } from './windows';

export { clickThroughRate, mostCommonEvent };

/** The fields of an event that the metrics use. */
export interface CoreEvent {
  userId: string;
  eventType: string;
  /** Event time in epoch milliseconds, UTC. */
  eventTimeMs: number;
  /** Whole seconds spent on this event's page or action. */
  sessionDuration: number;
}

export interface UserDayAcc {
  userId: string;
  day: string;
  eventCount: number;
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  firstEventMs: number;
  lastEventMs: number;
  eventCounts: Record<string, number>;
}

export interface UserWindowAcc {
  userId: string;
  windowStartMs: number;
  eventCount: number;
  timeSpentSeconds: number;
}

export interface GlobalWindowAcc {
  windowStartMs: number;
  eventType: string;
  count: number;
}

export interface Aggregate {
  userDays: Map<string, UserDayAcc>;
  userWindows: Map<string, UserWindowAcc>;
  globalWindows: Map<string, GlobalWindowAcc>;
}

/** A separator that cannot occur in a valid userId or event type. */
const SEP = '\n';

export function createAggregate(): Aggregate {
  return { userDays: new Map(), userWindows: new Map(), globalWindows: new Map() };
}

/** Adds one event to the accumulator in place (the accumulator is owned by one batch). */
export function addEvent(agg: Aggregate, e: CoreEvent, windowSizeMs: number): void {
  const day = utcDay(e.eventTimeMs);
  const dayKey = e.userId + SEP + day;
  let d = agg.userDays.get(dayKey);
  if (!d) {
    d = { userId: e.userId, day, eventCount: 0, timeSpentSeconds: 0, clicks: 0, pageViews: 0, firstEventMs: e.eventTimeMs, lastEventMs: e.eventTimeMs, eventCounts: {} };
    agg.userDays.set(dayKey, d);
  }
  d.eventCount += 1;
  d.timeSpentSeconds += e.sessionDuration;
  if (e.eventType === 'click') d.clicks += 1;
  if (e.eventType === 'pageView') d.pageViews += 1;
  d.firstEventMs = Math.min(d.firstEventMs, e.eventTimeMs);
  d.lastEventMs = Math.max(d.lastEventMs, e.eventTimeMs);
  d.eventCounts[e.eventType] = (d.eventCounts[e.eventType] ?? 0) + 1;

  const start = windowStart(e.eventTimeMs, windowSizeMs);
  const winKey = e.userId + SEP + start;
  let w = agg.userWindows.get(winKey);
  if (!w) {
    w = { userId: e.userId, windowStartMs: start, eventCount: 0, timeSpentSeconds: 0 };
    agg.userWindows.set(winKey, w);
  }
  w.eventCount += 1;
  w.timeSpentSeconds += e.sessionDuration;

  const globalKey = start + SEP + e.eventType;
  const g = agg.globalWindows.get(globalKey);
  if (g) g.count += 1;
  else agg.globalWindows.set(globalKey, { windowStartMs: start, eventType: e.eventType, count: 1 });
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** A new accumulator holding both inputs' increments; the inputs are left unchanged. */
export function mergeAggregates(a: Aggregate, b: Aggregate): Aggregate {
  const out = createAggregate();
  for (const src of [a, b]) {
    for (const [k, d] of src.userDays) {
      const prev = out.userDays.get(k);
      out.userDays.set(
        k,
        prev
          ? {
              ...prev,
              eventCount: prev.eventCount + d.eventCount,
              timeSpentSeconds: prev.timeSpentSeconds + d.timeSpentSeconds,
              clicks: prev.clicks + d.clicks,
              pageViews: prev.pageViews + d.pageViews,
              firstEventMs: Math.min(prev.firstEventMs, d.firstEventMs),
              lastEventMs: Math.max(prev.lastEventMs, d.lastEventMs),
              eventCounts: mergeCounts(prev.eventCounts, d.eventCounts),
            }
          : { ...d, eventCounts: { ...d.eventCounts } },
      );
    }
    for (const [k, w] of src.userWindows) {
      const prev = out.userWindows.get(k);
      out.userWindows.set(k, prev ? { ...prev, eventCount: prev.eventCount + w.eventCount, timeSpentSeconds: prev.timeSpentSeconds + w.timeSpentSeconds } : { ...w });
    }
    for (const [k, g] of src.globalWindows) {
      const prev = out.globalWindows.get(k);
      out.globalWindows.set(k, prev ? { ...prev, count: prev.count + g.count } : { ...g });
    }
  }
  return out;
}

export interface DailyMetrics {
  userId: string;
  day: string;
  eventCount: number;
  timeSpentSeconds: number;
  eventCounts: Record<string, number>;
  mostCommonEvent: string | null;
  clicks: number;
  pageViews: number;
  ctr: number | null;
  firstEventAt: string;
  lastEventAt: string;
}

export function extractDailyMetrics(d: UserDayAcc): DailyMetrics {
  return {
    userId: d.userId,
    day: d.day,
    eventCount: d.eventCount,
    timeSpentSeconds: d.timeSpentSeconds,
    eventCounts: { ...d.eventCounts },
    mostCommonEvent: mostCommonEvent(d.eventCounts),
    clicks: d.clicks,
    pageViews: d.pageViews,
    ctr: clickThroughRate(d.clicks, d.pageViews),
    firstEventAt: new Date(d.firstEventMs).toISOString(),
    lastEventAt: new Date(d.lastEventMs).toISOString(),
  };
}
