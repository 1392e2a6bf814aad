import { describe, expect, it } from 'vitest';
import { clicksPerPageView } from './clicks-per-page-view';

const of = (clicks: number, pageViews: number) => clicksPerPageView.extract({ clicks, pageViews });

describe('clicksPerPageView (the old "CTR")', () => {
  it('is clicks ÷ page views, and can exceed 1', () => {
    expect(of(1, 4)).toBe(0.25);
    expect(of(17, 3)).toBe(17 / 3);
  });

  it('is null without page views', () => {
    expect(of(3, 0)).toBeNull();
    expect(clicksPerPageView.extract(clicksPerPageView.create())).toBeNull();
  });

  it('counts clicks and page views and nothing else', () => {
    const acc = clicksPerPageView.create();
    for (const eventType of ['click', 'pageView', 'pageView', 'search', 'purchase']) clicksPerPageView.add(acc, { eventType, eventTimeMs: 0, sessionDuration: 1 });
    expect(acc).toEqual({ clicks: 1, pageViews: 2 });
    expect(clicksPerPageView.extract(acc)).toBe(0.5);
  });
});
