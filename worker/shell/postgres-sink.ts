/**
 * The PostgreSQL sink. One transaction per batch, on node-postgres directly (pg-transaction.ts; the
 * statements are Prisma.sql fragments, and Prisma loads positions and sessions):
 *   1. move partition_state's next_offset and watermark, fenced on the offset the batch started
 *      from (this also takes the row lock, so two writers of one partition serialise);
 *   2. one set-based INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE per table, merging
 *      with the combiners' merges in SQL (lib/metrics/sql.ts); a user-day's row takes what the
 *      chunk's sessions change in its session figures (worker/core/session-stats-changes.ts) in
 *      the same upsert;
 *   3. the chunk's sessions (session-sink.ts): user_session rows and the open sessions in
 *      session_state;
 *   4. the session figures of user-days step 2 did not write (global-totals.ts): a session that
 *      began on a day the chunk has no event of;
 *   5. the rows every partition shares (global_minute_users, global_minute, global_session_ends,
 *      global_daily), from what steps 2-4 changed and the core's session changes;
 *   6. NOTIFY the commit, which PostgreSQL delivers only if the transaction commits.
 * A user's rows belong to one partition; the shared rows are locked by every partition's commits,
 * which wait for each other there. So they come last, each table in one statement: a commit holds
 * their locks only for those statements and its COMMIT, not while it writes its users' rows (done
 * first, they made concurrent commits wait most of their time: 40 % of the samples of the
 * bench's active backends waited on a lock). Rows are written in key order, and the shared tables
 * in one order, so concurrent commits lock shared rows in one order and cannot deadlock each other.
 */
import { byUserThenDay, userDayKey, type Aggregate, type UserDayAcc } from '@/worker/core/aggregate';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { eventTypeColumnsSql, globalMinuteMergeSql, userDailyMergeSql, userDailySessionMergeSql, userMinuteMergeSql } from '@/lib/metrics/sql';
import { Prisma } from '@/lib/db/generated/client';
import { boundNotice, COMMIT_CHANNEL, type CommitNotice } from '@/lib/contracts/commit-notice';
import { createPrisma, type Db } from '@/lib/db/prisma';
import type pg from 'pg';
import { createTransactionPool, inTransaction, type SqlRunner } from './pg-transaction';
import { MS, textArray, valueArray } from './sql-rows';
import { addDayTotals, addUserDaySessionStats, dayTotalsOf, sessionColumnArrays, sessionColumnsSql } from './global-totals';
import type { UserDaySessionStatsChange } from '@/worker/core/session-stats-changes';
import type { SessionEndMinuteChange } from '@/worker/core/session-end-minutes';
import { loadOpenSessions, writeSessions } from './session-sink';
import type { AggregateSink, BatchCommit, CommitOutcome, StoredPartition } from './sink';

class Fenced extends Error {}

type Tx = SqlRunner;

const iso = (ms: number) => new Date(ms).toISOString();

/** The user-days' counts per event type: one int[] per EVENT_TYPES column (0 for a type not seen). */
function typeColumnArrays(days: readonly UserDayAcc[]): Prisma.Sql {
  return Prisma.join(EVENT_TYPES.map((type) => Prisma.sql`${valueArray(days.map((d) => d.eventCounts[type] ?? 0))}::int[]`));
}

/**
 * The sink on a database URL: `db` (Prisma) for the positions and sessions it loads, a pg pool of
 * `max` connections for the commits.
 */
export function createPostgresSink(databaseUrl: string, max = 10, db: Db = createPrisma(databaseUrl, max)): PostgresSink {
  return new PostgresSink(db, createTransactionPool({ connectionString: databaseUrl, max, connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 }));
}

export class PostgresSink implements AggregateSink {
  /** `pool`: the commits' connections (pg-transaction.ts); `db`: everything else. Both are closed by close(). */
  constructor(
    private readonly db: Db,
    private readonly pool: pg.Pool,
  ) {}

  /** The position and the open sessions stored with it, read in one snapshot (so both are of the same commit). */
  async loadPosition(topic: string, partition: number): Promise<StoredPartition | null> {
    return this.db.$transaction(
      async (tx) => {
        const row = await tx.partitionState.findUnique({
          where: { topic_partition: { topic, partition } },
          select: { nextOffset: true, watermark: true, clusterId: true, lastRecordTimestamp: true, lastRecordCrc: true },
        });
        if (!row) return null;
        const { lastRecordTimestamp: ts, lastRecordCrc: crc } = row;
        return {
          nextOffset: row.nextOffset,
          watermarkMs: row.watermark?.getTime() ?? null,
          clusterId: row.clusterId,
          lastRecord: ts !== null && crc !== null ? { timestampMs: Number(ts), crc: Number(crc) } : null,
          openSessions: await loadOpenSessions(tx, topic, partition),
        };
      },
      { isolationLevel: 'RepeatableRead', maxWait: 10_000, timeout: 60_000 },
    );
  }

