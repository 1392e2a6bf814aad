import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunnelStep, SessionFacts } from './session-facts';
import { visitTime } from './visit-time';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('visitTime: the sum of the visit durations', () => {
  it('sums in milliseconds and divides once, so 0.1 s + 0.2 s is 0.3 s', () => {
    const acc = visitTime.create();
    visitTime.add(acc, { startMs: 0, endMs: 100, eventCount: 2, pageViews: 0, clickedPageViews: 0, funnelStep: 0, converted: false });
    visitTime.add(acc, { startMs: 1000, endMs: 1200, eventCount: 2, pageViews: 0, clickedPageViews: 0, funnelStep: 0, converted: false });
    expect(visitTime.extract(acc)).toBe(0.3);
  });
  it('equals the sum of (end − start) ÷ 1000, independent of order', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 30 }), (sessions) => {
        const forwards = visitTime.create();
        const backwards = visitTime.create();
        for (const s of sessions) visitTime.add(forwards, s);
        for (const s of [...sessions].reverse()) visitTime.add(backwards, s);
        const expectedMs = sessions.reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
        expect(visitTime.extract(forwards)).toBe(expectedMs / 1000);
        expect(visitTime.extract(backwards)).toBe(visitTime.extract(forwards));
      }),
    );
  });
});
