import { describe, expect, it } from 'vitest';
import { dayTotalsOf, GLOBAL_DAILY_COLUMNS } from './global-totals';
import type { UserDayAcc } from '@/worker/core/aggregate';
import type { UserDaySessionStatsChange } from '@/worker/core/session-stats-changes';

const userDay = (userId: string, day: string, eventCount: number, timeSpentSeconds: number, clicks: number, pageViews: number) =>
  ({ userId, day, eventCount, timeSpentSeconds, clicks, pageViews }) as UserDayAcc;

const stats = (userId: string, day: string, sessions: number, visitTimeMs: number, bounces: number): UserDaySessionStatsChange => ({
  userId,
  day,
  change: { sessions, visitTimeMs, bounces, sessionPageViews: sessions, clickedPageViews: 0, convertedSessions: 0, funnel: { pageView: sessions, addToCart: 0, purchase: 0 } },
});

describe('a batch\'s additions to everyone\'s day totals', () => {
  it('sums the user-days, adds the new users and the sessions\' changes', () => {
    const t = dayTotalsOf(
      [userDay('a', '2026-02-10', 3, 30, 1, 2), userDay('b', '2026-02-10', 2, 5, 0, 1), userDay('a', '2026-02-11', 1, 7, 0, 1)],
      new Map([['2026-02-10', 1]]),
      // a: two one-event sessions (bounces) merged into one of 2 events lasting 4 s; b: a new bounce.
      [stats('a', '2026-02-10', -1, 4000, -2), stats('b', '2026-02-10', 1, 0, 1)],
    );
    expect(t.get('2026-02-10')).toMatchObject({ users: 1, event_count: 5, time_spent_seconds: 35, clicks: 1, page_views: 3, sessions: 0, visit_time_ms: 4000, bounces: -1, funnel_page_view: 0 });
    expect(t.get('2026-02-11')).toMatchObject({ users: 0, event_count: 1, time_spent_seconds: 7, sessions: 0 });
    expect(Object.keys(t.get('2026-02-11') ?? {}).sort()).toEqual([...GLOBAL_DAILY_COLUMNS].sort());
  });

  it('is empty for an empty batch', () => {
    expect(dayTotalsOf([], new Map(), []).size).toBe(0);
  });
});
