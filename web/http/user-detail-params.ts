/** Parameters of the per-user endpoints and page. */
import { z } from 'zod';
import { dayRangeFields, formatSchema, lastDaysRange, MAX_DAY, MAX_MINUTE_RANGE_MS, MIN_DAY, resolveRange, userIdParam } from './params';
import type { DayRange } from '@/lib/days';
import { startOfDayMs, todayUtc } from '@/lib/days';

export const userPathSchema = z.object({ userId: userIdParam });

export const DEFAULT_DAILY_DAYS = 7;

export const userDailyParamsSchema = z
  .object({ ...dayRangeFields, format: formatSchema })
  .transform((v, ctx): { range: DayRange; format: 'json' | 'csv' } => ({ range: resolveRange(v, ctx, lastDaysRange(DEFAULT_DAILY_DAYS)), format: v.format }));

const instant = z
  .string()
  .max(40, 'must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z')
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z')
  .transform((s) => Date.parse(/T.*(Z|[+-]\d{2}:?\d{2})$/.test(s) || !s.includes('T') ? s : `${s}Z`))
  .refine((ms) => Number.isFinite(ms), 'is not a valid date-time')
  .refine((ms) => ms >= Date.parse(`${MIN_DAY}T00:00:00Z`) && ms < Date.parse(`${MAX_DAY}T00:00:00Z`) + 86_400_000, `must be from ${MIN_DAY} to ${MAX_DAY}`);

/** from/to instants; default: today (UTC) so far. */
export const userMinutesParamsSchema = z
  .object({ from: instant.optional(), to: instant.optional() })
  .transform((v, ctx) => {
    const now = Date.now();
    const toMs = v.to ?? now + 60_000;
    const fromMs = v.from ?? Math.min(startOfDayMs(todayUtc(now)), toMs);
    if (fromMs > toMs) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    else if (toMs - fromMs > MAX_MINUTE_RANGE_MS) {
      // Name a parameter the caller sent: without `to`, the range runs from `from` to now.
      const sentTo = v.to !== undefined;
      ctx.addIssue({ code: 'custom', path: [sentTo ? 'to' : 'from'], message: sentTo ? 'the range must be at most 7 days' : 'the range from it to now must be at most 7 days' });
    }
    return { fromMs, toMs };
  });
