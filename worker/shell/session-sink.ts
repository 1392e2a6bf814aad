/**
 * Sessions in PostgreSQL, written inside the batch's transaction (postgres-sink.ts), so they move
 * with the aggregates and the fenced position, or not at all:
 *   - user_session: the core's `removed` keys deleted, its `changed` rows upserted (final when the
 *     same call closed them), and sessions it closed without changing them marked final: one
 *     statement (data-modifying CTEs over unnest(...) arrays; the three key sets are disjoint);
 *   - session_state: the open sessions of every user the call touched, upserted, and the users left
 *     with none deleted: one statement.
 * Each stored user's open sessions carry the settings they were built with, so a worker started
 * with another session gap, allowed lateness or window size says which one changed instead of
 * going on with sessions that mean something else (restoreSessions).
 *
 * closeOpenSessions is the one way sessions are given up when a partition starts afresh (an adopted
 * topic, a partition's first position, `npm run positions -- reset` or `close-sessions`): the
 * partition's open sessions become final as they stand and its session_state goes.
 */
import { SESSIONS_REFUSAL_PREFIX } from '@/lib/contracts/position-reset';
import type { SqlRunner } from './pg-transaction';
import { MS, textArray, valueArray } from './sql-rows';
import type { UserDaySessionStatsChange } from '@/worker/core/session-stats-changes';
import type { SessionEndMinuteChange } from '@/worker/core/session-end-minutes';
import { byKey, sessionKeyString, sessionStateFromJson, type OpenSession, type SessionRow, type SessionSettings, type SessionState, type SessionUpdate, type UserSessions } from '@/worker/core/sessions';

/** What may run SQL: a Prisma client or transaction, or the commit's pg transaction. */
type Sql = SqlRunner;

/** The settings a stored session state depends on, by their environment names. */
const SETTINGS = [
  ['SESSION_GAP_MS', 'sessionGapMs'],
  ['ALLOWED_LATENESS_MS', 'allowedLatenessMs'],
  ['WINDOW_SIZE_MS', 'windowSizeMs'],
] as const satisfies readonly (readonly [string, keyof SessionSettings])[];

/** One user's session_state.open_sessions: the open sessions, and the settings they were built with. */
export interface StoredOpenSessionsJson {
  settings: SessionSettings;
  sessions: readonly OpenSession[];
}

/** A session_state row as loaded: its user and open_sessions as stored (checked by restoreSessions). */
export interface StoredUserSessions {
  userId: string;
  openSessions: unknown;
}

/** What a commit does to a partition's sessions. */
export type SessionWrite =
  /** The core's answer for the chunk (worker/core/sessions.ts), written as it is. */
  | ({
      kind: 'update';
      settings: SessionSettings;
      stats: readonly UserDaySessionStatsChange[];
      ends: readonly SessionEndMinuteChange[];
    } & Pick<SessionUpdate, 'changed' | 'removed' | 'closed' | 'users'>)
  /** The partition starts afresh (watermark cleared): its open sessions become final as they stand, its state goes. */
  | { kind: 'close-all' };

const describe = (s: SessionSettings) => SETTINGS.map(([name, key]) => `${name}=${s[key]}`).join(', ');

/**
 * The partition's session state from its stored rows and the stored watermark, or why it cannot be
 * used: sessions built with other settings (named, with the stored and current values), or a state
 * the core refuses (sessionStateFromJson). Never a silently emptied state.
 */
export function restoreSessions(watermarkMs: number | null, rows: readonly StoredUserSessions[], s: SessionSettings): { state: SessionState } | { refused: string } {
  const stored = new Map<string, Set<number>>();
  const users: UserSessions[] = [];
  for (const r of rows) {
    const j = r.openSessions as Partial<StoredOpenSessionsJson> | null;
    if (typeof j !== 'object' || j === null || typeof j.settings !== 'object' || j.settings === null || !Array.isArray(j.sessions)) {
      return { refused: `${SESSIONS_REFUSAL_PREFIX} of user ${r.userId} are not in the form this worker stores (settings and sessions)` };
    }
    for (const [name, key] of SETTINGS) {
      const v = (j.settings as Partial<SessionSettings>)[key];
      if (v !== s[key]) stored.set(name, (stored.get(name) ?? new Set()).add(v as number));
    }
    users.push({ userId: r.userId, sessions: j.sessions });
  }
  if (stored.size > 0) {
    const changes = SETTINGS.filter(([name]) => stored.has(name)).map(([name, key]) => `${name} was ${[...(stored.get(name) ?? [])].join(' or ')} and is ${s[key]} now`);
    return { refused: `${SESSIONS_REFUSAL_PREFIX} (session_state) were built with other settings: ${changes.join('; ')}` };
  }
  try {
    return { state: sessionStateFromJson({ watermarkMs, users }, s) };
  } catch (err) {
    return { refused: `${SESSIONS_REFUSAL_PREFIX} (session_state) do not fit ${describe(s)} and the stored watermark: ${(err as Error).message}` };
  }
}

/** The partition's session_state rows, by user. */
export async function loadOpenSessions(q: Sql, topic: string, partition: number): Promise<StoredUserSessions[]> {
  return q.$queryRaw<StoredUserSessions[]>`
    SELECT user_id AS "userId", open_sessions AS "openSessions" FROM session_state WHERE topic = ${topic} AND partition = ${partition} ORDER BY user_id`;
}

