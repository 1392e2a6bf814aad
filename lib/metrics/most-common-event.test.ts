import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mostCommonEvents } from './most-common-event';

const of = (eventCounts: Record<string, number>) => mostCommonEvents.extract({ eventCounts });

describe('mostCommonEvents', () => {
  it('is the one type with the highest count', () => {
    expect(of({ pageView: 3, click: 2 })).toEqual(['pageView']);
    expect(of({ pageView: 2, addToCart: 1 })).toEqual(['pageView']);
  });

  it('shows ties as ties, every tied type in byte order', () => {
    expect(of({ search: 2, click: 2, pageView: 1 })).toEqual(['click', 'search']);
    expect(of({ search: 3, click: 3, pageView: 3 })).toEqual(['click', 'pageView', 'search']);
    expect(of({ apple: 1, Zoom: 1, Apple: 1 })).toEqual(['Apple', 'Zoom', 'apple']);
  });

  it('is empty without events', () => {
    expect(of({})).toEqual([]);
    expect(of({ click: 0 })).toEqual([]);
    expect(mostCommonEvents.extract(mostCommonEvents.create())).toEqual([]);
  });

  it('holds exactly the types with the maximum count, sorted, for any counts', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('pageView', 'click', 'search', 'addToCart', 'Zoom'), fc.integer({ min: 0, max: 5 })), (counts) => {
        const max = Math.max(0, ...Object.values(counts));
        const expected = max === 0 ? [] : Object.keys(counts).filter((k) => counts[k] === max).sort();
        expect(of(counts)).toEqual(expected);
      }),
    );
  });
});
