/** The users table as the page and the API show it: a page of rows, each with its most common events (ties kept). */
import type { UsersTable, UsersTableRow } from '@/lib/contracts/dashboard';
import { countUsers } from './count-users';
import { listUsers, type ListUsersInput } from './list-users';
import { mostCommonEvents } from './most-common-events';
import { decodeCursor } from './users-cursor';

export type { UsersTable, UsersTableRow } from '@/lib/contracts/dashboard';

export async function usersTable(input: ListUsersInput, withTotal = true): Promise<UsersTable> {
  const [page, total] = await Promise.all([listUsers(input), withTotal ? countUsers(input.range, input.q) : Promise.resolve(-1)]);
  const common = page.mostCommonEvents ?? (await mostCommonEvents(page.rows.map((r) => r.userId), input.range));
  return {
    from: input.range.from,
    to: input.range.to,
    total,
    rows: page.rows.map((r) => ({ ...r, mostCommonEvents: common.get(r.userId) ?? [] })),
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
  };
}

/** Every row matching the filter, page by page (for CSV export), up to `max` rows. */
export async function* allUsersRows(input: Omit<ListUsersInput, 'limit' | 'cursor'>, max = 100_000): AsyncGenerator<UsersTableRow[]> {
  let cursor: ListUsersInput['cursor'];
  let produced = 0;
  // Each mostCommonEvent page works the key out for the whole period: fewer, larger pages.
  const batch = input.sort === 'mostCommonEvent' ? 20_000 : 2000;
  for (;;) {
    const limit = Math.min(batch, max - produced);
    if (limit <= 0) return;
    const page = await usersTable({ ...input, limit, cursor }, false);
    produced += page.rows.length;
    yield page.rows;
    if (page.nextCursor === null) return;
    cursor = decodeCursor(page.nextCursor);
  }
}
