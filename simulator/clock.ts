/**
 * Where event timestamps come from. The wall clock stamps events with the time they are made; the
 * simulated clock starts at a given instant and advances 1/rate seconds per event, so a run's
 * timestamps depend only on its configuration (the basis of replayable tests and benchmarks).
 */
import { parseTimestamp } from '@/lib/events/timestamp';

export interface EventClock {
  /** The time (epoch ms) for the next event; a simulated clock advances on each call. */
  next(): number;
  /** Follows the rate, so a rate change changes the spacing of simulated timestamps. */
  setRate(eventsPerSecond: number): void;
  readonly simulated: boolean;
}

export function wallClock(now: () => number = Date.now): EventClock {
  return { next: now, setRate: () => {}, simulated: false };
}

export function simulatedClock(startMs: number, eventsPerSecond: number): EventClock {
  assertRate(eventsPerSecond);
  // Fractional milliseconds are kept so 3 events/s do not round to 333 ms each and drift.
  let t = startMs;
  let step = 1000 / eventsPerSecond;
  return {
    next() {
      const now = Math.floor(t);
      t += step;
      return now;
    },
    setRate(rate) {
      assertRate(rate);
      step = 1000 / rate;
    },
    simulated: true,
  };
}

/** Parses a --start-time value (ISO-8601; UTC unless it has an offset). */
export function parseStartTime(text: string): number | undefined {
  return parseTimestamp(text);
}

function assertRate(rate: number): void {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number, got ${rate}`);
}
