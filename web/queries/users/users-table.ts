/** The users table as the page and the API show it: a page of rows, each with its most common events (ties kept). */
import type { UsersTable, UsersTableRow } from '@/lib/contracts/dashboard';
import { countUsers } from './count-users';
import { listUsers, type ListUsersInput } from './list-users';
import { mostCommonEvents } from './most-common-events';

export type { UsersTable, UsersTableRow } from '@/lib/contracts/dashboard';

export async function usersTable(input: ListUsersInput, withTotal = true): Promise<UsersTable> {
  const [page, total] = await Promise.all([listUsers(input), withTotal ? countUsers(input) : Promise.resolve(-1)]);
  const common = page.mostCommonEvents ?? (await mostCommonEvents(page.rows.map((r) => r.userId), input.range));
  return {
    from: input.range.from,
    to: input.range.to,
    total,
    rows: page.rows.map((r) => ({ ...r, mostCommonEvents: common.get(r.userId) ?? [] })),
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    asOf: page.asOfMs === null ? null : new Date(page.asOfMs).toISOString(),
  };
}

/**
 * Every row matching the filter for a CSV export, in the table's order: one query, so the range is
 * aggregated once (not once per page). At most `max` rows; `complete` is false when more match.
 */
export async function allUsersRows(input: Omit<ListUsersInput, 'limit' | 'cursor'>, max: number): Promise<{ rows: UsersTableRow[]; complete: boolean }> {
  const page = await usersTable({ ...input, limit: max, cursor: undefined }, false);
  return { rows: page.rows, complete: page.nextCursor === null };
}
