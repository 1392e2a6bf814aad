import { describe, expect, it } from 'vitest';
import { dayTotalsOf, GLOBAL_DAILY_COLUMNS, type SignedSessionStats } from './global-totals';
import type { UserDayAcc } from '@/worker/core/aggregate';

const userDay = (userId: string, day: string, eventCount: number, timeSpentSeconds: number, clicks: number, pageViews: number) =>
  ({ userId, day, eventCount, timeSpentSeconds, clicks, pageViews }) as UserDayAcc;

const stats = (day: string, sign: number, sessions: number, visitMs: number, bounces: number): SignedSessionStats => ({
  userId: 'a', day, sign, sessions, visit_time_ms: visitMs, bounces, session_page_views: sessions, clicked_page_views: 0, converted_sessions: 0,
  funnel_page_view: sessions, funnel_add_to_cart: 0, funnel_purchase: 0,
});

describe('a batch\'s additions to everyone\'s day totals', () => {
  it('sums the user-days, adds the new users, and nets sessions written against the rows they replaced', () => {
    const t = dayTotalsOf(
      [userDay('a', '2026-02-10', 3, 30, 1, 2), userDay('b', '2026-02-10', 2, 5, 0, 1), userDay('a', '2026-02-11', 1, 7, 0, 1)],
      new Map([['2026-02-10', 1]]),
      // Two one-event sessions (bounces) merged into one of 2 events lasting 4 s: −2 sessions, +1.
      [stats('2026-02-10', 1, 1, 4000, 0), stats('2026-02-10', -1, 2, 0, 2)],
    );
    expect(t.get('2026-02-10')).toMatchObject({ users: 1, event_count: 5, time_spent_seconds: 35, clicks: 1, page_views: 3, sessions: -1, visit_time_ms: 4000, bounces: -2, funnel_page_view: -1 });
    expect(t.get('2026-02-11')).toMatchObject({ users: 0, event_count: 1, time_spent_seconds: 7, sessions: 0 });
    expect(Object.keys(t.get('2026-02-11') ?? {}).sort()).toEqual([...GLOBAL_DAILY_COLUMNS].sort());
  });

  it('is empty for an empty batch', () => {
    expect(dayTotalsOf([], new Map(), []).size).toBe(0);
  });
});
