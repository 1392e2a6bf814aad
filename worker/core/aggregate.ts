/**
 * The worker's three aggregates, each a combiner of lib/metrics keyed as its table is keyed: per
 * user and UTC day (user_daily, with its counts per event type), per user and window (user_minute), per window
 * and event type (global_minute). An Aggregate holds one batch's increments; the sink merges them
 * into the stored rows with the same merges in SQL (lib/metrics/sql.ts). Merge is what makes
 * batching and scale-out safe: any split of a stream gives the same totals.
 */
import type { UserDay } from '@/lib/contracts/dashboard';
import type { Combiner, MetricEvent } from '@/lib/metrics/combiner';
import { eventCount, type EventCountAcc } from '@/lib/metrics/event-count';
import { eventSpan, type EventSpan, type EventSpanAcc } from '@/lib/metrics/event-span';
import { timeSpent, type TimeSpentAcc } from '@/lib/metrics/time-spent';
import { userMetrics, type UserMetrics, type UserMetricsAcc } from '@/lib/metrics/user-metrics';
import { dayOf } from '@/lib/days';
import { windowStart } from '@/lib/windows';

/** The fields of an event that the aggregates use. */
export interface CoreEvent extends MetricEvent {
  userId: string;
}

/** Field by field: object spread is slow on this hot path (a new accumulator per user, day and window). */
function withSpan(m: UserMetricsAcc, s: EventSpanAcc): UserMetricsAcc & EventSpanAcc {
  return { eventCount: m.eventCount, timeSpentSeconds: m.timeSpentSeconds, clicks: m.clicks, pageViews: m.pageViews, eventCounts: m.eventCounts, firstEventMs: s.firstEventMs, lastEventMs: s.lastEventMs };
}

/** Per user and UTC day: the user's metrics and the first and last event. */
const userDay: Combiner<UserMetricsAcc & EventSpanAcc, UserMetrics & EventSpan> = {
  create: () => withSpan(userMetrics.create(), eventSpan.create()),
  add: (acc, e) => {
    userMetrics.add(acc, e);
    eventSpan.add(acc, e);
  },
  merge: (a, b) => withSpan(userMetrics.merge(a, b), eventSpan.merge(a, b)),
  extract: (acc) => ({ ...userMetrics.extract(acc), ...eventSpan.extract(acc) }),
};

/** Per user and window: events and time spent. */
const userMinute: Combiner<EventCountAcc & TimeSpentAcc, { eventCount: number; timeSpentSeconds: number }> = {
  create: () => ({ eventCount: eventCount.create().eventCount, timeSpentSeconds: timeSpent.create().timeSpentSeconds }),
  add: (acc, e) => {
    eventCount.add(acc, e);
    timeSpent.add(acc, e);
  },
  merge: (a, b) => ({ eventCount: eventCount.merge(a, b).eventCount, timeSpentSeconds: timeSpent.merge(a, b).timeSpentSeconds }),
  extract: (acc) => ({ eventCount: eventCount.extract(acc), timeSpentSeconds: timeSpent.extract(acc) }),
};

/** Per window and event type: the events of that type (global_minute's `count`). */
const globalMinute: Combiner<{ count: number }, number> = {
  create: () => ({ count: 0 }),
  add: (acc) => {
    acc.count += 1;
  },
  merge: (a, b) => ({ count: a.count + b.count }),
  extract: (acc) => acc.count,
};

export interface UserDayAcc extends UserMetricsAcc, EventSpanAcc {
  userId: string;
  day: string;
}

export interface UserWindowAcc extends EventCountAcc, TimeSpentAcc {
  userId: string;
  windowStartMs: number;
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

/** A user-day's key in maps: the userId and the day, joined by SEP. */
export const userDayKey = (userId: string, day: string) => userId + SEP + day;

/** User-days in key order: by userId, then day. */
export const byUserThenDay = (a: { userId: string; day: string }, b: { userId: string; day: string }) =>
  a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0;

export function createAggregate(): Aggregate {
  return { userDays: new Map(), userWindows: new Map(), globalWindows: new Map() };
}

/** Adds one event to the accumulator in place (the accumulator is owned by one batch). */
export function addEvent(agg: Aggregate, e: CoreEvent, windowSizeMs: number): void {
  const day = dayOf(e.eventTimeMs);
  const dayKey = userDayKey(e.userId, day);
  let d = agg.userDays.get(dayKey);
  if (!d) {
    d = { userId: e.userId, day, ...userDay.create() };
    agg.userDays.set(dayKey, d);
  }
  userDay.add(d, e);

  const start = windowStart(e.eventTimeMs, windowSizeMs);
  const winKey = e.userId + SEP + start;
  let w = agg.userWindows.get(winKey);
  if (!w) {
    w = { userId: e.userId, windowStartMs: start, ...userMinute.create() };
    agg.userWindows.set(winKey, w);
  }
  userMinute.add(w, e);

  const globalKey = start + SEP + e.eventType;
  let g = agg.globalWindows.get(globalKey);
  if (!g) {
    g = { windowStartMs: start, eventType: e.eventType, ...globalMinute.create() };
    agg.globalWindows.set(globalKey, g);
  }
  globalMinute.add(g, e);
}

/** `from`'s accumulators merged into `into` (new objects; `from`'s are left unchanged), keeping their keys. */
function mergeInto<T extends A, A extends object>(into: Map<string, T>, from: Map<string, T>, c: Combiner<A, unknown>): void {
  for (const [key, acc] of from) into.set(key, { ...acc, ...c.merge(into.get(key) ?? c.create(), acc) });
}

/** A new accumulator holding both inputs' increments; the inputs are left unchanged. */
export function mergeAggregates(a: Aggregate, b: Aggregate): Aggregate {
  const out = createAggregate();
  for (const src of [a, b]) {
    mergeInto(out.userDays, src.userDays, userDay);
    mergeInto(out.userWindows, src.userWindows, userMinute);
    mergeInto(out.globalWindows, src.globalWindows, globalMinute);
  }
  return out;
}

/** A user's day as extracted: the dashboard's day (UserDay) with its user and first and last event. */
export function extractDailyMetrics(d: UserDayAcc): UserDay & EventSpan & { userId: string } {
  return { userId: d.userId, day: d.day, ...userDay.extract(d) };
}
