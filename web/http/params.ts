/**
 * The request parameters shared by the API and the pages, as zod schemas. Messages read well after
 * the field name ("from: must be a date like 2024-05-01").
 */
import { z } from 'zod';
import { USER_ID_PATTERN } from '@/lib/events/schemas';
import { MAX_EVENT_DAY, MIN_EVENT_DAY } from '@/lib/events/timestamp';
import { daysInRange, isValidDay, todayUtc, addDays, type DayRange } from '@/lib/days';

export const MAX_RANGE_DAYS = 366;
/** Minute series are bounded tighter: 7 days is already 10,080 points. */
export const MAX_MINUTE_RANGE_MS = 7 * 86_400_000;

/** Days outside the span events may have are refused (see lib/events/timestamp.ts). */
export const MIN_DAY = MIN_EVENT_DAY;
export const MAX_DAY = MAX_EVENT_DAY;

export const daySchema = z
  .string()
  .refine(isValidDay, 'must be a date like 2024-05-01')
  .refine((d) => d >= MIN_DAY && d <= MAX_DAY, `must be a day from ${MIN_DAY} to ${MAX_DAY}`);

export const userIdParam = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(USER_ID_PATTERN, 'must be 1-128 characters of letters, digits, ".", "_", ":", "@" or "-"');

export const formatSchema = z.enum(['json', 'csv'], { error: 'must be "json" or "csv"' }).default('json');

export const dayRangeFields = {
  day: daySchema.optional(),
  from: daySchema.optional(),
  to: daySchema.optional(),
};

type RangeInput = { day?: string | undefined; from?: string | undefined; to?: string | undefined };

/**
 * `day`, or `from`/`to` (both, or one of them meaning a single day), bounded to MAX_RANGE_DAYS.
 * Defaults to `defaultRange` when none is given.
 */
export function resolveRange(input: RangeInput, ctx: z.RefinementCtx, defaultRange: () => DayRange): DayRange {
  if (input.day !== undefined && (input.from !== undefined || input.to !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['day'], message: 'cannot be combined with from/to' });
    return defaultRange();
  }
  if (input.day !== undefined) return { from: input.day, to: input.day };
  if (input.from === undefined && input.to === undefined) return defaultRange();
  const from = input.from ?? input.to ?? todayUtc();
  const to = input.to ?? input.from ?? todayUtc();
  if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${to})` });
  else if (daysInRange(from, to) > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range must be at most ${MAX_RANGE_DAYS} days` });
  return { from, to };
}

export const todayRange = (): DayRange => ({ from: todayUtc(), to: todayUtc() });
export const lastDaysRange = (n: number) => (): DayRange => ({ from: addDays(todayUtc(), -(n - 1)), to: todayUtc() });
