/**
 * A session as the session metrics read it: one row of user_session, as the worker writes it
 * (worker/core/session-summary.ts folds a session's events into these facts).
 *
 * A **session** is a maximal run of one user's counted events (event time, UTC; late and invalid
 * events are in no metric) in which consecutive events are less than SESSION_GAP_MS apart (default
 * 30 minutes). An out-of-order event inside the allowed lateness can extend a session or merge two
 * into one. A session belongs to the UTC day of its first event. Pure: no I/O.
 */
import type { Combiner } from './combiner';

/** The funnel step a session reached: 0 none, 1 page view, 2 add-to-cart after it, 3 purchase after that add-to-cart. */
export type FunnelStep = 0 | 1 | 2 | 3;

export interface SessionFacts {
  /** Event time of the session's first event (epoch ms). */
  startMs: number;
  /** Event time of the session's last event (epoch ms). */
  endMs: number;
  eventCount: number;
  pageViews: number;
  /** Page views followed by at least one click before the session's next page view. */
  clickedPageViews: number;
  funnelStep: FunnelStep;
  /** The session has a purchase (anywhere in it). */
  converted: boolean;
}

/** A combiner whose inputs are sessions. */
export type SessionCombiner<Acc, Out> = Combiner<Acc, Out, SessionFacts>;
