import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pagesPerSession } from './pages-per-session';
import type { FunnelStep, SessionFacts } from './session-facts';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('pagesPerSession: page views ÷ sessions', () => {
  it('is null without sessions', () => {
    expect(pagesPerSession.extract(pagesPerSession.create())).toBeNull();
  });
  it('divides the sessions page views by the sessions', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 30 }), (sessions) => {
        const acc = pagesPerSession.create();
        for (const s of sessions) pagesPerSession.add(acc, s);
        const pages = sessions.reduce((n, s) => n + s.pageViews, 0);
        expect(pagesPerSession.extract(acc)).toBe(pages / sessions.length);
        expect(pagesPerSession.extract(acc)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
