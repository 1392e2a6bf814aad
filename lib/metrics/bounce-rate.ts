/**
 * Bounces and bounce rate. A bounce is a session of exactly one event (a session of two events at
 * the same instant is not a bounce, though its visit duration is 0). Bounce rate = bounces ÷
 * sessions, in [0, 1]; null without sessions. In SQL: `bounces` in sessionStatsAccSql and
 * bounceRateSql in ./sql.ts.
 */
import type { SessionCombiner, SessionFacts } from './session-facts';
import { sessionCount, type SessionCountAcc } from './session-count';

/** Whether a session is a bounce: exactly one event. */
export function isBounce(s: Pick<SessionFacts, 'eventCount'>): boolean {
  return s.eventCount === 1;
}

export interface BouncesAcc {
  bounces: number;
}

export const bounces: SessionCombiner<BouncesAcc, number> = {
  create: () => ({ bounces: 0 }),
  add: (acc, s) => {
    if (isBounce(s)) acc.bounces += 1;
  },
  merge: (a, b) => ({ bounces: a.bounces + b.bounces }),
  extract: (acc) => acc.bounces,
};

export type BounceRateAcc = SessionCountAcc & BouncesAcc;

/** In [0, 1], or null without sessions. */
export type BounceRate = number | null;

export function bounceRateOf(acc: BounceRateAcc): BounceRate {
  return acc.sessions === 0 ? null : acc.bounces / acc.sessions;
}

export const bounceRate: SessionCombiner<BounceRateAcc, BounceRate> = {
  create: () => ({ ...sessionCount.create(), ...bounces.create() }),
  add: (acc, s) => {
    sessionCount.add(acc, s);
    bounces.add(acc, s);
  },
  merge: (a, b) => ({ ...sessionCount.merge(a, b), ...bounces.merge(a, b) }),
  extract: bounceRateOf,
};
