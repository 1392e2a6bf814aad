/**
 * Keyset cursors for the users table: the sort key and userId of the last row of a page, plus the
 * sort they belong to, as base64url JSON. Opaque to clients; validated when read back.
 */
import { z } from 'zod';
import { USER_ID_PATTERN } from '../events/schemas';

export const USER_SORTS = ['userId', 'timeSpent', 'events', 'clicks', 'pageViews', 'ctr'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

export interface UsersCursor {
  sort: UserSort;
  order: SortOrder;
  /** The sort key of the last row: a number, or the userId when sorting by userId. */
  key: number | string;
  userId: string;
}

const wire = z.object({
  s: z.enum(USER_SORTS),
  o: z.enum(['asc', 'desc']),
  k: z.union([z.number().finite(), z.string().max(128)]),
  u: z.string().regex(USER_ID_PATTERN),
});

export function encodeCursor(c: UsersCursor): string {
  return Buffer.from(JSON.stringify({ s: c.sort, o: c.order, k: c.key, u: c.userId }), 'utf8').toString('base64url');
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
  const { s, o, k, u } = parsed.data;
  if ((s === 'userId') !== (typeof k === 'string')) return undefined;
  return { sort: s, order: o, key: k, userId: u };
}
