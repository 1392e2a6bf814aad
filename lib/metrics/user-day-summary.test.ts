import { describe, expect, it } from 'vitest';
import { sessionStats } from './session-stats';
import { mergeUserDays } from './user-day-summary';
import { userMetrics } from './user-metrics';

describe('mergeUserDays', () => {
  it('merges the event and the session metrics of days into the range’s', () => {
    const day = (types: string[], sessions: { startMs: number; endMs: number; eventCount: number; pageViews: number; clickedPageViews: number }[]) => {
      const e = userMetrics.create();
      for (const eventType of types) userMetrics.add(e, { eventType, eventTimeMs: 0, sessionDuration: 10 });
      const s = sessionStats.create();
      for (const x of sessions) sessionStats.add(s, { ...x, funnelStep: x.pageViews > 0 ? 1 : 0, converted: false });
      return { ...userMetrics.extract(e), ...sessionStats.extract(s) };
    };
    const range = mergeUserDays([
      day(['pageView', 'click', 'click'], [{ startMs: 0, endMs: 60_000, eventCount: 3, pageViews: 1, clickedPageViews: 1 }]),
      day(['pageView', 'pageView'], [{ startMs: 0, endMs: 0, eventCount: 1, pageViews: 1, clickedPageViews: 0 }, { startMs: 0, endMs: 0, eventCount: 1, pageViews: 1, clickedPageViews: 0 }]),
    ]);
    expect(range).toMatchObject({ eventCount: 5, clicks: 2, pageViews: 3, clicksPerPageView: 2 / 3, mostCommonEvents: ['pageView'], sessions: 3, bounces: 2, ctr: 1 / 3, visitTimeSeconds: 60, averageVisitDurationSeconds: 20 });
  });
  it('is empty for no days', () => {
    expect(mergeUserDays([])).toMatchObject({ eventCount: 0, mostCommonEvents: [], sessions: 0, bounceRate: null, ctr: null, clicksPerPageView: null });
  });
});
