import { describe, expect, it } from 'vitest';
import { clickThroughRate } from './click-through-rate';

const of = (clicks: number, pageViews: number) => clickThroughRate.extract({ clicks, pageViews });

describe('clickThroughRate', () => {
  it('is clicks per page view', () => {
    expect(of(1, 4)).toBe(0.25);
  });

  it('is null without page views', () => {
    expect(of(3, 0)).toBeNull();
    expect(clickThroughRate.extract(clickThroughRate.create())).toBeNull();
  });

  it('counts clicks and page views and nothing else', () => {
    const acc = clickThroughRate.create();
    for (const eventType of ['click', 'pageView', 'pageView', 'search', 'purchase']) clickThroughRate.add(acc, { eventType, eventTimeMs: 0, sessionDuration: 1 });
    expect(acc).toEqual({ clicks: 1, pageViews: 2 });
    expect(clickThroughRate.extract(acc)).toBe(0.5);
  });
});
