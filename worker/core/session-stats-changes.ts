/**
 * What one addToSessions call (./sessions.ts) changes in each user-day's session figures: the
 * accumulator of sessionStats (lib/metrics/session-stats.ts) over the rows it writes, minus the
 * same over the rows those replace or delete (replacedRows, known without reading the table).
 * Pure: the shell adds the changes to the user-days' rows and to the days' totals in the commit's
 * transaction, so the stored figures stay the sums over the stored sessions without reading them
 * back.
 */
import { sessionStats, type SessionStatsAcc } from '@/lib/metrics/session-stats';
import { byUserThenDay, userDayKey } from './aggregate';
import type { SessionRow } from './sessions';

/** One user-day's session figures to add (negative where sessions merged, moved or shrank away). */
export interface UserDaySessionStatsChange {
  userId: string;
  day: string;
  change: SessionStatsAcc;
}

function difference(a: SessionStatsAcc, b: SessionStatsAcc): SessionStatsAcc {
  return {
    sessions: a.sessions - b.sessions,
    visitTimeMs: a.visitTimeMs - b.visitTimeMs,
    bounces: a.bounces - b.bounces,
    sessionPageViews: a.sessionPageViews - b.sessionPageViews,
    clickedPageViews: a.clickedPageViews - b.clickedPageViews,
    convertedSessions: a.convertedSessions - b.convertedSessions,
    funnel: { pageView: a.funnel.pageView - b.funnel.pageView, addToCart: a.funnel.addToCart - b.funnel.addToCart, purchase: a.funnel.purchase - b.funnel.purchase },
  };
}

function isZero(a: SessionStatsAcc): boolean {
  return a.sessions === 0 && a.visitTimeMs === 0 && a.bounces === 0 && a.sessionPageViews === 0 && a.clickedPageViews === 0 && a.convertedSessions === 0 && a.funnel.pageView === 0 && a.funnel.addToCart === 0 && a.funnel.purchase === 0;
}

/**
 * The net change of each user-day's session figures from a call's `changed` rows and the rows they
 * replace (replacedRows in ./sessions.ts), in (user, day) order; user-days whose figures end up the
 * same are left out.
 */
export function sessionStatsChanges(replaced: readonly SessionRow[], changed: readonly SessionRow[]): UserDaySessionStatsChange[] {
  const sums = new Map<string, { userId: string; day: string; added: SessionStatsAcc; replaced: SessionStatsAcc }>();
  const sumOf = (row: SessionRow) => {
    const key = userDayKey(row.userId, row.day);
    let s = sums.get(key);
    if (!s) {
      s = { userId: row.userId, day: row.day, added: sessionStats.create(), replaced: sessionStats.create() };
      sums.set(key, s);
    }
    return s;
  };
  for (const row of replaced) sessionStats.add(sumOf(row).replaced, row);
  for (const row of changed) sessionStats.add(sumOf(row).added, row);
  const out: UserDaySessionStatsChange[] = [];
  for (const s of sums.values()) {
    const change = difference(s.added, s.replaced);
    if (!isZero(change)) out.push({ userId: s.userId, day: s.day, change });
  }
  return out.sort(byUserThenDay);
}
