/** UTC calendar days as 'YYYY-MM-DD' strings: the worker aggregates per UTC day. */
const DAY_MS = 86_400_000;

/** An inclusive range of UTC days, 'YYYY-MM-DD' to 'YYYY-MM-DD'. */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDay(s: string): boolean {
  if (!DAY_PATTERN.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Formatted days by day number: a stream touches few days, and formatting showed in the worker's profiles. */
const dayNames = new Map<number, string>();

/** The UTC day (YYYY-MM-DD) that holds an epoch-millisecond instant: the daily window. */
export function dayOf(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  let name = dayNames.get(n);
  if (name === undefined) {
    if (dayNames.size > 4096) dayNames.clear();
    name = new Date(n * DAY_MS).toISOString().slice(0, 10);
    dayNames.set(n, name);
  }
  return name;
}

export function todayUtc(nowMs = Date.now()): string {
  return dayOf(nowMs);
}

export function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** Inclusive count of days from `from` to `to` (1 when equal). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function startOfDayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** Every day of an inclusive range, in order. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
