/**
 * One page of the users table for a single day, sorted by a column user_daily has an index for
 * (time on site, events, userId): the page is read in index order straight from user_daily, session
 * figures included, so a page costs what its rows cost, not what the day's users cost. Same rows, order and cursors as the general query
 * (list-users.ts): the key is compared on the stored column (no cast), ties go by userId, which
 * the indexes hold too (day, key DESC, user_id DESC), so a cursor inside a large tie is found by
 * the index rather than by reading the tie.
 */
import { Prisma, prisma } from '@/web/queries/db';
import type { UserSort } from './users-cursor';
import { keyset, keysetPage } from './users-keyset';
import { prefixFilter, toUserRow, userDailyColumns, type ListUsersInput, type RawUserRow, type UserRow } from './users-rows';

/** The sorts a single day reads by index, and the user_daily column each sorts on. */
const INDEXED_COLUMNS = { timeSpent: 'time_spent_seconds', events: 'event_count', userId: 'user_id' } as const satisfies Partial<Record<UserSort, string>>;
type IndexedSort = keyof typeof INDEXED_COLUMNS;

export function readsByDayIndex(input: ListUsersInput): input is ListUsersInput & { sort: IndexedSort } {
  return input.range.from === input.range.to && input.sort in INDEXED_COLUMNS;
}

/** `(column, user_id)` beyond the cursor: a row comparison the (day, column, user_id) index starts the scan at. */
function beyondCursor(column: string, readDesc: boolean, key: number | string, userId: string): Prisma.Sql {
  const op = Prisma.raw(readDesc ? '<' : '>');
  if (column === 'user_id') return Prisma.sql`AND user_id ${op} ${userId}::text`;
  return Prisma.sql`AND (${Prisma.raw(column)}, user_id) ${op} (${Math.trunc(Number(key))}::bigint, ${userId}::text)`;
}

/** The page's statement (exported so a test can EXPLAIN it). */
export function dayIndexPageSql(input: ListUsersInput & { sort: IndexedSort }): Prisma.Sql {
  const column = INDEXED_COLUMNS[input.sort];
  const ks = keyset(input);
  const after = input.cursor ? beyondCursor(column, ks.readDesc, input.cursor.key, input.cursor.userId) : Prisma.empty;
  const key = column === 'user_id' ? Prisma.sql`user_id` : Prisma.sql`${Prisma.raw(column)}::float8`;
  const day = input.range.from;
  return Prisma.sql`
    SELECT user_id, ${userDailyColumns(false)}, ${key} AS sort_key
    FROM user_daily
    WHERE day = ${day}::date ${prefixFilter('user_id', input.q)} ${after}
    ORDER BY ${Prisma.raw(column)} ${ks.dir}, user_id ${ks.dir}
    LIMIT ${input.limit + 1}`;
}

export async function listUsersByDayIndex(input: ListUsersInput & { sort: IndexedSort }) {
  const rows = await prisma().$queryRaw<RawUserRow[]>(dayIndexPageSql(input));
  const page = keysetPage(input, keyset(input).backwards, rows);
  return { ...page, rows: page.rows.map((r): UserRow => toUserRow(r)), mostCommonEvents: null };
}
