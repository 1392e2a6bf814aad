import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { funnel, funnelStepOf } from './funnel';
import type { FunnelStep, SessionFacts } from './session-facts';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('funnelStepOf: page view → add-to-cart after it → purchase after that', () => {
  it('follows the order of the events', () => {
    expect(funnelStepOf([])).toBe(0);
    expect(funnelStepOf(['search', 'pageView'])).toBe(1);
    expect(funnelStepOf(['addToCart', 'pageView'])).toBe(1);
    expect(funnelStepOf(['pageView', 'click', 'addToCart'])).toBe(2);
    expect(funnelStepOf(['pageView', 'purchase', 'addToCart'])).toBe(2);
    expect(funnelStepOf(['pageView', 'addToCart', 'search', 'purchase'])).toBe(3);
    expect(funnelStepOf(['purchase', 'addToCart', 'pageView'])).toBe(1);
  });
  it('is the longest prefix of the steps found as a subsequence', () => {
    const steps = ['pageView', 'addToCart', 'purchase'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom('pageView', 'addToCart', 'purchase', 'click')), (types) => {
        // Independently: the largest k such that steps[0..k) occurs in order.
        let k = 0;
        for (let n = 1; n <= 3; n++) {
          let i = 0;
          for (const t of types) if (i < n && t === steps[i]) i++;
          if (i === n) k = n;
        }
        expect(funnelStepOf(types)).toBe(k);
      }),
    );
  });
});

describe('funnel counts', () => {
  it('counts the sessions at each step or beyond; each step at most the one before', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 30 }), (sessions) => {
        const acc = funnel.create();
        for (const s of sessions) funnel.add(acc, s);
        const f = funnel.extract(acc);
        expect(f).toEqual({
          pageView: sessions.filter((s) => s.funnelStep >= 1).length,
          addToCart: sessions.filter((s) => s.funnelStep >= 2).length,
          purchase: sessions.filter((s) => s.funnelStep >= 3).length,
        });
        expect(f.addToCart).toBeLessThanOrEqual(f.pageView);
        expect(f.purchase).toBeLessThanOrEqual(f.addToCart);
      }),
    );
  });
});
