import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversionRate } from './conversion-rate';
import type { FunnelStep, SessionFacts } from './session-facts';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('conversionRate: sessions with a purchase ÷ sessions', () => {
  it('is null without sessions', () => {
    expect(conversionRate.extract(conversionRate.create())).toBeNull();
  });
  it('counts a converted session whatever its funnel step (a purchase without a cart still converts)', () => {
    const acc = conversionRate.create();
    conversionRate.add(acc, { startMs: 0, endMs: 0, eventCount: 1, pageViews: 0, clickedPageViews: 0, funnelStep: 0, converted: true });
    conversionRate.add(acc, { startMs: 0, endMs: 0, eventCount: 1, pageViews: 1, clickedPageViews: 0, funnelStep: 1, converted: false });
    expect(conversionRate.extract(acc)).toBe(0.5);
  });
  it('is always in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 30 }), (sessions) => {
        const acc = conversionRate.create();
        for (const s of sessions) conversionRate.add(acc, s);
        const rate = conversionRate.extract(acc) ?? Number.NaN;
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
        expect(rate).toBe(sessions.filter((s) => s.converted).length / sessions.length);
      }),
    );
  });
});
