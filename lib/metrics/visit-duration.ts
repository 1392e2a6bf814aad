/**
 * Visit duration: a session's last event time − its first event time (event time, not
 * `sessionDuration`), in seconds; 0 for a one-event session. Event times have millisecond
 * precision, so a duration can have a fraction (1.5 s). Kept in whole milliseconds wherever it is
 * summed (./visit-time.ts), so sums are exact. In SQL: visitDurationMsSql in ./sql.ts.
 */

/** Milliseconds: a whole number for whole-millisecond event times. */
export function visitDurationMs(startMs: number, endMs: number): number {
  return endMs - startMs;
}

/** Seconds: visitDurationMs ÷ 1000. */
export function visitDurationSeconds(startMs: number, endMs: number): number {
  return visitDurationMs(startMs, endMs) / 1000;
}
