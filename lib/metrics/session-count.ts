/**
 * Sessions: how many sessions (./session-facts.ts says what a session is). A user-day's sessions
 * are those whose first event is on that UTC day; sessions still open are counted too.
 * In SQL: sessionStatsAccSql in ./sql.ts (`count(*)` of user_session rows).
 */
import type { SessionCombiner } from './session-facts';

export interface SessionCountAcc {
  sessions: number;
}

export type SessionCount = number;

export const sessionCount: SessionCombiner<SessionCountAcc, SessionCount> = {
  create: () => ({ sessions: 0 }),
  add: (acc) => {
    acc.sessions += 1;
  },
  merge: (a, b) => ({ sessions: a.sessions + b.sessions }),
  extract: (acc) => acc.sessions,
};
