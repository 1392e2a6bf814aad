import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clickThroughRate } from './click-through-rate';
import type { Combiner, MetricEvent } from './combiner';
import { eventCount } from './event-count';
import { eventCounts } from './event-counts';
import { eventSpan } from './event-span';
import { mostCommonEvent } from './most-common-event';
import { timeSpent } from './time-spent';
import { userMetrics } from './user-metrics';

const eventArb: fc.Arbitrary<MetricEvent> = fc.record({
  eventType: fc.constantFrom('pageView', 'click', 'search', 'addToCart', 'purchase'),
  eventTimeMs: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  sessionDuration: fc.integer({ min: 0, max: 86_400 }),
});

function fold<A>(c: Combiner<A, unknown>, events: readonly MetricEvent[]): A {
  const acc = c.create();
  for (const e of events) c.add(acc, e);
  return acc;
}

/** Any split of the events, merged in either order, gives the adding of them all; merge changes no input. */
function checkMergeLaws<A>(c: Combiner<A, unknown>): void {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 40 }), fc.array(eventArb, { maxLength: 40 }), (xs, ys) => {
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
  it('clickThroughRate', () => checkMergeLaws(clickThroughRate));
  it('eventCounts', () => checkMergeLaws(eventCounts));
  it('mostCommonEvent', () => checkMergeLaws(mostCommonEvent));
  it('eventSpan', () => checkMergeLaws(eventSpan));
  it('userMetrics', () => checkMergeLaws(userMetrics));
});
