/**
 * Session figures per user-day (user_daily's session columns) and everyone's totals per UTC day
 * (global_daily), kept inside the batch's transaction so the users table reads one row per user and
 * the overview one row a day, instead of summing user_session and 100,000 users' rows (issue 13):
 *   - user_daily's sums come from the batch's aggregate, and its row count (users) from the rows
 *     the batch's user_daily upsert inserted rather than updated;
 *   - user_session's sums as sessionStats' accumulator (lib/metrics/sql.ts sessionStatsAccSql):
 *     what the core says the batch's sessions changed per user and day (worker/core/
 *     session-stats-changes.ts), added to the user-day's row and to the day's.
 * Exactly once with the rows they sum: same transaction, same fencing. A user's rows belong to one
 * partition; global_daily is shared: one upsert per batch, last in the transaction and in day order,
 * so concurrent batches lock its rows in one order.
 */
import { Prisma } from '@/lib/db/generated/client';
import type { SqlRunner } from './pg-transaction';
import { SESSION_STATS_ACC_COLUMNS, sessionStatsAccColumnsOf } from '@/lib/metrics/sql';
import type { UserDayAcc } from '@/worker/core/aggregate';
import type { UserDaySessionStatsChange } from '@/worker/core/session-stats-changes';
import { textArray, valueArray } from './sql-rows';

const USER_COLUMNS = ['users', 'event_count', 'time_spent_seconds', 'clicks', 'page_views'] as const;

/** global_daily's counters, by column name. */
export const GLOBAL_DAILY_COLUMNS = [...USER_COLUMNS, ...SESSION_STATS_ACC_COLUMNS] as const;
export type GlobalDailyColumn = (typeof GLOBAL_DAILY_COLUMNS)[number];

/** What a batch adds to each day's totals (negative where sessions shrank or merged away). */
export type DayTotals = Map<string, Record<GlobalDailyColumn, number>>;

function totalsOf(t: DayTotals, day: string): Record<GlobalDailyColumn, number> {
  let row = t.get(day);
  if (!row) {
    row = Object.fromEntries(GLOBAL_DAILY_COLUMNS.map((c) => [c, 0])) as Record<GlobalDailyColumn, number>;
    t.set(day, row);
  }
  return row;
}

/** A batch's additions to global_daily: its user-days' sums, the users new on each day, its sessions' changes. */
export function dayTotalsOf(userDays: Iterable<UserDayAcc>, newUsersPerDay: ReadonlyMap<string, number>, sessions: readonly UserDaySessionStatsChange[]): DayTotals {
  const t: DayTotals = new Map();
  for (const d of userDays) {
    const row = totalsOf(t, d.day);
    row.event_count += d.eventCount;
    row.time_spent_seconds += d.timeSpentSeconds;
    row.clicks += d.clicks;
    row.page_views += d.pageViews;
  }
  for (const [day, users] of newUsersPerDay) totalsOf(t, day).users += users;
  for (const s of sessions) {
    const row = totalsOf(t, s.day);
    const change = sessionStatsAccColumnsOf(s.change);
    for (const c of SESSION_STATS_ACC_COLUMNS) row[c] += change[c];
  }
  return t;
}

const setSql = Prisma.raw(GLOBAL_DAILY_COLUMNS.map((c) => `${c} = global_daily.${c} + EXCLUDED.${c}`).join(', '));
const columnsSql = Prisma.raw(GLOBAL_DAILY_COLUMNS.join(', '));

/** Adds a batch's day totals to global_daily, in day order; runs inside the batch's transaction. */
export async function addDayTotals(tx: SqlRunner, totals: DayTotals): Promise<void> {
  if (totals.size === 0) return;
  const days = [...totals.keys()].sort();
  const columns = GLOBAL_DAILY_COLUMNS.map((c) => Prisma.sql`${valueArray(days.map((d) => totalsOf(totals, d)[c]))}::bigint[]`);
  await tx.$executeRaw`
    INSERT INTO global_daily (day, ${columnsSql})
    SELECT * FROM unnest(${textArray(days)}::date[], ${Prisma.join(columns)}) AS x(day, ${columnsSql})
    ORDER BY day
    ON CONFLICT (day) DO UPDATE SET ${setSql}`;
}

const userDaySetSql = Prisma.raw(SESSION_STATS_ACC_COLUMNS.map((c) => `${c} = d.${c} + x.${c}`).join(', '));

/** user_daily's session columns, by name (for a column list, or unnest()'s aliases). */
export const sessionColumnsSql = Prisma.raw(SESSION_STATS_ACC_COLUMNS.join(', '));

/** One bigint[] array per session column, in sessionColumnsSql's order, of each row's change (none: 0). */
export function sessionColumnArrays(changes: readonly (UserDaySessionStatsChange | undefined)[]): Prisma.Sql {
  const values = changes.map((c) => (c === undefined ? undefined : sessionStatsAccColumnsOf(c.change)));
  return Prisma.join(SESSION_STATS_ACC_COLUMNS.map((c) => Prisma.sql`${valueArray(values.map((x) => x?.[c] ?? 0))}::bigint[]`));
}

/**
 * Adds session changes to the user-days' rows, which exist: a session's day is that of its first
 * event, counted by this batch or an earlier one. For the user-days the batch's user_daily upsert
 * does not write (its own rows take their changes with their events: one row version, not two).
 * Runs inside the batch's transaction.
 */
export async function addUserDaySessionStats(tx: SqlRunner, sessions: readonly UserDaySessionStatsChange[]): Promise<void> {
  if (sessions.length === 0) return;
  await tx.$executeRaw`
    UPDATE user_daily d SET ${userDaySetSql}
    FROM unnest(${textArray(sessions.map((s) => s.userId))}::text[], ${textArray(sessions.map((s) => s.day))}::date[], ${sessionColumnArrays(sessions)})
         AS x(user_id, day, ${sessionColumnsSql})
    WHERE d.user_id = x.user_id AND d.day = x.day`;
}
