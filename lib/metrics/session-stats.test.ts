import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunnelStep, SessionFacts } from './session-facts';
import { mergeSessionStats, sessionStats } from './session-stats';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

const fold = (sessions: readonly SessionFacts[]) => {
  const acc = sessionStats.create();
  for (const s of sessions) sessionStats.add(acc, s);
  return acc;
};

describe('sessionStats', () => {
  it('is zeros and nulls without sessions', () => {
    expect(sessionStats.extract(sessionStats.create())).toEqual({
      sessions: 0, visitTimeMs: 0, visitTimeSeconds: 0, averageVisitDurationSeconds: null, bounces: 0, bounceRate: null,
      sessionPageViews: 0, pagesPerSession: null, clickedPageViews: 0, ctr: null, convertedSessions: 0, conversionRate: null,
      funnel: { pageView: 0, addToCart: 0, purchase: 0 },
    });
  });

  it('every rate is in [0, 1] and every count within its bounds, for any sessions', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 40 }), (sessions) => {
        const s = sessionStats.extract(fold(sessions));
        for (const rate of [s.bounceRate, s.conversionRate]) {
          expect(rate).not.toBeNull();
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeLessThanOrEqual(1);
        }
        if (s.sessionPageViews === 0) expect(s.ctr).toBeNull();
        else {
          expect(s.ctr).toBeGreaterThanOrEqual(0);
          expect(s.ctr).toBeLessThanOrEqual(1);
        }
        expect(s.bounces).toBeLessThanOrEqual(s.sessions);
        expect(s.funnel.pageView).toBeLessThanOrEqual(s.sessions);
        expect(s.averageVisitDurationSeconds).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('its output is an accumulator: days merged give the metrics of all their sessions', () => {
    fc.assert(
      fc.property(fc.array(fc.array(sessionArb, { maxLength: 10 }), { maxLength: 5 }), (days) => {
        const perDay = days.map((d) => sessionStats.extract(fold(d)));
        expect(mergeSessionStats(perDay)).toEqual(sessionStats.extract(fold(days.flat())));
      }),
    );
  });
});
