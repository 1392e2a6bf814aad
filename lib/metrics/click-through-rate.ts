/**
 * CTR, the click-through rate: clicks ÷ page views, null when there were no page views. Its
 * accumulator holds the clicks and page views, which the dashboard also shows on their own. The
 * same rate in SQL, for sorting the users table: clickThroughRateSql in ./sql.ts.
 */
import type { Combiner } from './combiner';

export interface ClickThroughRateAcc {
  clicks: number;
  pageViews: number;
}

export type ClickThroughRate = number | null;

/** The definition in words, for the dashboard's hints. */
export const clickThroughRateFormula = 'clicks ÷ page views';

export const clickThroughRate: Combiner<ClickThroughRateAcc, ClickThroughRate> = {
  create: () => ({ clicks: 0, pageViews: 0 }),
  add: (acc, e) => {
    if (e.eventType === 'click') acc.clicks += 1;
    else if (e.eventType === 'pageView') acc.pageViews += 1;
  },
  merge: (a, b) => ({ clicks: a.clicks + b.clicks, pageViews: a.pageViews + b.pageViews }),
  extract: (acc) => (acc.pageViews === 0 ? null : acc.clicks / acc.pageViews),
};
