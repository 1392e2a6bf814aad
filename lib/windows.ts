/** Tumbling event-time windows: plain arithmetic on epoch milliseconds (UTC), for the worker's core and the dashboard's queries. */

/** One minute: the unit of the tables kept per minute whatever WINDOW_SIZE_MS is (global_session_ends). */
export const MINUTE_MS = 60_000;

/** Start of the tumbling window of `sizeMs` that holds `eventTimeMs`. Windows align to the epoch. */
export function windowStart(eventTimeMs: number, sizeMs: number): number {
  return Math.floor(eventTimeMs / sizeMs) * sizeMs;
}

/** Exclusive end of the window that holds `eventTimeMs`. */
export function windowEnd(eventTimeMs: number, sizeMs: number): number {
  return windowStart(eventTimeMs, sizeMs) + sizeMs;
}
