/**
 * Sessions moving through the funnel. A pool of concurrent sessions (about a tenth of the users)
 * is kept; each event advances one session picked at random, so sessions interleave and start at
 * random times as old ones end. The next event type is drawn from the generators' funnel weights
 * times the user's habits, with a chance to leave the site.
 *
 * Pure and deterministic: all randomness comes from the seed, all time from the caller.
 */
import { EVENT_TYPES, type ClickstreamEvent, type EventType } from '@/lib/events/schemas';
import type { Catalogue } from './catalogue';
import { createRandom, deriveSeed, skewedInt, weightedChoice } from './distributions';
import { generators, type SessionState } from './generators';
import type { Population } from './population';

/** The weight of leaving the site without another event, once a session has begun. */
const EXIT_WEIGHT = 0.08;
/** Sessions end by this many events at the latest (bots aside, nobody clicks forever). */
const MAX_SESSION_EVENTS = 200;
const MAX_SESSION_DURATION = 86_400;

export interface SessionModelOptions {
  seed: number;
  population: Population;
  catalogue: Catalogue;
  /** Sessions in flight at once; defaults to a tenth of the users (at least 1, at most 5,000). */
  concurrentSessions?: number;
}

export interface SessionModel {
  /** The next event, stamped with this time (epoch ms). */
  next(timestampMs: number): ClickstreamEvent;
}

export function createSessionModel(options: SessionModelOptions): SessionModel {
  const { population, catalogue } = options;
  const random = createRandom(deriveSeed(options.seed, 'sessions'));
  const poolSize = Math.max(1, Math.min(population.size, options.concurrentSessions ?? Math.min(5000, Math.ceil(population.size / 10))));
  const busy = new Set<number>();
  const seedTag = (options.seed >>> 0).toString(36);
  let sessionCount = 0;

  function freeUser(): number {
    // Weighted by activity; a user has one session at a time.
    for (let tries = 0; tries < 16; tries++) {
      const i = population.pickUserIndex(random);
      if (!busy.has(i)) return i;
    }
    const start = Math.floor(random() * population.size);
    for (let k = 0; k < population.size; k++) {
      const i = (start + k) % population.size;
      if (!busy.has(i)) return i;
    }
    throw new Error('no free user: the session pool is larger than the population');
  }

  function newSession(): SessionState {
    const index = freeUser();
    busy.add(index);
    sessionCount += 1;
    return {
      sessionId: `sess-${seedTag}-${sessionCount.toString(36)}`,
      user: population.user(index),
      last: null,
      loggedIn: false,
      page: '/',
      product: null,
      cart: [],
      events: 0,
      ended: false,
    };
  }

  const pool: SessionState[] = Array.from({ length: poolSize }, newSession);
  // One reusable table of (choice, weight) rows, rewritten in place for each event: allocating it
  // per event made the garbage collector a fifth of the cost at high rates.
  const candidates: [EventType | 'exit', number][] = [...EVENT_TYPES.map((t): [EventType | 'exit', number] => [t, 0]), ['exit', 0]];

  function nextType(s: SessionState): EventType | 'exit' {
    for (const row of candidates) {
      const type = row[0];
      row[1] =
        type === 'exit'
          ? s.last === null ? 0 : s.events >= MAX_SESSION_EVENTS ? Number.MAX_VALUE : EXIT_WEIGHT
          : generators[type].weight(s) * s.user.habits[type];
    }
    return weightedChoice(random, candidates);
  }

  // At high rates many events share a millisecond; formatting it once saves a Date per event.
  let lastMs = Number.NaN;
  let lastIso = '';

  return {
    next(timestampMs) {
      if (timestampMs !== lastMs) {
        lastMs = timestampMs;
        lastIso = new Date(timestampMs).toISOString();
      }
      const timestamp = lastIso;
      const slot = Math.floor(random() * pool.length);
      for (;;) {
        const s = pool[slot] as SessionState;
        const type = nextType(s);
        if (type === 'exit') {
          busy.delete(s.user.index);
          pool[slot] = newSession();
          continue;
        }
        const generator = generators[type];
        const sessionDuration = skewedInt(random, {
          median: generator.dwell.median * s.user.dwellFactor,
          sigma: generator.dwell.sigma,
          min: 0,
          max: MAX_SESSION_DURATION,
        });
        const event = generator.build({ session: s, random, catalogue, timestamp, sessionDuration });
        s.last = type;
        s.events += 1;
        if (s.ended) {
          busy.delete(s.user.index);
          pool[slot] = newSession();
        }
        return event;
      }
    },
  };
}
