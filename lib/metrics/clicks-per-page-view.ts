/**
 * Clicks per page view: clicks ÷ page views (every counted event of the period, by event day),
 * null without page views. Can exceed 1 (several clicks after one page view). This was called CTR
 * before CTR became a share (./click-through-rate.ts). Its accumulator holds the clicks and page
 * views, which the dashboard also shows on their own. In SQL: clicksPerPageViewSql in ./sql.ts.
 */
import type { Combiner } from './combiner';

export interface ClicksPerPageViewAcc {
  clicks: number;
  pageViews: number;
}

/** 0 or more, or null without page views. */
export type ClicksPerPageView = number | null;

/** The definition in words, for the dashboard's hints. */
export const clicksPerPageViewFormula = 'clicks ÷ page views';

export const clicksPerPageView: Combiner<ClicksPerPageViewAcc, ClicksPerPageView> = {
  create: () => ({ clicks: 0, pageViews: 0 }),
  add: (acc, e) => {
    if (e.eventType === 'click') acc.clicks += 1;
    else if (e.eventType === 'pageView') acc.pageViews += 1;
  },
  merge: (a, b) => ({ clicks: a.clicks + b.clicks, pageViews: a.pageViews + b.pageViews }),
  extract: (acc) => (acc.pageViews === 0 ? null : acc.clicks / acc.pageViews),
};
