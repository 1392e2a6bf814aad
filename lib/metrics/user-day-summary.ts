/**
 * A user's days merged into one range: the event metrics (./user-metrics.ts) and the session
 * metrics (./session-stats.ts) of every day, each merged with its own combiner. Pure: no I/O, so
 * client components may use it (the user page's totals over its range).
 */
import { sessionStats, type SessionStats, type SessionStatsAcc } from './session-stats';
import { userMetrics, type UserMetrics, type UserMetricsAcc } from './user-metrics';

export function mergeUserDays(days: Iterable<UserMetricsAcc & SessionStatsAcc>): UserMetrics & SessionStats {
  let events = userMetrics.create();
  let sessions = sessionStats.create();
  for (const d of days) {
    events = userMetrics.merge(events, d);
    sessions = sessionStats.merge(sessions, d);
  }
  return { ...userMetrics.extract(events), ...sessionStats.extract(sessions) };
}
