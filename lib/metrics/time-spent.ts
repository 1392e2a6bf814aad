/** Time spent: the sum of the events' sessionDuration (whole seconds on each page or action). */
import type { Combiner } from './combiner';

export interface TimeSpentAcc {
  timeSpentSeconds: number;
}

/** Seconds. */
export type TimeSpent = number;

export const timeSpent: Combiner<TimeSpentAcc, TimeSpent> = {
  create: () => ({ timeSpentSeconds: 0 }),
  add: (acc, e) => {
    acc.timeSpentSeconds += e.sessionDuration;
  },
  merge: (a, b) => ({ timeSpentSeconds: a.timeSpentSeconds + b.timeSpentSeconds }),
  extract: (acc) => acc.timeSpentSeconds,
};