  async setBlocked(topic: string, partition: number, reason: string | null): Promise<void> {
    await this.db.$executeRaw`
      UPDATE partition_state
      SET blocked_reason = ${reason}, blocked_at = CASE WHEN ${reason}::text IS NULL THEN NULL ELSE COALESCE(blocked_at, now()) END
      WHERE topic = ${topic} AND partition = ${partition}`;
  }

  async commit(b: BatchCommit): Promise<CommitOutcome> {
    try {
      await inTransaction(this.pool, async (tx) => {
          await advancePosition(tx, b);
          const sessionStats = b.sessions?.kind === 'update' ? b.sessions.stats : [];
          const { inserted, otherSessionStats } = await upsertUserRows(tx, b.aggregate, sessionStats);
          await writeSessions(tx, b.topic, b.partition, b.sessions);
          await addUserDaySessionStats(tx, otherSessionStats);
          await addMinuteUsers(tx, inserted.usersPerWindow);
          await addGlobalMinutes(tx, b.aggregate);
          await addSessionEnds(tx, b.sessions?.kind === 'update' ? b.sessions.ends : []);
          await addDayTotals(tx, dayTotalsOf(b.aggregate.userDays.values(), inserted.usersPerDay, sessionStats));
          if (b.notice) await notify(tx, b.notice);
      });
      return 'committed';
    } catch (err) {
      if (err instanceof Fenced) return 'fenced';
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.db.$disconnect(), this.pool.end()]);
  }
}

async function advancePosition(tx: Tx, b: BatchCommit): Promise<void> {
  const watermark = b.watermarkMs === null ? null : iso(b.watermarkMs);
  const ts = b.lastRecord === null ? null : BigInt(b.lastRecord.timestampMs);
  const crc = b.lastRecord === null ? null : BigInt(b.lastRecord.crc);
  const changed =
    b.expectedNextOffset === null
      ? await tx.$executeRaw`
          INSERT INTO partition_state (topic, partition, group_id, next_offset, watermark, processed, invalid, late, expired,
                                       cluster_id, last_record_timestamp, last_record_crc, updated_at)
          VALUES (${b.topic}, ${b.partition}, ${b.groupId}, ${b.nextOffset}, ${watermark}::timestamptz, ${b.counted}, ${b.invalid}, ${b.late}, ${b.expired},
                  ${b.clusterId}, ${ts}::bigint, ${crc}::bigint, now())
          ON CONFLICT DO NOTHING`
      : await tx.$executeRaw`
          UPDATE partition_state
          SET next_offset = ${b.nextOffset}, watermark = ${watermark}::timestamptz, group_id = ${b.groupId},
              processed = processed + ${b.counted}, invalid = invalid + ${b.invalid}, late = late + ${b.late}, expired = expired + ${b.expired},
              cluster_id = ${b.clusterId}, last_record_timestamp = ${ts}::bigint, last_record_crc = ${crc}::bigint,
              blocked_reason = NULL, blocked_at = NULL, updated_at = now()
          WHERE topic = ${b.topic} AND partition = ${b.partition} AND next_offset = ${b.expectedNextOffset}`;
  if (changed !== 1) throw new Fenced();
}

/** The users each day and each window gained in a batch: rows its upserts inserted rather than updated (xmax = 0). */
interface InsertedUsers {
  usersPerDay: Map<string, number>;
  usersPerWindow: { windowStart: Date; users: number }[];
}

/**
 * The batch's rows of its users (user_daily, user_minute): one set-based upsert
 * per table, each column one array literal (sql-rows.ts), user_daily's with the session figures'
 * changes of its user-days. Returns the users new on each day and in each window, for the shared
 * rows (global_daily, global_minute_users), and the session changes of user-days it did not write.
 */
