import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregate, mergeAggregates, type Aggregate, type CoreEvent } from './aggregate';
import { processEvents, type ProcessedEvents } from './process-events';

const settings = { windowSizeMs: 60_000, outOfOrdernessMs: 5_000, allowedLatenessMs: 600_000 };
const T0 = Date.parse('2023-09-25T23:50:00Z'); // crosses midnight within the generated span

/** A canonical, order-free view of an aggregate for comparisons. */
function totals(agg: Aggregate) {
  const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    days: sort([...agg.userDays.values()].map((d) => ({ ...d, eventCounts: Object.entries(d.eventCounts).sort() }))),
    windows: sort([...agg.userWindows.values()]),
    global: sort([...agg.globalWindows.values()]),
  };
}

const eventArb = fc.record({
  userId: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
  eventType: fc.constantFrom('pageView', 'click', 'search', 'purchase'),
  eventTimeMs: fc.integer({ min: T0, max: T0 + 30 * 60_000 }),
  sessionDuration: fc.integer({ min: 0, max: 86_400 }),
});

/** Splits a list into consecutive chunks at the given cut points. */
function split<T>(xs: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (xs.length + 1)))].sort((a, b) => a - b);
  const chunks: T[][] = [];
  let from = 0;
  for (const p of [...points, xs.length]) {
    chunks.push(xs.slice(from, p));
    from = p;
  }
  return chunks;
}

function inBatches(events: CoreEvent[], cuts: number[]) {
  let watermark: number | null = null;
  let agg = createAggregate();
  let late = 0;
  for (const chunk of split(events, cuts)) {
    const r: ProcessedEvents<CoreEvent> = processEvents(watermark, chunk, settings);
    agg = mergeAggregates(agg, r.aggregate);
    watermark = r.watermarkMs;
    late += r.late.length;
  }
  return { agg, late, watermark };
}

describe('processEvents', () => {
  it('gives the same totals, late events and watermark for any split of a stream into batches', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
        const whole = processEvents(null, events, settings);
        const batched = inBatches(events, cuts);
        expect(totals(batched.agg)).toEqual(totals(whole.aggregate));
        expect(batched.late).toBe(whole.late.length);
        expect(batched.watermark).toBe(whole.watermarkMs);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same totals for any reordering within the out-of-orderness bound, and none is late', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: settings.outOfOrdernessMs })), { maxLength: 200 }),
        (withDelays) => {
          const inOrder = withDelays.map(([e]) => e).sort((a, b) => a.eventTimeMs - b.eventTimeMs);
          // Each event arrives at its time plus a delay of at most the bound.
          const arrived = withDelays
            .map(([e, delay], i) => ({ e, arrival: e.eventTimeMs + delay, i }))
            .sort((a, b) => a.arrival - b.arrival || a.i - b.i)
            .map((x) => x.e);
          const expected = processEvents(null, inOrder, settings);
          const actual = processEvents(null, arrived, settings);
          expect(actual.late).toEqual([]);
          expect(totals(actual.aggregate)).toEqual(totals(expected.aggregate));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves late events out of every aggregate and explains them', () => {
    const ev = (iso: string, userId = 'u'): CoreEvent => ({ userId, eventType: 'click', eventTimeMs: Date.parse(iso), sessionDuration: 10 });
    const r = processEvents(null, [ev('2023-09-25T14:30:00Z'), ev('2023-09-25T14:18:59Z', 'late-user'), ev('2023-09-25T14:19:00Z', 'ok-user')], settings);
    expect(r.counted).toBe(2);
    expect(r.late.map((l) => l.event.userId)).toEqual(['late-user']);
    expect(r.late[0]?.reason).toMatch(/^late: /);
    expect([...r.aggregate.userDays.values()].map((d) => d.userId).sort()).toEqual(['ok-user', 'u']);
  });

  it('continues from a restored watermark', () => {
    const w = Date.parse('2023-09-25T15:00:00Z');
    const r = processEvents(w, [{ userId: 'u', eventType: 'click', eventTimeMs: Date.parse('2023-09-25T14:00:00Z'), sessionDuration: 1 }], settings);
    expect(r.late).toHaveLength(1);
    expect(r.watermarkMs).toBe(w);
  });
});
