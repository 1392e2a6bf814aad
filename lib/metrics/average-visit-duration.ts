/**
 * Average visit duration: visit time ÷ sessions, in seconds (visitTimeMs / 1000 / sessions, in
 * that order); null without sessions. In SQL: averageVisitDurationSql in ./sql.ts.
 */
import type { SessionFacts, SessionCombiner } from './session-facts';
import { sessionCount, type SessionCountAcc } from './session-count';
import { visitTime, type VisitTimeAcc } from './visit-time';

export type AverageVisitDurationAcc = SessionCountAcc & VisitTimeAcc;

/** Seconds, or null without sessions. */
export type AverageVisitDuration = number | null;

export function averageVisitDurationOf(acc: AverageVisitDurationAcc): AverageVisitDuration {
  return acc.sessions === 0 ? null : acc.visitTimeMs / 1000 / acc.sessions;
}

export const averageVisitDuration: SessionCombiner<AverageVisitDurationAcc, AverageVisitDuration> = {
  create: () => ({ ...sessionCount.create(), ...visitTime.create() }),
  add: (acc, s: SessionFacts) => {
    sessionCount.add(acc, s);
    visitTime.add(acc, s);
  },
  merge: (a, b) => ({ ...sessionCount.merge(a, b), ...visitTime.merge(a, b) }),
  extract: averageVisitDurationOf,
};
