/** The users table's row types, shared by its queries (no queries here). */
import { clickThroughRate } from '@/lib/metrics/click-through-rate';
import type { SortOrder, UserSort, UsersCursor } from './users-cursor';
import type { DayRange } from '@/lib/days';

export interface UserRow {
  userId: string;
  eventCount: number;
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  ctr: number | null;
}

export interface ListUsersInput {
  range: DayRange;
  sort: UserSort;
  order: SortOrder;
  q: string;
  limit: number;
  cursor: UsersCursor | undefined;
}

/** A row as the users-table queries select it (numbers as float8, the sort key beside them). */
export interface RawUserRow {
  user_id: string;
  events: number;
  time_spent: number;
  clicks: number;
  page_views: number;
  sort_key: number | string;
}

export function toUserRow(r: RawUserRow): UserRow {
  return {
    userId: r.user_id,
    eventCount: r.events,
    timeSpentSeconds: r.time_spent,
    clicks: r.clicks,
    pageViews: r.page_views,
    ctr: clickThroughRate.extract({ clicks: r.clicks, pageViews: r.page_views }),
  };
}
