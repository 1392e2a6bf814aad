/** The users table's parameters, shared by GET /api/users and the /users page. */
import { z } from 'zod';
import { decodeCursor, USER_SORTS, type UsersCursor } from '@/web/queries/users/users-cursor';
import type { ListUsersInput } from '@/web/queries/users/users-rows';
import { dayRangeFields, formatSchema, resolveRange, todayRange } from './params';

export const MAX_PAGE_SIZE = 200;
/** The most rows one CSV export of the users table holds; more matching users is a 400 naming `format`. */
export const MAX_CSV_ROWS = 100_000;

/** The query's input plus the response format. */
export type UsersParams = ListUsersInput & { format: 'json' | 'csv' };

export const usersParamsSchema = z
  .object({
    ...dayRangeFields,
    sort: z.enum(USER_SORTS, { error: `must be one of ${USER_SORTS.join(', ')}` }).default('timeSpent'),
    order: z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' }).default('desc'),
    q: z
      .string()
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9._:@-]*$/, 'may only hold the characters of a userId: letters, digits, ".", "_", ":", "@" or "-"')
      .default(''),
    limit: z
      .string()
      .regex(/^\d{1,6}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .transform(Number)
      .pipe(z.number().int().min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`))
      .default(50),
    cursor: z.string().optional(),
    format: formatSchema,
  })
  .transform((v, ctx): UsersParams => {
    const range = resolveRange(v, ctx, todayRange);
    let cursor: UsersCursor | undefined;
    if (v.cursor !== undefined && v.cursor !== '') {
      cursor = decodeCursor(v.cursor);
      if (cursor === undefined) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor this API returned' });
      else if (cursor.sort !== v.sort || cursor.order !== v.order) {
        ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'belongs to another sort or order' });
      }
    }
    return { range, sort: v.sort, order: v.order, q: v.q, limit: v.limit, cursor, format: v.format };
  });
