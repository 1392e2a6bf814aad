/**
 * One page of the users table for a single day, sorted by any column but the most common event:
 * user_daily has a (day, key DESC, user_id DESC) index for each sort key (a column, or a ratio's
 * expression: users-sort-keys.ts), so the page is read in index order straight from user_daily,
 * session figures included, and costs what its rows cost, not what the day's users cost. Keyset
 * cursors as users-keyset.ts makes them: the key is compared as the index holds it
 * (the stored column, or the expression), ties go by userId, which the indexes hold too, so a
 * cursor inside a large tie is found by the index rather than by reading the tie.
 */
import { Prisma, prisma } from '@/web/queries/db';
import type { UserSort } from './users-cursor';
import { keyset, keysetPage } from './users-keyset';
import { prefixFilter, toUserRow, userDailyColumns, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';
import { RATIO_SORT_KEYS } from './users-sort-keys';
import { visitTimeSecondsSql } from '@/lib/metrics/sql';

/** How a sort reads its index: what the index orders by, the key the page returns, and a cursor's key as the index holds it. */
interface IndexedKey {
  order: Prisma.Sql;
  key: Prisma.Sql;
  stored: (cursorKey: number | string) => Prisma.Sql;
}

/**
 * A whole-number column: the key is the column as float8 (as every users-table read returns it), compared as stored.
 * Ordered by the table's column by its qualified name: a bare name in ORDER BY would be the select
 * list's float8 column of that name, which no index holds.
 */
const column = (name: string): IndexedKey => ({
  order: Prisma.raw(`user_daily.${name}`),
  key: Prisma.raw(`${name}::float8`),
  stored: (k) => Prisma.sql`${Math.trunc(Number(k))}::bigint`,
});

/** A ratio: the index holds the key's expression itself. */
const ratio = (expression: Prisma.Sql): IndexedKey => ({ order: expression, key: expression, stored: (k) => Prisma.sql`${Number(k)}::float8` });

const INDEXED_KEYS = {
  userId: { order: Prisma.sql`user_id`, key: Prisma.sql`user_id`, stored: (k) => Prisma.sql`${String(k)}::text` },
  timeSpent: column('time_spent_seconds'),
  events: column('event_count'),
  clicks: column('clicks'),
  pageViews: column('page_views'),
  sessions: column('sessions'),
  // The index holds whole milliseconds; the key (and a cursor) is seconds, exactly ms / 1000.
  visitTime: { order: Prisma.sql`user_daily.visit_time_ms`, key: visitTimeSecondsSql(Prisma.sql`visit_time_ms`), stored: (k) => Prisma.sql`${Math.round(Number(k) * 1000)}::bigint` },
  clicksPerPageView: ratio(RATIO_SORT_KEYS.clicksPerPageView),
  ctr: ratio(RATIO_SORT_KEYS.ctr),
  bounceRate: ratio(RATIO_SORT_KEYS.bounceRate),
} as const satisfies Record<Exclude<UserSort, 'mostCommonEvent'>, IndexedKey>;
export type IndexedSort = keyof typeof INDEXED_KEYS;

export function readsByDayIndex(input: ListUsersInput): input is ListUsersInput & { sort: IndexedSort } {
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
