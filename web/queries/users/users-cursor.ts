/**
 * Keyset cursors for the users table: the sort key and userId of a boundary row, the sort they
 * belong to and the direction to read in, as base64url JSON. Opaque to clients; validated when read
 * back. A `next` cursor holds the last row of a page (read on after it); a `prev` cursor holds the
 * first row of a page (read back before it).
 */
import { z } from 'zod';
import { USER_ID_PATTERN } from '@/lib/events/schemas';

/**
 * The users table's sorts. `ctr` is clicked page views ÷ page views (lib/metrics/click-through-rate.ts);
 * `clicksPerPageView` is the old ratio (clicks ÷ page views). `mostCommonEvent` sorts by the first
 * of the tied most common types in COLLATE "C" order.
 */
export const USER_SORTS = ['userId', 'timeSpent', 'events', 'mostCommonEvent', 'clicks', 'pageViews', 'clicksPerPageView', 'ctr', 'sessions', 'visitTime', 'bounceRate'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export type SortOrder = 'asc' | 'desc';
export type CursorDirection = 'next' | 'prev';

/** The sorts whose key is text (the others are numbers). */
export const TEXT_SORTS: ReadonlySet<UserSort> = new Set<UserSort>(['userId', 'mostCommonEvent']);

export interface UsersCursor {
  sort: UserSort;
  order: SortOrder;
  /** The sort key of the boundary row: a number, or text for the text sorts. */
  key: number | string;
  userId: string;
  direction: CursorDirection;
}

const wire = z.object({
  s: z.enum(USER_SORTS),
  o: z.enum(['asc', 'desc']),
  k: z.union([z.number().finite(), z.string().max(128)]),
  u: z.string().regex(USER_ID_PATTERN),
  // Absent in cursors from before paging backwards existed: those read forwards.
  d: z.enum(['n', 'p']).default('n'),
});

export function encodeCursor(c: UsersCursor): string {
  const value = { s: c.sort, o: c.order, k: c.key, u: c.userId, d: c.direction === 'prev' ? 'p' : 'n' };
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): UsersCursor | undefined {
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = wire.safeParse(value);
  if (!parsed.success) return undefined;
  const { s, o, k, u, d } = parsed.data;
  if (TEXT_SORTS.has(s) !== (typeof k === 'string')) return undefined;
  return { sort: s, order: o, key: k, userId: u, direction: d === 'p' ? 'prev' : 'next' };
}
