/**
 * CTR, the click-through rate: clicked page views ÷ page views, over a set of sessions, in [0, 1];
 * null without page views. A page view is clicked when at least one click follows it in the same
 * session before that session's next page view (event time, then Kafka offset; clicks before a
 * session's first page view count for nothing): clickedPageViewsOf below, which the worker's
 * session fold (worker/core/session-summary.ts) computes incrementally into
 * user_session.clicked_page_views. So clicked page views ≤ page views, always.
 * The old ratio, clicks ÷ page views, is "clicks per page view" (./clicks-per-page-view.ts).
 * In SQL: clickedPageViews and sessionPageViews in sessionStatsAccSql, clickThroughRateSql in ./sql.ts.
 */
import type { SessionCombiner } from './session-facts';
import { sessionPageViews, type SessionPageViewsAcc } from './pages-per-session';

/** The definition in words, for the dashboard's hints. */
export const clickThroughRateFormula = 'page views followed by a click before the next page view ÷ page views';

/** The clicked page views of one session's event types, in the session's order. */
export function clickedPageViewsOf(eventTypes: Iterable<string>): number {
  let clicked = 0;
  let awaitingClick = false;
  for (const t of eventTypes) {
    if (t === 'pageView') awaitingClick = true;
    else if (t === 'click' && awaitingClick) {
      clicked += 1;
      awaitingClick = false;
    }
  }
  return clicked;
}

export interface ClickedPageViewsAcc {
  clickedPageViews: number;
}

/** The clicked page views of a set of sessions. */
export const clickedPageViews: SessionCombiner<ClickedPageViewsAcc, number> = {
  create: () => ({ clickedPageViews: 0 }),
  add: (acc, s) => {
    acc.clickedPageViews += s.clickedPageViews;
  },
  merge: (a, b) => ({ clickedPageViews: a.clickedPageViews + b.clickedPageViews }),
  extract: (acc) => acc.clickedPageViews,
};

export type ClickThroughRateAcc = SessionPageViewsAcc & ClickedPageViewsAcc;

/** In [0, 1], or null without page views. */
export type ClickThroughRate = number | null;

export function clickThroughRateOf(acc: ClickThroughRateAcc): ClickThroughRate {
  return acc.sessionPageViews === 0 ? null : acc.clickedPageViews / acc.sessionPageViews;
}

export const clickThroughRate: SessionCombiner<ClickThroughRateAcc, ClickThroughRate> = {
  create: () => ({ ...sessionPageViews.create(), ...clickedPageViews.create() }),
  add: (acc, s) => {
    sessionPageViews.add(acc, s);
    clickedPageViews.add(acc, s);
  },
  merge: (a, b) => ({ ...sessionPageViews.merge(a, b), ...clickedPageViews.merge(a, b) }),
  extract: clickThroughRateOf,
};
