/**
 * Visit time: the sum of the visit durations (./visit-duration.ts) of a set of sessions (a
 * user-day's, a user's range, a day's), in seconds. Summed in whole milliseconds and divided by
 * 1000 once, so the same sessions give the same number in any order and in SQL (visitTimeMs in
 * sessionStatsAccSql, visitTimeSecondsSql in ./sql.ts). Not "time on site" (./time-spent.ts,
 * the sum of the events' sessionDuration): this one is measured on the timeline.
 */
import type { SessionCombiner } from './session-facts';
import { visitDurationMs } from './visit-duration';

export interface VisitTimeAcc {
  visitTimeMs: number;
}

/** Seconds. */
export type VisitTime = number;

export const visitTime: SessionCombiner<VisitTimeAcc, VisitTime> = {
  create: () => ({ visitTimeMs: 0 }),
  add: (acc, s) => {
    acc.visitTimeMs += visitDurationMs(s.startMs, s.endMs);
  },
  merge: (a, b) => ({ visitTimeMs: a.visitTimeMs + b.visitTimeMs }),
  extract: (acc) => acc.visitTimeMs / 1000,
};
