/**
 * One page of the users table read from a period's snapshot (./range-snapshots.ts) instead of
 * from SQL: the same keyset semantics as the SQL read of the most common event (./users-keyset.ts:
 * a total order by (sort key, userId), cursors both ways), over rows held in memory with their
 * ascending order by each sort as an array of indexes. Pure.
 *
 * The order here is JavaScript's: numbers as numbers, text by UTF-16 code units (as PostgreSQL's
 * "C" collation). A cursor made by a snapshot page is only ever read back by a snapshot page (the
 * cursor names its sort, and the most common event is never a snapshot's), so it never meets a
 * SQL read's order.
 */
import { keysetPage, type KeysetInput, type KeysetPage } from './users-keyset';
import type { UserSort } from './users-cursor';
import type { UserRow } from './users-rows';

/** The sorts a snapshot serves: all but the most common event (its own query). */
export type SnapshotSort = Exclude<UserSort, 'mostCommonEvent'>;

/** Ratios without a denominator (null) sort below every real value. */
const orMinusOne = (x: number | null) => x ?? -1;

/** Each sort's key of a row. */
export const SNAPSHOT_SORT_KEYS: Record<SnapshotSort, (r: UserRow) => number | string> = {
  userId: (r) => r.userId,
  timeSpent: (r) => r.timeSpentSeconds,
  events: (r) => r.eventCount,
  clicks: (r) => r.clicks,
  pageViews: (r) => r.pageViews,
  sessions: (r) => r.sessions,
  visitTime: (r) => r.visitTimeSeconds,
  clicksPerPageView: (r) => orMinusOne(r.clicksPerPageView),
  ctr: (r) => orMinusOne(r.ctr),
  bounceRate: (r) => orMinusOne(r.bounceRate),
};

const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);

/** The indexes of `rows` in ascending (sort key, userId) order. */
export function ascendingOrder(rows: readonly UserRow[], sort: SnapshotSort): Uint32Array {
  const keyOf = SNAPSHOT_SORT_KEYS[sort];
  const keys = rows.map(keyOf);
  const order = Uint32Array.from(rows.keys());
  return order.sort((a, b) => compare(keys[a] as number | string, keys[b] as number | string) || compare((rows[a] as UserRow).userId, (rows[b] as UserRow).userId));
}

/**
 * A page of the rows that match `keep`, in the input's sort, order and cursor: the rows a SQL
 * keyset read would return (up to limit + 1 in the read direction), made into a page by the same
 * keysetPage. `order` is ascendingOrder(rows, input.sort).
 */
export function snapshotPage(rows: readonly UserRow[], order: Uint32Array, input: KeysetInput & { sort: SnapshotSort }, keep: (r: UserRow) => boolean): KeysetPage<UserRow> {
  const keyOf = SNAPSHOT_SORT_KEYS[input.sort];
  const at = (i: number) => rows[order[i] as number] as UserRow;
  const c = input.cursor;
  /** The position of the first row at or after the cursor (`strict`: after it). */
  const bound = (strict: boolean): number => {
    if (!c) return 0;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = at(mid);
      const cmp = compare(keyOf(r), c.key) || compare(r.userId, c.userId);
      if (cmp < 0 || (strict && cmp === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const backwards = c?.direction === 'prev';
  const readDesc = (input.order === 'desc') !== backwards;
  const wanted = input.limit + 1;
  const read: { row: UserRow; user_id: string; sort_key: number | string }[] = [];
  const take = (i: number) => {
    const row = at(i);
    if (keep(row)) read.push({ row, user_id: row.userId, sort_key: keyOf(row) });
  };
  if (readDesc) {
    // Before the cursor (everything without one), from the highest down.
    for (let i = (c ? bound(false) : order.length) - 1; i >= 0 && read.length < wanted; i--) take(i);
  } else {
    for (let i = bound(true); i < order.length && read.length < wanted; i++) take(i);
  }
  const page = keysetPage(input, backwards, read);
  return { ...page, rows: page.rows.map((k) => k.row) };
}
