import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageVisitDuration } from './average-visit-duration';
import type { FunnelStep, SessionFacts } from './session-facts';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('averageVisitDuration: visit time ÷ sessions', () => {
  it('is null without sessions', () => {
    expect(averageVisitDuration.extract(averageVisitDuration.create())).toBeNull();
  });
  it('averages the durations, seconds', () => {
    const acc = averageVisitDuration.create();
    averageVisitDuration.add(acc, { startMs: 0, endMs: 60_000, eventCount: 3, pageViews: 1, clickedPageViews: 0, funnelStep: 1, converted: false });
    averageVisitDuration.add(acc, { startMs: 0, endMs: 0, eventCount: 1, pageViews: 1, clickedPageViews: 0, funnelStep: 1, converted: false });
    expect(averageVisitDuration.extract(acc)).toBe(30);
  });
  it('lies between the shortest and the longest session', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 30 }), (sessions) => {
        const acc = averageVisitDuration.create();
        for (const s of sessions) averageVisitDuration.add(acc, s);
        const durations = sessions.map((s) => (s.endMs - s.startMs) / 1000);
        const avg = averageVisitDuration.extract(acc) ?? Number.NaN;
        expect(avg).toBeGreaterThanOrEqual(Math.min(...durations) - 1e-9);
        expect(avg).toBeLessThanOrEqual(Math.max(...durations) + 1e-9);
      }),
    );
  });
});
