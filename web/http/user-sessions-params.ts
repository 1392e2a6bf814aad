/** Parameters of a user's sessions: the list (GET /api/users/{userId}/sessions) and one session (…/sessions/{start}). */
import { z } from 'zod';
import type { DayRange } from '@/lib/days';
import { MAX_DAY, MIN_DAY, dayRangeFields, lastDaysRange, resolveRange, userIdParam } from './params';

/** The most sessions one list request returns. */
export const MAX_SESSIONS_LIMIT = 500;
export const DEFAULT_SESSIONS_LIMIT = 50;
/** Days the list covers by default: the last 7, today included. */
export const DEFAULT_SESSIONS_DAYS = 7;

const MIN_MS = Date.parse(`${MIN_DAY}T00:00:00Z`);
const MAX_MS = Date.parse(`${MAX_DAY}T00:00:00Z`) + 86_400_000 - 1;

/** A session's start as epoch milliseconds (UTC), as `startMs` in the list: digits only, within the days events may have. */
export const epochMsParam = (what: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `must be ${what} as epoch milliseconds, e.g. 1714564800000`)
    .transform(Number)
    .refine((ms) => ms >= MIN_MS && ms <= MAX_MS, `must be an instant from ${MIN_DAY} to ${MAX_DAY}`);

export interface UserSessionsParams {
  range: DayRange;
  limit: number;
  /** Only sessions starting before this instant (epoch ms): the next part of a long list. */
  beforeMs: number | undefined;
}

export const userSessionsParamsSchema = z
  .object({
    ...dayRangeFields,
    limit: z
      .string()
      .regex(/^\d{1,6}$/, `must be a whole number from 1 to ${MAX_SESSIONS_LIMIT}`)
      .transform(Number)
      .pipe(z.number().int().min(1, `must be a whole number from 1 to ${MAX_SESSIONS_LIMIT}`).max(MAX_SESSIONS_LIMIT, `must be a whole number from 1 to ${MAX_SESSIONS_LIMIT}`))
      .default(DEFAULT_SESSIONS_LIMIT),
    before: epochMsParam('an instant').optional(),
  })
  .transform((v, ctx): UserSessionsParams => ({ range: resolveRange(v, ctx, lastDaysRange(DEFAULT_SESSIONS_DAYS)), limit: v.limit, beforeMs: v.before }));

export const userSessionPathSchema = z.object({ userId: userIdParam, start: epochMsParam("the session's start") });
