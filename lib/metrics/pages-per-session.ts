/**
 * Pages per session: the sessions' page views ÷ sessions; null without sessions. The page views
 * are the sessions' own (sessionPageViews: the page views of the sessions that start on the day),
 * which differ from the day's page views (./clicks-per-page-view.ts, by event day) only when a
 * session crosses midnight. In SQL: sessionPageViews in sessionStatsAccSql and pagesPerSessionSql
 * in ./sql.ts.
 */
import type { SessionCombiner } from './session-facts';
import { sessionCount, type SessionCountAcc } from './session-count';

export interface SessionPageViewsAcc {
  sessionPageViews: number;
}

/** The page views of a set of sessions. */
export const sessionPageViews: SessionCombiner<SessionPageViewsAcc, number> = {
  create: () => ({ sessionPageViews: 0 }),
  add: (acc, s) => {
    acc.sessionPageViews += s.pageViews;
  },
  merge: (a, b) => ({ sessionPageViews: a.sessionPageViews + b.sessionPageViews }),
  extract: (acc) => acc.sessionPageViews,
};

export type PagesPerSessionAcc = SessionCountAcc & SessionPageViewsAcc;

/** Page views per session (0 or more), or null without sessions. */
export type PagesPerSession = number | null;

export function pagesPerSessionOf(acc: PagesPerSessionAcc): PagesPerSession {
  return acc.sessions === 0 ? null : acc.sessionPageViews / acc.sessions;
}

export const pagesPerSession: SessionCombiner<PagesPerSessionAcc, PagesPerSession> = {
  create: () => ({ ...sessionCount.create(), ...sessionPageViews.create() }),
  add: (acc, s) => {
    sessionCount.add(acc, s);
    sessionPageViews.add(acc, s);
  },
  merge: (a, b) => ({ ...sessionCount.merge(a, b), ...sessionPageViews.merge(a, b) }),
  extract: pagesPerSessionOf,
};
