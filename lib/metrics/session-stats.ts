/**
 * The session metrics of a set of sessions (a user-day, a user's range, everyone's day), as the
 * API and the dashboard show them: sessions, visit time and average visit duration, bounces and
 * bounce rate, pages per session, CTR, conversion rate and the funnel. One combiner of the session
 * combiners in this folder, over user_session rows (./session-facts.ts); in SQL, its accumulator
 * is sessionStatsAccSql (./sql.ts). Its output holds its accumulator's fields, so two outputs (two
 * days) merge into a range. Pure: no I/O, so client components may use it.
 */
import { averageVisitDurationOf, type AverageVisitDuration } from './average-visit-duration';
import { bounceRateOf, bounces, type BounceRate, type BouncesAcc } from './bounce-rate';
import { clickedPageViews, clickThroughRateOf, type ClickedPageViewsAcc, type ClickThroughRate } from './click-through-rate';
import { conversionRateOf, convertedSessions, type ConversionRate, type ConvertedSessionsAcc } from './conversion-rate';
import { funnel, type FunnelAcc } from './funnel';
import { pagesPerSessionOf, sessionPageViews, type PagesPerSession, type SessionPageViewsAcc } from './pages-per-session';
import type { SessionCombiner } from './session-facts';
import { sessionCount, type SessionCountAcc } from './session-count';
import { visitTime, type VisitTime, type VisitTimeAcc } from './visit-time';

export interface SessionStatsAcc extends SessionCountAcc, VisitTimeAcc, BouncesAcc, SessionPageViewsAcc, ClickedPageViewsAcc, ConvertedSessionsAcc, FunnelAcc {}

export interface SessionStats extends SessionStatsAcc {
  /** Visit time in seconds (visitTimeMs ÷ 1000). */
  visitTimeSeconds: VisitTime;
  averageVisitDurationSeconds: AverageVisitDuration;
  bounceRate: BounceRate;
  pagesPerSession: PagesPerSession;
  /** clickedPageViews ÷ sessionPageViews. */
  ctr: ClickThroughRate;
  conversionRate: ConversionRate;
}

/** Only the accumulator's fields of `a` (a SessionStats, or a row holding more). */
function accOf(a: SessionStatsAcc): SessionStatsAcc {
  return {
    sessions: a.sessions,
    visitTimeMs: a.visitTimeMs,
    bounces: a.bounces,
    sessionPageViews: a.sessionPageViews,
    clickedPageViews: a.clickedPageViews,
    convertedSessions: a.convertedSessions,
    funnel: { ...a.funnel },
  };
}

/**
 * The parts' accumulators as one object, field by field: object spread showed in the worker's
 * profile (two accumulators per user-day in every commit, issue 15).
 */
function combined(c: SessionCountAcc, v: VisitTimeAcc, b: BouncesAcc, p: SessionPageViewsAcc, k: ClickedPageViewsAcc, cv: ConvertedSessionsAcc, f: FunnelAcc): SessionStatsAcc {
  return { sessions: c.sessions, visitTimeMs: v.visitTimeMs, bounces: b.bounces, sessionPageViews: p.sessionPageViews, clickedPageViews: k.clickedPageViews, convertedSessions: cv.convertedSessions, funnel: f.funnel };
}

export const sessionStats: SessionCombiner<SessionStatsAcc, SessionStats> = {
  create: () => combined(sessionCount.create(), visitTime.create(), bounces.create(), sessionPageViews.create(), clickedPageViews.create(), convertedSessions.create(), funnel.create()),
  add: (acc, s) => {
    sessionCount.add(acc, s);
    visitTime.add(acc, s);
    bounces.add(acc, s);
    sessionPageViews.add(acc, s);
    clickedPageViews.add(acc, s);
    convertedSessions.add(acc, s);
    funnel.add(acc, s);
  },
  merge: (a, b) =>
    combined(
      sessionCount.merge(a, b),
      visitTime.merge(a, b),
      bounces.merge(a, b),
      sessionPageViews.merge(a, b),
      clickedPageViews.merge(a, b),
      convertedSessions.merge(a, b),
      funnel.merge(a, b),
    ),
  extract: (acc) => ({
    ...accOf(acc),
    visitTimeSeconds: visitTime.extract(acc),
    averageVisitDurationSeconds: averageVisitDurationOf(acc),
    bounceRate: bounceRateOf(acc),
    pagesPerSession: pagesPerSessionOf(acc),
    ctr: clickThroughRateOf(acc),
    conversionRate: conversionRateOf(acc),
  }),
};

/** Several sets' metrics (e.g. days) merged into one (e.g. a range). */
export function mergeSessionStats(parts: Iterable<SessionStatsAcc>): SessionStats {
  let acc = sessionStats.create();
  for (const p of parts) acc = sessionStats.merge(acc, p);
  return sessionStats.extract(acc);
}
