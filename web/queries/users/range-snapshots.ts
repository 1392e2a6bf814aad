/**
 * The users table of a period (a day, or a range of several days), read from a snapshot: every
 * user's figures over the period, read by one statement, kept in memory for
 * USERS_RANGE_SNAPSHOT_TTL_MS and shared by every page, sort, filter, count and CSV export of that
 * period (issue 13).
 * - A range: summing 100,000 users' rows of 7 days takes PostgreSQL about a second; doing it for
 *   every page and every sort, as the SQL read did, took 16 s a page under 10 concurrent clients.
 * - A day, sorted by anything but time on site, userId (read by index: list-users-by-day-index.ts)
 *   and the most common event: its rows could be read a page at a time in the order of an index
 *   per sort, but every such index is on a column the worker changes with each of the user's
 *   events, so each made every update of a user's day cost more: with eight of them the live
 *   commit's user_daily statement took 161 ms instead of 43 (docs/BENCHMARKS.md, session 11). A
 *   day's rows are read by the (day, time on site) index, without summing; about 0.6 s of the web
 *   server's CPU at 100,000 users.
 *
 * Freshness: a snapshot older than the TTL is rebuilt on the next request for its period; until
 * the new one is ready (about a second at 100,000 users and 7 days), requests get the previous
 * one, so the figures of a period are at most TTL + one build old. Each answer says when its
 * snapshot was read (`asOf`). Concurrent requests for a period share one build. At most
 * USERS_RANGE_SNAPSHOTS periods are kept (the least recently used goes); each holds about 200
 * bytes per user, and 4 more per user for each sort asked for.
 */
import { config } from '@/lib/config';
import type { DayRange } from '@/lib/days';
import { Prisma, prisma } from '@/web/queries/db';
import { ascendingOrder, type SnapshotSort } from './snapshot-page';
import { toUserRow, userDailyColumns, type RawUserRow, type UserRow } from './users-rows';

export interface RangeSnapshot {
  range: DayRange;
  /** When the statement that read it started (epoch ms). */
  readAtMs: number;
  rows: readonly UserRow[];
  /** The rows' ascending order by each sort asked for so far (indexes into rows), made on first use. */
  orders: Map<SnapshotSort, Uint32Array>;
}

interface Entry {
  snapshot: RangeSnapshot | null;
  building: Promise<RangeSnapshot> | null;
}

const entries = new Map<string, Entry>();

/** How long past its TTL a snapshot may still be served while a newer one is read. */
const STALE_GRACE_MS = 60_000;

const keyOf = (r: DayRange) => `${r.from}..${r.to}`;

/** The statement a snapshot is read by: a day's rows as they are, a range's summed per user. */
export function snapshotSql(range: DayRange): Prisma.Sql {
  if (range.from === range.to) return Prisma.sql`SELECT user_id, ${userDailyColumns(false)} FROM user_daily WHERE day = ${range.from}::date`;
  return Prisma.sql`
    SELECT user_id, ${userDailyColumns(true)}
    FROM user_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY user_id`;
}

async function build(range: DayRange): Promise<RangeSnapshot> {
  const readAtMs = Date.now();
  const raw = await prisma().$queryRaw<Omit<RawUserRow, 'sort_key'>[]>(snapshotSql(range));
  return { range, readAtMs, rows: raw.map(toUserRow), orders: new Map() };
}

/** Starts a build for the entry's range unless one is running; a failed build leaves the entry as it was. */
function startBuild(range: DayRange, entry: Entry): Promise<RangeSnapshot> {
  if (entry.building) return entry.building;
  const building = build(range).then(
    (snapshot) => {
      entry.snapshot = snapshot;
      entry.building = null;
      return snapshot;
    },
    (err: unknown) => {
      entry.building = null;
      throw err;
    },
  );
  entry.building = building;
  return building;
}

/** The period's snapshot: fresh, or the previous one while a newer one is being read. */
export async function rangeSnapshot(range: DayRange, nowMs = Date.now()): Promise<RangeSnapshot> {
  const { USERS_RANGE_SNAPSHOT_TTL_MS: ttl, USERS_RANGE_SNAPSHOTS: max } = config();
  const key = keyOf(range);
  let entry = entries.get(key);
  if (entry) entries.delete(key); // re-inserted below: the Map's order is least recently used first
  else entry = { snapshot: null, building: null };
  entries.set(key, entry);
  for (const old of entries.keys()) {
    if (entries.size <= max) break;
    entries.delete(old);
  }
  const s = entry.snapshot;
  if (s && nowMs - s.readAtMs < ttl) return s;
  const building = startBuild(range, entry);
  // The previous one is served while the new one is read, for at most STALE_GRACE_MS past its TTL:
  // after that requests wait for a build, so a database that fails is seen, not hidden behind old
  // figures. A TTL of 0 asks for figures read on request: never the previous ones.
  if (!s || ttl === 0 || nowMs - s.readAtMs >= ttl + STALE_GRACE_MS) return building;
  building.catch(() => {}); // its failure is met by a later request that waits
  return s;
}

/** The snapshot's rows' ascending order by `sort` (sorted once per snapshot and sort). */
export function orderOf(s: RangeSnapshot, sort: SnapshotSort): Uint32Array {
  let order = s.orders.get(sort);
  if (!order) {
    order = ascendingOrder(s.rows, sort);
    s.orders.set(sort, order);
  }
  return order;
}

/** Forgets every snapshot (tests that change rows and read a range again at once). */
export function clearRangeSnapshots(): void {
  entries.clear();
}
