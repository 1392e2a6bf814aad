import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bounceRate, bounces, isBounce } from './bounce-rate';
import type { FunnelStep, SessionFacts } from './session-facts';

/** Any session as user_session may hold it: clicked ≤ page views ≤ events, end ≥ start. */
const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clickedPageViews) => ({ startMs: s.startMs, endMs: s.startMs + (s.eventCount === 1 ? 0 : s.lengthMs), eventCount: s.eventCount, pageViews, clickedPageViews, funnelStep: s.funnelStep, converted: s.converted }))));

describe('bounces and bounce rate', () => {
  it('a bounce is a session of exactly one event, not a session of duration 0', () => {
    expect(isBounce({ eventCount: 1 })).toBe(true);
    expect(isBounce({ eventCount: 2 })).toBe(false);
    const acc = bounces.create();
    bounces.add(acc, { startMs: 5, endMs: 5, eventCount: 2, pageViews: 2, clickedPageViews: 0, funnelStep: 1, converted: false });
    expect(bounces.extract(acc)).toBe(0);
  });
  it('bounce rate is bounces ÷ sessions, null without sessions', () => {
    expect(bounceRate.extract(bounceRate.create())).toBeNull();
    const acc = bounceRate.create();
    for (const eventCount of [1, 1, 3, 7]) bounceRate.add(acc, { startMs: 0, endMs: 0, eventCount, pageViews: 0, clickedPageViews: 0, funnelStep: 0, converted: false });
    expect(acc).toEqual({ sessions: 4, bounces: 2 });
    expect(bounceRate.extract(acc)).toBe(0.5);
  });
  it('is always in [0, 1] and counts the one-event sessions', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 30 }), (sessions) => {
        const acc = bounceRate.create();
        for (const s of sessions) bounceRate.add(acc, s);
        const rate = bounceRate.extract(acc) ?? Number.NaN;
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
        expect(rate).toBe(sessions.filter((s) => s.eventCount === 1).length / sessions.length);
      }),
    );
  });
});