/**
 * Writes a commit's sessions (nothing when it has none); runs inside the commit's transaction.
 * What they change in the user-days' session figures (`stats`) and in the sessions ending per
 * minute (`ends`) comes with an update, from the core, and is added by the caller (postgres-sink.ts).
 * Closing a session changes neither.
 */
export async function writeSessions(tx: Sql, topic: string, partition: number, w: SessionWrite | null | undefined): Promise<void> {
  if (w === null || w === undefined) return;
  if (w.kind === 'close-all') {
    await closeOpenSessions(tx, topic, partition);
    return;
  }
  const closed = new Set(w.closed.map(sessionKeyString));
  const changed = new Set(w.changed.map(sessionKeyString));
  const rows: SessionRow[] = [...w.changed].sort(byKey);
  const finals = w.closed.filter((k) => !changed.has(sessionKeyString(k))).sort(byKey);
  const removed = [...w.removed].sort(byKey);
  if (rows.length > 0 || finals.length > 0 || removed.length > 0) {
    await tx.$executeRaw`
      WITH removed AS (
        DELETE FROM user_session
        WHERE (user_id, start_at) IN (SELECT u, ${MS('s')} FROM unnest(${textArray(removed.map((k) => k.userId))}::text[], ${valueArray(removed.map((k) => k.startMs))}::bigint[]) AS x(u, s))
      ), finals AS (
        UPDATE user_session SET final = true
        WHERE (user_id, start_at) IN (SELECT u, ${MS('s')} FROM unnest(${textArray(finals.map((k) => k.userId))}::text[], ${valueArray(finals.map((k) => k.startMs))}::bigint[]) AS x(u, s))
      )
      INSERT INTO user_session (user_id, start_at, end_at, day, event_count, page_views, clicked_page_views, funnel_step, converted, partition, first_offset, last_offset, final)
      SELECT u, ${MS('s')}, ${MS('e')}, d, c, pv, cpv, f, cv, ${partition}, fo, lo, fin
      FROM unnest(${textArray(rows.map((r) => r.userId))}::text[], ${valueArray(rows.map((r) => r.startMs))}::bigint[], ${valueArray(rows.map((r) => r.endMs))}::bigint[],
                  ${textArray(rows.map((r) => r.day))}::date[], ${valueArray(rows.map((r) => r.eventCount))}::int[], ${valueArray(rows.map((r) => r.pageViews))}::int[],
                  ${valueArray(rows.map((r) => r.clickedPageViews))}::int[], ${valueArray(rows.map((r) => r.funnelStep))}::smallint[], ${valueArray(rows.map((r) => r.converted))}::boolean[],
                  ${valueArray(rows.map((r) => r.minSeq))}::bigint[], ${valueArray(rows.map((r) => r.maxSeq))}::bigint[], ${valueArray(rows.map((r) => closed.has(sessionKeyString(r))))}::boolean[])
           AS x(u, s, e, d, c, pv, cpv, f, cv, fo, lo, fin)
      ON CONFLICT (user_id, start_at) DO UPDATE SET
        end_at = EXCLUDED.end_at, day = EXCLUDED.day, event_count = EXCLUDED.event_count, page_views = EXCLUDED.page_views,
        clicked_page_views = EXCLUDED.clicked_page_views, funnel_step = EXCLUDED.funnel_step, converted = EXCLUDED.converted,
        partition = EXCLUDED.partition, first_offset = EXCLUDED.first_offset, last_offset = EXCLUDED.last_offset, final = EXCLUDED.final`;
  }

  const users = [...w.users].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const gone = users.filter((u) => u.sessions.length === 0).map((u) => u.userId);
  if (users.length > 0) {
    // The open sessions are JSON already: one JSON document of (user, open_sessions) rows, which
    // PostgreSQL parses once, rather than one JSON string per user escaped again into an array.
    const { sessionGapMs, allowedLatenessMs, windowSizeMs } = w.settings;
    const settings = { sessionGapMs, allowedLatenessMs, windowSizeMs };
    const kept = users.filter((u) => u.sessions.length > 0).map((u) => ({ u: u.userId, s: { settings, sessions: u.sessions } satisfies StoredOpenSessionsJson }));
    await tx.$executeRaw`
      WITH gone AS (
        DELETE FROM session_state WHERE topic = ${topic} AND partition = ${partition} AND user_id = ANY(${textArray(gone)}::text[])
      )
      INSERT INTO session_state (topic, partition, user_id, open_sessions)
      SELECT ${topic}, ${partition}, u, s FROM json_to_recordset(${JSON.stringify(kept)}::json) AS x(u text, s json)
      ON CONFLICT (topic, partition, user_id) DO UPDATE SET open_sessions = EXCLUDED.open_sessions`;
  }
}

/**
 * The partition's open sessions become final as they stand, and its session_state goes: what a
 * fresh start of the partition (watermark cleared) does to sessions, as the aggregates counted so
 * far are kept. The open sessions are the user_session rows of the partition that are not final, of
 * the users it holds state for (every commit keeps the two in step). Returns how many were closed.
 */
export async function closeOpenSessions(q: Sql, topic: string, partition: number): Promise<number> {
  return q.$executeRaw`
    WITH state AS (
      DELETE FROM session_state WHERE topic = ${topic} AND partition = ${partition} RETURNING user_id
    )
    UPDATE user_session SET final = true
    WHERE partition = ${partition} AND NOT final AND user_id IN (SELECT user_id FROM state)`;
}
