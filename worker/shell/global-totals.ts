/**
 * Everyone's totals per UTC day (global_daily), kept inside the batch's transaction so the overview
 * reads one row a day instead of summing 100,000 users' rows on every push (issue 13):
 *   - user_daily's sums come from the batch's aggregate, and its row count (users) from the rows
 *     the batch's user_daily upsert inserted rather than updated;
 *   - user_session's sums as sessionStats' accumulator (lib/metrics/sql.ts sessionStatsAccSql):
 *     the sessions a batch writes, minus what the rows it replaces or deletes held before
 *     (session-sink.ts returns both, signed).
 * Exactly once with the rows they sum: same transaction, same fencing. One upsert per batch, last in
 * the transaction and in day order, so concurrent batches lock these shared rows in one order.
 */
import { Prisma } from '@/lib/db/generated/client';
import type { Db } from '@/lib/db/prisma';
import { SESSION_STATS_ACC_COLUMNS, type SessionStatsAccColumns } from '@/lib/metrics/sql';
import type { UserDayAcc } from '@/worker/core/aggregate';
import { textArray, valueArray } from './sql-rows';

const USER_COLUMNS = ['users', 'event_count', 'time_spent_seconds', 'clicks', 'page_views'] as const;

/** global_daily's counters, by column name. */
export const GLOBAL_DAILY_COLUMNS = [...USER_COLUMNS, ...SESSION_STATS_ACC_COLUMNS] as const;
export type GlobalDailyColumn = (typeof GLOBAL_DAILY_COLUMNS)[number];

/** What a batch adds to each day's totals (negative where sessions shrank or merged away). */
export type DayTotals = Map<string, Record<GlobalDailyColumn, number>>;

/** A batch's session rows per day, signed: +1 as written now, −1 as they stood before (session-sink.ts). */
export interface SignedSessionStats extends SessionStatsAccColumns {
  day: string;
  sign: number;
}

function totalsOf(t: DayTotals, day: string): Record<GlobalDailyColumn, number> {
  let row = t.get(day);
  if (!row) {
    row = Object.fromEntries(GLOBAL_DAILY_COLUMNS.map((c) => [c, 0])) as Record<GlobalDailyColumn, number>;
    t.set(day, row);
  }
  return row;
}

/** A batch's additions to global_daily: its user-days' sums, the users new on each day, its sessions' signed stats. */
export function dayTotalsOf(userDays: Iterable<UserDayAcc>, newUsersPerDay: ReadonlyMap<string, number>, sessions: readonly SignedSessionStats[]): DayTotals {
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
    for (const c of SESSION_STATS_ACC_COLUMNS) row[c] += s.sign * (s[c] ?? 0);
  }
  return t;
}

const setSql = Prisma.raw(GLOBAL_DAILY_COLUMNS.map((c) => `${c} = global_daily.${c} + EXCLUDED.${c}`).join(', '));
const columnsSql = Prisma.raw(GLOBAL_DAILY_COLUMNS.join(', '));

/** Adds a batch's day totals to global_daily, in day order; runs inside the batch's transaction. */
export async function addDayTotals(tx: Pick<Db, '$executeRaw'>, totals: DayTotals): Promise<void> {
  if (totals.size === 0) return;
  const days = [...totals.keys()].sort();
  const columns = GLOBAL_DAILY_COLUMNS.map((c) => Prisma.sql`${valueArray(days.map((d) => totalsOf(totals, d)[c]))}::bigint[]`);
  await tx.$executeRaw`
    INSERT INTO global_daily (day, ${columnsSql})
    SELECT * FROM unnest(${textArray(days)}::date[], ${Prisma.join(columns)}) AS x(day, ${columnsSql})
    ORDER BY day
    ON CONFLICT (day) DO UPDATE SET ${setSql}`;
}
