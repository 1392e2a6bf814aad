/**
 * One page of the users table for a single day sorted by time on site (the table's default) or by
 * userId: read live, in the order of an index user_daily keeps anyway ((day, time_spent_seconds
 * DESC, user_id DESC) for the overview's top users; the key (user_id, day)), so the page costs what
 * its rows cost, not what the day's users cost. The other sorts are served from the day's snapshot
 * (./range-snapshots.ts): an index per sort column would cost every update of a user's day.
 * Keyset cursors as users-keyset.ts makes them: the key is compared as the index holds it, ties go
 * by userId, which the indexes hold too, so a cursor inside a large tie is found by the index
 * rather than by reading the tie.
 */
import { Prisma, prisma } from '@/web/queries/db';
import type { UserSort } from './users-cursor';
import { keyset, keysetPage } from './users-keyset';
import { prefixFilter, toUserRow, userDailyColumns, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';

/** How a sort reads its index: what the index orders by, the key the page returns, and a cursor's key as the index holds it. */
interface IndexedKey {
  order: Prisma.Sql;
  key: Prisma.Sql;
  stored: (cursorKey: number | string) => Prisma.Sql;
}

const INDEXED_KEYS = {
  userId: { order: Prisma.sql`user_id`, key: Prisma.sql`user_id`, stored: (k) => Prisma.sql`${String(k)}::text` },
  // Ordered by the table's column by its qualified name: a bare name in ORDER BY would be the
  // select list's float8 column of that name, which no index holds.
  timeSpent: { order: Prisma.sql`user_daily.time_spent_seconds`, key: Prisma.sql`time_spent_seconds::float8`, stored: (k) => Prisma.sql`${Math.trunc(Number(k))}::bigint` },
} as const satisfies Partial<Record<UserSort, IndexedKey>>;
export type IndexedSort = keyof typeof INDEXED_KEYS;

export function readsByDayIndex<T extends Pick<ListUsersInput, 'range' | 'sort'>>(input: T): input is T & { sort: IndexedSort } {
  return input.range.from === input.range.to && input.sort in INDEXED_KEYS;
}

/** `(order, user_id)` beyond the cursor: a row comparison the index starts the scan at. */
function beyondCursor(k: IndexedKey, sort: IndexedSort, readDesc: boolean, key: number | string, userId: string): Prisma.Sql {
  const op = Prisma.raw(readDesc ? '<' : '>');
  if (sort === 'userId') return Prisma.sql`AND user_id ${op} ${userId}::text`;
  return Prisma.sql`AND (${k.order}, user_id) ${op} (${k.stored(key)}, ${userId}::text)`;
}

/** The page's statement (exported so a test can EXPLAIN it). */
export function dayIndexPageSql(input: ListUsersInput & { sort: IndexedSort }): Prisma.Sql {
  const k: IndexedKey = INDEXED_KEYS[input.sort];
  const ks = keyset(input);
  const after = input.cursor ? beyondCursor(k, input.sort, ks.readDesc, input.cursor.key, input.cursor.userId) : Prisma.empty;
  const day = input.range.from;
  return Prisma.sql`
    SELECT user_id, ${userDailyColumns(false)}, ${k.key} AS sort_key
    FROM user_daily
    WHERE day = ${day}::date ${prefixFilter('user_id', input.q)} ${after}
    ORDER BY ${k.order} ${ks.dir}, user_id ${ks.dir}
    LIMIT ${input.limit + 1}`;
}

export async function listUsersByDayIndex(input: ListUsersInput & { sort: IndexedSort }) {
  const rows = await prisma().$queryRaw<RawUserRow[]>(dayIndexPageSql(input));
  const page = keysetPage(input, keyset(input).backwards, rows);
  return { ...page, rows: page.rows.map((r): UserRow => toUserRow(r)), mostCommonEvents: null };
}
