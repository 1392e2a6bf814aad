/**
 * What one addToSessions call (./sessions.ts) changes in the number of sessions whose latest event
 * falls in each minute (UTC, event time): +1 at the minute of each row it writes, −1 at the minute
 * of each row those replace or delete (replacedRows). Pure: the shell adds the changes to
 * global_session_ends in the commit's transaction, so that table stays, per minute, the count of
 * stored sessions ending in it.
 *
 * Why: the overview's "users active in the last 5 minutes" is the sum of a few of its rows instead
 * of a count over every user (100,000 index entries when everyone is active). A user's sessions are
 * at least the session gap apart, so while the gap is longer than the span read, each active user
 * has exactly one session ending in it, whichever day the session began on.
 */
import { MINUTE_MS, windowStart } from '@/lib/windows';
import type { SessionRow } from './sessions';

/** Sessions to add to one minute's count (negative where a session's end moved away or it merged into another). */
export interface SessionEndMinuteChange {
  minuteMs: number;
  sessions: number;
}

/** The net change per minute, in minute order; minutes whose count ends up the same are left out. */
export function sessionEndMinuteChanges(replaced: readonly SessionRow[], changed: readonly SessionRow[]): SessionEndMinuteChange[] {
  const net = new Map<number, number>();
  const add = (row: SessionRow, n: number) => {
    const minuteMs = windowStart(row.endMs, MINUTE_MS);
    net.set(minuteMs, (net.get(minuteMs) ?? 0) + n);
  };
  for (const row of replaced) add(row, -1);
  for (const row of changed) add(row, 1);
  return [...net]
    .filter(([, sessions]) => sessions !== 0)
    .sort(([a], [b]) => a - b)
    .map(([minuteMs, sessions]) => ({ minuteMs, sessions }));
}