async function upsertUserRows(tx: Tx, agg: Aggregate, sessionStats: readonly UserDaySessionStatsChange[]): Promise<{ inserted: InsertedUsers; otherSessionStats: UserDaySessionStatsChange[] }> {
  const days = [...agg.userDays.values()].sort(byUserThenDay);
  const changes = new Map(sessionStats.map((c) => [userDayKey(c.userId, c.day), c]));
  const usersPerDay = new Map<string, number>();
  if (days.length > 0) {
    const own = days.map((d) => {
      const key = userDayKey(d.userId, d.day);
      const change = changes.get(key);
      changes.delete(key);
      return change;
    });
    const inserted = await tx.$queryRaw<{ day: string; users: number }[]>`
      WITH upserted AS (
      INSERT INTO user_daily (user_id, day, event_count, time_spent_seconds, ${eventTypeColumnsSql}, first_event_at, last_event_at, updated_at, ${sessionColumnsSql})
      SELECT u, d, c, t, ${eventTypeColumnsSql}, ${MS('f')}, ${MS('l')}, now(), ${sessionColumnsSql}
      FROM unnest(${textArray(days.map((d) => d.userId))}::text[], ${textArray(days.map((d) => d.day))}::date[], ${valueArray(days.map((d) => d.eventCount))}::int[],
                  ${valueArray(days.map((d) => d.timeSpentSeconds))}::bigint[], ${typeColumnArrays(days)},
                  ${valueArray(days.map((d) => d.firstEventMs))}::bigint[], ${valueArray(days.map((d) => d.lastEventMs))}::bigint[], ${sessionColumnArrays(own)})
           AS x(u, d, c, t, ${eventTypeColumnsSql}, f, l, ${sessionColumnsSql})
      ON CONFLICT (user_id, day) DO UPDATE SET ${userDailyMergeSql}, ${userDailySessionMergeSql}, updated_at = now()
      RETURNING day, xmax = 0 AS inserted
      )
      SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS users FROM upserted WHERE inserted GROUP BY day`;
    for (const r of inserted) usersPerDay.set(r.day, r.users);
  }

  const windows = [...agg.userWindows.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.windowStartMs - b.windowStartMs));
  let usersPerWindow: InsertedUsers['usersPerWindow'] = [];
  if (windows.length > 0) {
    usersPerWindow = await tx.$queryRaw<InsertedUsers['usersPerWindow']>`
      WITH upserted AS (
        INSERT INTO user_minute (user_id, window_start, event_count, time_spent_seconds)
        SELECT u, ${MS('w')}, c, t
        FROM unnest(${textArray(windows.map((w) => w.userId))}::text[], ${valueArray(windows.map((w) => w.windowStartMs))}::bigint[], ${valueArray(windows.map((w) => w.eventCount))}::int[], ${valueArray(windows.map((w) => w.timeSpentSeconds))}::bigint[]) AS x(u, w, c, t)
        ON CONFLICT (user_id, window_start) DO UPDATE SET ${userMinuteMergeSql}
        RETURNING window_start, xmax = 0 AS inserted
      )
      SELECT window_start AS "windowStart", count(*)::int AS users FROM upserted WHERE inserted GROUP BY window_start ORDER BY window_start`;
  }
  return { inserted: { usersPerDay, usersPerWindow }, otherSessionStats: [...changes.values()] };
}

/** Adds the users new in each window to global_minute_users (shared: in window order). */
async function addMinuteUsers(tx: Tx, usersPerWindow: InsertedUsers['usersPerWindow']): Promise<void> {
  if (usersPerWindow.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO global_minute_users (window_start, users)
    SELECT w, n FROM unnest(${textArray(usersPerWindow.map((w) => w.windowStart.toISOString()))}::timestamptz[], ${valueArray(usersPerWindow.map((w) => w.users))}::int[]) AS x(w, n)
    ORDER BY w
    ON CONFLICT (window_start) DO UPDATE SET users = global_minute_users.users + EXCLUDED.users`;
}

/** Adds the batch's events per window and type to global_minute (shared: in key order). */
async function addGlobalMinutes(tx: Tx, agg: Aggregate): Promise<void> {
  const global = [...agg.globalWindows.values()].sort((a, b) => a.windowStartMs - b.windowStartMs || (a.eventType < b.eventType ? -1 : 1));
  if (global.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO global_minute (window_start, event_type, count)
    SELECT ${MS('w')}, e, c
    FROM unnest(${valueArray(global.map((g) => g.windowStartMs))}::bigint[], ${textArray(global.map((g) => g.eventType))}::text[], ${valueArray(global.map((g) => g.count))}::int[]) AS x(w, e, c)
    ON CONFLICT (window_start, event_type) DO UPDATE SET ${globalMinuteMergeSql}`;
}

/** Adds the changes in sessions ending per minute to global_session_ends (shared: in minute order). */
async function addSessionEnds(tx: Tx, ends: readonly SessionEndMinuteChange[]): Promise<void> {
  if (ends.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO global_session_ends (minute, sessions)
    SELECT ${MS('m')}, n FROM unnest(${valueArray(ends.map((e) => e.minuteMs))}::bigint[], ${valueArray(ends.map((e) => e.sessions))}::int[]) AS x(m, n)
    ORDER BY m
    ON CONFLICT (minute) DO UPDATE SET sessions = global_session_ends.sessions + EXCLUDED.sessions`;
}

async function notify(tx: Tx, notice: CommitNotice): Promise<void> {
  // Bounded: PostgreSQL refuses a payload of 8000 bytes or more, which would fail the commit for good.
  await tx.$executeRaw`SELECT pg_notify(${COMMIT_CHANNEL}, ${JSON.stringify(boundNotice(notice))})`;
}
