/** Tumbling event-time windows: plain arithmetic on epoch milliseconds (UTC), for the worker's core and the dashboard's queries. */

/** Start of the tumbling window of `sizeMs` that holds `eventTimeMs`. Windows align to the epoch. */
export function windowStart(eventTimeMs: number, sizeMs: number): number {
  return Math.floor(eventTimeMs / sizeMs) * sizeMs;
}

/** Exclusive end of the window that holds `eventTimeMs`. */
export function windowEnd(eventTimeMs: number, sizeMs: number): number {
  return windowStart(eventTimeMs, sizeMs) + sizeMs;
}
