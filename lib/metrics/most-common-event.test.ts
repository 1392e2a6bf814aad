import { describe, expect, it } from 'vitest';
import { mostCommonEvent } from './most-common-event';

const of = (eventCounts: Record<string, number>) => mostCommonEvent.extract({ eventCounts });

describe('mostCommonEvent', () => {
  it('breaks ties by name, ascending', () => {
    expect(of({ search: 2, click: 2, pageView: 1 })).toBe('click');
    expect(of({ search: 3, click: 3, pageView: 1 })).toBe('click');
    expect(of({ pageView: 3, click: 2 })).toBe('pageView');
    expect(of({ pageView: 2, addToCart: 1 })).toBe('pageView');
  });

  it('is null without events', () => {
    expect(of({})).toBeNull();
    expect(of({ click: 0 })).toBeNull();
    expect(mostCommonEvent.extract(mostCommonEvent.create())).toBeNull();
  });
});
