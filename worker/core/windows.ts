/** Tumbling event-time windows: plain arithmetic on epoch milliseconds (UTC). */

/** Start of the tumbling window of `sizeMs` that holds `eventTimeMs`. Windows align to the epoch. */
export function windowStart(eventTimeMs: number, sizeMs: number): number {
  return Math.floor(eventTimeMs / sizeMs) * sizeMs;
}

/** Exclusive end of the window that holds `eventTimeMs`. */
export function windowEnd(eventTimeMs: number, sizeMs: number): number {
  return windowStart(eventTimeMs, sizeMs) + sizeMs;
}

const DAY_MS = 86_400_000;
/** Formatted days by day number: a stream touches few days, and formatting showed in profiles. */
const dayNames = new Map<number, string>();

/** The UTC day (YYYY-MM-DD) that holds `eventTimeMs`: the daily window. */
export function utcDay(eventTimeMs: number): string {
  const n = Math.floor(eventTimeMs / DAY_MS);
  let name = dayNames.get(n);
  if (name === undefined) {
    if (dayNames.size > 4096) dayNames.clear();
    name = new Date(n * DAY_MS).toISOString().slice(0, 10);
    dayNames.set(n, name);
  }
  return name;
}
