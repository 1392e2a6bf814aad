import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clickedPageViewsOf, clickThroughRate, clickThroughRateOf } from './click-through-rate';
import type { SessionFacts } from './session-facts';

const session = (pageViews: number, clickedPageViews: number): SessionFacts => ({ startMs: 0, endMs: 0, eventCount: Math.max(1, pageViews), pageViews, clickedPageViews, funnelStep: 0, converted: false });

describe('clickedPageViewsOf: page views followed by a click before the next page view', () => {
  it('counts a page view once however many clicks follow it', () => {
    expect(clickedPageViewsOf(['pageView', 'click', 'click', 'click'])).toBe(1);
  });
  it('does not count clicks before the first page view, nor a page view whose click comes after the next page view', () => {
    expect(clickedPageViewsOf(['click', 'pageView', 'pageView', 'click'])).toBe(1);
    expect(clickedPageViewsOf(['click', 'click'])).toBe(0);
  });
  it('lets other events sit between a page view and its click', () => {
    expect(clickedPageViewsOf(['pageView', 'search', 'addToCart', 'click', 'pageView', 'click'])).toBe(2);
  });
  it('is at most the page views, for any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('pageView', 'click', 'search', 'purchase')), (types) => {
        const clicked = clickedPageViewsOf(types);
        expect(clicked).toBeGreaterThanOrEqual(0);
        expect(clicked).toBeLessThanOrEqual(types.filter((t) => t === 'pageView').length);
      }),
    );
  });
});

describe('clickThroughRate: clicked page views ÷ page views over sessions', () => {
  it('sums the sessions, then divides', () => {
    const acc = clickThroughRate.create();
    clickThroughRate.add(acc, session(4, 1));
    clickThroughRate.add(acc, session(4, 2));
    expect(acc).toEqual({ sessionPageViews: 8, clickedPageViews: 3 });
    expect(clickThroughRate.extract(acc)).toBe(3 / 8);
  });
  it('is null without page views', () => {
    expect(clickThroughRate.extract(clickThroughRate.create())).toBeNull();
    expect(clickThroughRateOf({ sessionPageViews: 0, clickedPageViews: 0 })).toBeNull();
  });
  it('is always in [0, 1] (the old clicks ÷ page views was not)', () => {
    const sessionArb = fc.integer({ min: 0, max: 50 }).chain((pv) => fc.integer({ min: 0, max: pv }).map((clicked) => session(pv, clicked)));
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 30 }), (sessions) => {
        const acc = clickThroughRate.create();
        for (const s of sessions) clickThroughRate.add(acc, s);
        const ctr = clickThroughRate.extract(acc);
        if (acc.sessionPageViews === 0) expect(ctr).toBeNull();
        else {
          expect(ctr).toBeGreaterThanOrEqual(0);
          expect(ctr).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
