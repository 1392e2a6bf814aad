import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageVisitDuration } from './average-visit-duration';
import { bounceRate, bounces } from './bounce-rate';
import { clickedPageViews, clickThroughRate } from './click-through-rate';
import { clicksPerPageView } from './clicks-per-page-view';
import type { Combiner, MetricEvent } from './combiner';
import { conversionRate, convertedSessions } from './conversion-rate';
import { eventCount } from './event-count';
import { eventCounts } from './event-counts';
import { eventSpan } from './event-span';
import { funnel } from './funnel';
import { mostCommonEvents } from './most-common-event';
import { pagesPerSession, sessionPageViews } from './pages-per-session';
import { sessionCount } from './session-count';
import type { FunnelStep, SessionFacts } from './session-facts';
import { sessionStats } from './session-stats';
import { timeSpent } from './time-spent';
import { userMetrics } from './user-metrics';
import { visitTime } from './visit-time';

const eventArb: fc.Arbitrary<MetricEvent> = fc.record({
  eventType: fc.constantFrom('pageView', 'click', 'search', 'addToCart', 'purchase'),
  eventTimeMs: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  sessionDuration: fc.integer({ min: 0, max: 86_400 }),
});

const sessionArb: fc.Arbitrary<SessionFacts> = fc
  .record({ startMs: fc.integer({ min: 0, max: 2_000_000_000_000 }), lengthMs: fc.integer({ min: 0, max: 86_400_000 }), eventCount: fc.integer({ min: 1, max: 40 }), funnelStep: fc.constantFrom<FunnelStep>(0, 1, 2, 3), converted: fc.boolean() })
  .chain((s) => fc.integer({ min: 0, max: s.eventCount }).chain((pageViews) => fc.integer({ min: 0, max: pageViews }).map((clicked) => ({ startMs: s.startMs, endMs: s.startMs + s.lengthMs, eventCount: s.eventCount, pageViews, clickedPageViews: clicked, funnelStep: s.funnelStep, converted: s.converted }))));

function fold<A, In>(c: Combiner<A, unknown, In>, inputs: readonly In[]): A {
  const acc = c.create();
  for (const e of inputs) c.add(acc, e);
  return acc;
}

/** Any split of the inputs, merged in either order, gives the adding of them all; merge changes no input. */
function checkMergeLaws<A>(c: Combiner<A, unknown>): void;
function checkMergeLaws<A, In>(c: Combiner<A, unknown, In>, inputArb: fc.Arbitrary<In>): void;
function checkMergeLaws<A, In>(c: Combiner<A, unknown, In>, inputArb: fc.Arbitrary<In> = eventArb as unknown as fc.Arbitrary<In>): void {
  fc.assert(
    fc.property(fc.array(inputArb, { maxLength: 40 }), fc.array(inputArb, { maxLength: 40 }), (xs, ys) => {
      const whole = fold(c, [...xs, ...ys]);
      const a = fold(c, xs);
      const b = fold(c, ys);
      const before = structuredClone([a, b]);
      expect(c.merge(a, b)).toEqual(whole);
      expect(c.merge(b, a)).toEqual(whole);
      expect(c.extract(c.merge(a, b))).toEqual(c.extract(whole));
      expect([a, b]).toEqual(before);
      expect(c.merge(c.create(), a)).toEqual(a);
    }),
    { numRuns: 200 },
  );
}

describe('each combiner gives the same accumulator and value for any split of the events, merged in any order', () => {
  it('eventCount', () => checkMergeLaws(eventCount));
  it('timeSpent', () => checkMergeLaws(timeSpent));
  it('clicksPerPageView', () => checkMergeLaws(clicksPerPageView));
  it('eventCounts', () => checkMergeLaws(eventCounts));
  it('mostCommonEvents', () => checkMergeLaws(mostCommonEvents));
  it('eventSpan', () => checkMergeLaws(eventSpan));
  it('userMetrics', () => checkMergeLaws(userMetrics));
});

describe('each session combiner gives the same accumulator and value for any split of the sessions, merged in any order', () => {
  it('sessionCount', () => checkMergeLaws(sessionCount, sessionArb));
  it('visitTime', () => checkMergeLaws(visitTime, sessionArb));
  it('averageVisitDuration', () => checkMergeLaws(averageVisitDuration, sessionArb));
  it('bounces', () => checkMergeLaws(bounces, sessionArb));
  it('bounceRate', () => checkMergeLaws(bounceRate, sessionArb));
  it('sessionPageViews', () => checkMergeLaws(sessionPageViews, sessionArb));
  it('pagesPerSession', () => checkMergeLaws(pagesPerSession, sessionArb));
  it('clickedPageViews', () => checkMergeLaws(clickedPageViews, sessionArb));
  it('clickThroughRate', () => checkMergeLaws(clickThroughRate, sessionArb));
  it('convertedSessions', () => checkMergeLaws(convertedSessions, sessionArb));
  it('conversionRate', () => checkMergeLaws(conversionRate, sessionArb));
  it('funnel', () => checkMergeLaws(funnel, sessionArb));
  it('sessionStats', () => checkMergeLaws(sessionStats, sessionArb));
});
