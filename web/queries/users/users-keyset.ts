/**
 * The keyset-pagination parts the users-table queries share (SQL fragments, no queries): which way
 * to read, the row comparison against a cursor, and turning the rows read into a page with cursors
 * both ways. Every sort is total: (sort key, userId), so ties on the key never repeat or skip rows.
 */
import { Prisma } from '@/web/queries/db';
import { encodeCursor, TEXT_SORTS, type SortOrder, type UserSort, type UsersCursor } from './users-cursor';

export interface KeysetInput {
  sort: UserSort;
  order: SortOrder;
  limit: number;
  cursor: UsersCursor | undefined;
}

export interface Keyset {
  /** `WHERE (sort_key, user_id) <op> (cursor)`, or nothing on the first page. */
  where: Prisma.Sql;
  /** The direction to read in: the table's order, or its reverse when paging backwards. */
  dir: Prisma.Sql;
  /** `dir` is DESC. */
  readDesc: boolean;
  backwards: boolean;
}

export function keyset(input: KeysetInput): Keyset {
  const backwards = input.cursor?.direction === 'prev';
  const readDesc = (input.order === 'desc') !== backwards;
  const dir = readDesc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const c = input.cursor;
  if (!c) return { where: Prisma.empty, dir, readDesc, backwards };
  const k = TEXT_SORTS.has(input.sort) ? Prisma.sql`${String(c.key)}::text` : Prisma.sql`${Number(c.key)}::float8`;
  const where = readDesc
    ? Prisma.sql`WHERE (sort_key, user_id) < (${k}, ${c.userId}::text)`
    : Prisma.sql`WHERE (sort_key, user_id) > (${k}, ${c.userId}::text)`;
  return { where, dir, readDesc, backwards };
}

export interface KeyedRow {
  user_id: string;
  sort_key: number | string;
}

export interface KeysetPage<R> {
  rows: R[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** True when a backwards read found fewer than a page before the cursor: show the first page instead. */
  restart: boolean;
}

/** `rows` as read (up to limit + 1, in the read direction) → the page in table order, with cursors. */
export function keysetPage<R extends KeyedRow>(input: KeysetInput, backwards: boolean, rows: R[]): KeysetPage<R> {
  const more = rows.length > input.limit;
  const read = rows.slice(0, input.limit);
  const page = backwards ? read.reverse() : read;
  const first = page[0];
  const last = page.at(-1);
  const cursor = (row: R, direction: 'next' | 'prev') =>
    encodeCursor({ sort: input.sort, order: input.order, key: row.sort_key, userId: row.user_id, direction });
  if (backwards) {
    return {
      rows: page,
      prevCursor: more && first ? cursor(first, 'prev') : null,
      nextCursor: last ? cursor(last, 'next') : null,
      restart: !more && page.length < input.limit,
    };
  }
  return {
    rows: page,
    nextCursor: more && last ? cursor(last, 'next') : null,
    prevCursor: input.cursor && first ? cursor(first, 'prev') : null,
    restart: false,
  };
}
