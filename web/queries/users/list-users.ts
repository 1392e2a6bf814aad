/**
 * One page of the users table: per-user totals for a day or a date range, sorted, filtered by
 * userId prefix and paginated with keyset cursors both ways (no OFFSET, so page 500 costs what
 * page 1 does).
 *
 * Every figure comes from user_daily, session figures included (the worker keeps them with
 * user_session): a user with events but no session starting in the period has 0 sessions and no
 * bounce rate or CTR. Three reads:
 *   - a single day by time on site (the default) or by userId: its rows in index order, live
 *     (list-users-by-day-index);
 *   - the other sorts but the most common event, for a day or a range: a page of the period's
 *     snapshot of every user's figures, at most USERS_RANGE_SNAPSHOT_TTL_MS (+ one read) old
 *     (range-snapshots, snapshot-page);
 *   - the most common event, any period: its own query, live (list-users-by-common-event).
 */
import { listUsersByCommonEvent } from './list-users-by-common-event';
import { listUsersByDayIndex, readsByDayIndex } from './list-users-by-day-index';
import { orderOf, rangeSnapshot } from './range-snapshots';
import { snapshotPage, type SnapshotSort } from './snapshot-page';
import type { KeysetPage } from './users-keyset';
import type { ListUsersInput, UserRow } from './users-rows';

export type { ListUsersInput, UserRow } from './users-rows';

export interface UsersPage {
  rows: UserRow[];
  nextCursor: string | null;
  /** Reads the page before this one; null on the first page. */
  prevCursor: string | null;
  /** Each row's most common events when the query worked them out anyway (the mostCommonEvent sort). */
  mostCommonEvents: Map<string, string[]> | null;
  /** When the snapshot's figures were read (epoch ms); null when read live from the rows. */
  asOfMs: number | null;
}

/** The sorts the snapshot serves: a page of the period's snapshot. */
async function listUsersFromSnapshot(input: ListUsersInput & { sort: SnapshotSort }) {
  const s = await rangeSnapshot(input.range);
  const page = snapshotPage(s.rows, orderOf(s, input.sort), input, (r) => r.userId.startsWith(input.q));
  return { ...page, mostCommonEvents: null, asOfMs: s.readAtMs };
}

async function listOnce(input: ListUsersInput): Promise<KeysetPage<UserRow> & Pick<UsersPage, 'mostCommonEvents' | 'asOfMs'>> {
  if (input.sort === 'mostCommonEvent') return { ...(await listUsersByCommonEvent(input)), asOfMs: null };
  if (readsByDayIndex(input)) return { ...(await listUsersByDayIndex(input)), asOfMs: null };
  return listUsersFromSnapshot({ ...input, sort: input.sort });
}

export async function listUsers(input: ListUsersInput): Promise<UsersPage> {
  const page = await listOnce(input);
  // Paging back reached the start with less than a page (rows changed meanwhile): show the first page.
  const result = page.restart ? await listOnce({ ...input, cursor: undefined }) : page;
  return { rows: result.rows, nextCursor: result.nextCursor, prevCursor: result.prevCursor, mostCommonEvents: result.mostCommonEvents, asOfMs: result.asOfMs };
}
