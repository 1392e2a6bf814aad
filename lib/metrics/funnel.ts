/**
 * The funnel, over a set of sessions: the sessions with a page view; of those, the sessions with
 * an add-to-cart after a page view; of those, the sessions with a purchase after that add-to-cart
 * (in the session's order: event time, then Kafka offset). A session's funnel_step says how far it
 * got (0 none, 1, 2, 3), so the steps count the sessions with funnel_step ≥ 1, ≥ 2 and ≥ 3; each
 * step is at most the one before. In SQL: the funnel columns of sessionStatsAccSql in ./sql.ts.
 */
import type { SessionCombiner, FunnelStep } from './session-facts';

/** The funnel step an ordered run of event types reaches (the definition the worker's fold computes). */
export function funnelStepOf(eventTypes: Iterable<string>): FunnelStep {
  let step: FunnelStep = 0;
  for (const t of eventTypes) {
    if (step === 0 && t === 'pageView') step = 1;
    else if (step === 1 && t === 'addToCart') step = 2;
    else if (step === 2 && t === 'purchase') step = 3;
  }
  return step;
}

/** Sessions reaching each step. */
export interface FunnelCounts {
  /** Sessions with a page view. */
  pageView: number;
  /** Of those, sessions with an add-to-cart after a page view. */
  addToCart: number;
  /** Of those, sessions with a purchase after that add-to-cart. */
  purchase: number;
}

export interface FunnelAcc {
  funnel: FunnelCounts;
}

export const funnel: SessionCombiner<FunnelAcc, FunnelCounts> = {
  create: () => ({ funnel: { pageView: 0, addToCart: 0, purchase: 0 } }),
  add: (acc, s) => {
    if (s.funnelStep >= 1) acc.funnel.pageView += 1;
    if (s.funnelStep >= 2) acc.funnel.addToCart += 1;
    if (s.funnelStep >= 3) acc.funnel.purchase += 1;
  },
  merge: (a, b) => ({
    funnel: { pageView: a.funnel.pageView + b.funnel.pageView, addToCart: a.funnel.addToCart + b.funnel.addToCart, purchase: a.funnel.purchase + b.funnel.purchase },
  }),
  extract: (acc) => ({ ...acc.funnel }),
};
