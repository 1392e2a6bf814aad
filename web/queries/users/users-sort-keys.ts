/**
 * The users table's ratio sort keys in SQL (clicks per page view, CTR, bounce rate), over
 * user_daily's column names, for the single-day index reads (list-users-by-day-index.ts). They are
 * also the expressions of their user_daily indexes (migration 20261202000000_users_sort_indexes):
 * change one, change both. A range's snapshot sorts by the same keys in JavaScript
 * (snapshot-page.ts).
 */
import { bounceRateSql, clicksPerPageViewSql, clickThroughRateSql } from '@/lib/metrics/sql';
import { Prisma } from '@/web/queries/db';
import type { UserSort } from './users-cursor';

/** Ratios without a denominator (NULL) sort below every real value. */
const orMinusOne = (sql: Prisma.Sql) => Prisma.sql`COALESCE(${sql}, -1::float8)`;

export const RATIO_SORT_KEYS = {
  clicksPerPageView: orMinusOne(clicksPerPageViewSql(Prisma.sql`clicks`, Prisma.sql`page_views`)),
  ctr: orMinusOne(clickThroughRateSql(Prisma.sql`clicked_page_views`, Prisma.sql`session_page_views`)),
  bounceRate: orMinusOne(bounceRateSql(Prisma.sql`bounces`, Prisma.sql`sessions`)),
} as const satisfies Partial<Record<UserSort, Prisma.Sql>>;
